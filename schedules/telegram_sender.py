"""The Telegram side of delivery: send through the application's bot, turn errors into outcomes."""

from __future__ import annotations

from telegram import Bot, InputFile
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.ratelimit import BULK, retry_seconds
from bot.render import Reply, split_message
from handlers.common import NO_PREVIEW, keyboard
from schedules.delivery import Outcome, SendResult


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, reply: Reply) -> SendResult:
        async def call():
            chunks = split_message(reply.text)
            message = None
            for i, chunk in enumerate(chunks):
                last = i == len(chunks) - 1
                message = await self.bot.send_message(
                    chat_id, chunk, reply_markup=keyboard(reply) if last else None, link_preview_options=NO_PREVIEW,
                    rate_limit_args=BULK,
                )
            return message

        return await self._guarded(call)

    async def send_photo(self, chat_id: int, png: bytes, caption: str) -> SendResult:
        return await self._guarded(lambda: self.bot.send_photo(chat_id, InputFile(png, filename="grafik.png"),
                                                               caption=caption, rate_limit_args=BULK))

    async def _guarded(self, call) -> SendResult:
        try:
            message = await call()
            return SendResult(Outcome.SENT, message_id=message.message_id if message else None)
        except RetryAfter as exc:
            return SendResult(Outcome.RETRY_AFTER, retry_after=retry_seconds(exc), error=str(exc))
        except ChatMigrated as exc:
            return SendResult(Outcome.MIGRATED, new_chat_id=exc.new_chat_id, error=str(exc))
        except Forbidden as exc:
            return SendResult(Outcome.BLOCKED, error=str(exc))
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                return SendResult(Outcome.BLOCKED, error=str(exc))
            return SendResult(Outcome.REJECTED, error=str(exc))
        except NetworkError as exc:  # includes TimedOut and 5xx answers
            return SendResult(Outcome.TRANSIENT, error=str(exc))
        except TelegramError as exc:
            return SendResult(Outcome.REJECTED, error=str(exc))
