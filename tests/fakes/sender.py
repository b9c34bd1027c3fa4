"""A Sender (``bot.messaging.delivery``) that records what the engine asked it to send."""

from __future__ import annotations

from bot.messaging.delivery import Outcome, SendResult
from bot.render import Reply


class RecordingSender:
    """A Sender that records what it was asked to send; outcomes may be scripted per chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.replies: list[tuple[int, Reply]] = []
        self.photos: list[tuple[int, bytes, str]] = []
        self.script: dict[int, list[SendResult]] = {}
        self._ids = 5000

    async def send(self, chat_id: int, reply: Reply) -> SendResult:
        scripted = self.script.get(chat_id)
        if scripted:
            result = scripted.pop(0)
            if result.outcome is not Outcome.SENT:
                return result
        self._ids += 1
        self.sent.append((chat_id, reply.text))
        self.replies.append((chat_id, reply))
        return SendResult(Outcome.SENT, message_id=self._ids)

    async def send_photo(self, chat_id: int, png: bytes, caption: str) -> SendResult:
        scripted = self.script.get(chat_id)
        if scripted and scripted[0].outcome is not Outcome.SENT:
            return scripted.pop(0)
        self._ids += 1
        self.photos.append((chat_id, png, caption))
        return SendResult(Outcome.SENT, message_id=self._ids)

    def texts(self, chat_id: int) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]
