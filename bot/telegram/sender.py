"""The Telegram side of delivery: send through the application's bot, turn errors into outcomes.

Every message goes with ``rate_limit_args={"kind": "bulk"}`` (the rate limiter serves replies to people
first) and waits up to ``READ_TIMEOUT`` for Telegram's answer: an answer that is merely slow still arrives,
so the message is not sent again. A timeout after the request went out is :attr:`Outcome.UNSURE` (it may
have arrived); a request that never left (no connection, a full pool) or a 5xx is :attr:`Outcome.TRANSIENT`.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from telegram import Bot, InputFile, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.messaging.delivery import Outcome, SendResult
from bot.render import Reply
from bot.telegram.ratelimit import retry_seconds
from bot.telegram.sending import send_reply

BULK = {"kind": "bulk"}
READ_TIMEOUT = 30.0  # seconds to wait for Telegram's answer to one message the bot sends on its own
# httpx errors raised before the request (fully) left: Telegram cannot have acted on it
NOT_SENT = ("ConnectError", "ConnectTimeout", "PoolTimeout", "WriteError", "WriteTimeout")


def _never_left(exc: NetworkError) -> bool:
    return type(exc.__cause__).__name__ in NOT_SENT or str(exc).startswith("Pool timeout")


def classify(exc: Exception) -> SendResult:
    if isinstance(exc, RetryAfter):
        return SendResult(Outcome.RETRY_AFTER, retry_after=retry_seconds(exc), error=str(exc))
    if isinstance(exc, ChatMigrated):
        return SendResult(Outcome.MIGRATED, new_chat_id=exc.new_chat_id, error=str(exc))
    if isinstance(exc, Forbidden):
        return SendResult(Outcome.BLOCKED, error=str(exc))
    if isinstance(exc, BadRequest):
        if "chat not found" in str(exc).lower():
            return SendResult(Outcome.BLOCKED, error=str(exc))
        return SendResult(Outcome.REJECTED, error=str(exc))
    if isinstance(exc, TimedOut):
        if _never_left(exc):
            return SendResult(Outcome.TRANSIENT, error=str(exc))
        return SendResult(Outcome.UNSURE, error=f"no answer: {exc}")
    if isinstance(exc, NetworkError):  # a 5xx answer, or the connection failed
        if _never_left(exc) or exc.__cause__ is None:
            return SendResult(Outcome.TRANSIENT, error=str(exc))
        return SendResult(Outcome.UNSURE, error=f"no answer: {exc}")  # dropped after the request went out
    return SendResult(Outcome.REJECTED, error=str(exc))


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        limiter = getattr(bot, "rate_limiter", None)
        self.options: dict = {"read_timeout": READ_TIMEOUT}
        if limiter is not None:
            self.options["rate_limit_args"] = BULK
        self.throttle = getattr(limiter, "throttle", None)

    async def ready(self, chat_id: int) -> None:
        """Until ``chat_id``'s own limits allow one more message (``Throttle.ready_at``)."""
        if self.throttle is None or not hasattr(self.throttle, "ready_at"):
            return
        for _ in range(20):  # a 429 arriving meanwhile may push the moment further
            delay = self.throttle.ready_at(chat_id) - self.throttle.now()
            if delay <= 0:
                return
            # unknown while a message to that chat is in flight (a reply): look again shortly
            await self.throttle.sleep(delay if math.isfinite(delay) else 0.05)

    async def send(self, chat_id: int, reply: Reply) -> SendResult:
        return await self._guarded(lambda: send_reply(self.bot, chat_id, reply, **self.options))

    async def send_photo(self, chat_id: int, png: bytes, caption: str) -> SendResult:
        return await self._guarded(lambda: self.bot.send_photo(chat_id, InputFile(png, filename="grafik.png"),
                                                               caption=caption, **self.options))

    @staticmethod
    async def _guarded(call: Callable[[], Awaitable[Message | None]]) -> SendResult:
        try:
            message = await call()
        except TelegramError as exc:
            return classify(exc)
        return SendResult(Outcome.SENT, message_id=message.message_id if message else None)
