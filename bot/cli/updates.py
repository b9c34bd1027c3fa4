"""The updates Telegram would deliver when a person types a line or presses a button (the console's input)."""

from __future__ import annotations

import itertools
from typing import Any

from telegram import Bot, Update

from bot.cli.local_api import ApiCall, LocalBotAPI
from bot.core.telegram_text import utf16_len


class UpdateFactory:
    """Builds the updates Telegram would deliver when a person types or presses a button.

    With ``api`` given, the chats and callback queries it makes are known to that Bot API, as they
    would be to Telegram.
    """

    def __init__(self, bot: Bot | None, api: LocalBotAPI | None = None) -> None:
        self.bot = bot
        self.api = api
        self._ids = itertools.count(1)

    def _update(self, data: dict[str, Any]) -> Update:
        return Update.de_json(data, self.bot)

    def user(self, user_id: int, first_name: str = "Pengguna", language_code: str = "id") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}

    def _chat(self, chat_id: int, first_name: str, title: str = "Grup", kind: str | None = None) -> dict[str, Any]:
        kind = kind or ("private" if chat_id > 0 else "supergroup")
        if self.api is not None and chat_id not in self.api.chats:
            self.api.register_chat(chat_id, kind, first_name if kind == "private" else title)
        if self.api is not None and chat_id in self.api.chats:
            return dict(self.api.chats[chat_id])
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        chat.update({"first_name": first_name} if kind == "private" else {"title": title})
        return chat

    def message_data(self, text: str, user_id: int, chat_id: int | None = None, first_name: str = "Pengguna",
                     language_code: str = "id", **extra: Any) -> dict[str, Any]:
        chat_id = chat_id if chat_id is not None else user_id
        msg: dict[str, Any] = {
            "message_id": next(self._ids), "date": 1_700_000_000, "chat": self._chat(chat_id, first_name),
            "from": self.user(user_id, first_name, language_code),
        }
        if text:
            msg["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        msg.update(extra)
        return {"update_id": next(self._ids), "message": msg}

    def message(self, text: str, user_id: int, chat_id: int | None = None, first_name: str = "Pengguna",
                language_code: str = "id", **extra: Any) -> Update:
        return self._update(self.message_data(text, user_id, chat_id, first_name, language_code, **extra))

    def press(self, call: ApiCall, data: str, user_id: int, raw: bool = False) -> Any:
        """The update for pressing the button with ``data`` on the message recorded in ``call``.

        ``raw``: the update as Telegram's JSON (for a Bot API served over HTTP) instead of an ``Update``."""
        message = call.result if isinstance(call.result, dict) else {}
        query_id = str(next(self._ids))
        if self.api is not None:
            self.api.open_queries.add(query_id)
        query = {"id": query_id, "from": self.user(user_id), "chat_instance": "offline", "data": data,
                 "message": message}
        update = {"update_id": next(self._ids), "callback_query": query}
        return update if raw else self._update(update)
