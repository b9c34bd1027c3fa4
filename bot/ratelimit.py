"""python-telegram-bot's rate-limiter hook, backed by :class:`bot.throttle.Throttle`.

One instance serves the whole application, so replies, reminders and broadcasts share the same
budget. Unlike PTB's ``AIORateLimiter`` it also keeps 1 message a second per private chat, and its
clock is injectable. A 429 is logged and honoured: that chat gets nothing more before ``retry_after``
(other chats go on), and the call is retried up to ``max_retries`` times; after that the
``RetryAfter`` reaches the caller (the dispatcher reschedules).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.throttle import Throttle

SENDING = ("send", "copy", "forward")

log = logging.getLogger(__name__)


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that this becomes a timedelta; both are handled
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class ThrottledRateLimiter(BaseRateLimiter[int]):
    def __init__(self, throttle: Throttle | None = None, max_retries: int = 2,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.throttle = throttle or Throttle()
        self.max_retries = max_retries
        self.sleep = sleep
        self.waited: list[float] = []  # retry_after waits, for the log and the tests

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        # an int is a number of retries; the delivery engine's {"kind": "bulk"} keeps the default
        max_retries = rate_limit_args if isinstance(rate_limit_args, int) else self.max_retries
        attempt = 0
        sending = endpoint.startswith(SENDING)
        chat_id = data.get("chat_id")
        while True:
            if sending:
                await self.throttle.wait(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                self.waited.append(seconds)
                log.warning("Telegram answered 429 to %s for chat %s: retry after %.1f s (attempt %d)",
                            endpoint, chat_id, seconds, attempt + 1)
                if sending:  # this chat waits; the others keep going
                    self.throttle.penalize(chat_id, seconds)
                if attempt >= max_retries:
                    raise
                attempt += 1
                if not sending:
                    await self.sleep(seconds)
