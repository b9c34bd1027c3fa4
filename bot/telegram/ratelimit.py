"""python-telegram-bot's rate-limiter hook, backed by :class:`bot.telegram.throttle.Throttle`.

One instance serves the whole application, so replies, reminders and broadcasts share Telegram's budget.
A call passing ``rate_limit_args={"kind": "bulk"}`` is something the bot sends on its own (the delivery
engine); every other call is a reply to a person and goes first (see ``bot.telegram.throttle``).

Failures:

* **429** is logged and honoured: that chat gets nothing more before ``retry_after`` (other chats go on),
  and the call is tried again up to ``max_retries`` times; then the ``RetryAfter`` reaches the caller.
* **A reply that Telegram could not take** (5xx, a timeout, a broken connection) is tried again up to
  ``reply_retries`` times after ``backoff`` seconds, so that a change that was saved is also reported as
  saved. A timeout may hide a message that did arrive: a second attempt that Telegram refuses because it
  is already done ("message is not modified", a callback query already answered) counts as done; a
  message sent twice is the price of never leaving someone without an answer. Bulk calls are not tried
  again here: the delivery engine has its own backoff and outcomes.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.telegram.throttle import Throttle

SENDING = ("send", "copy", "forward")
NOT_COUNTED = frozenset({"sendChatAction"})  # not a message
BULK = {"kind": "bulk"}  # rate_limit_args of what the bot sends on its own
ALREADY_DONE = ("message is not modified", "query is too old")  # a retry of a call that had arrived

log = logging.getLogger(__name__)


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that this becomes a timedelta; both are handled
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_bulk(rate_limit_args: Any) -> bool:
    return isinstance(rate_limit_args, dict) and rate_limit_args.get("kind") == "bulk"


def undelivered(exc: BaseException) -> bool:
    """Telegram did not take the call (5xx, timeout, no connection, 429): nothing wrong with the call itself."""
    return isinstance(exc, RetryAfter) or (isinstance(exc, NetworkError) and not isinstance(exc, BadRequest))


class ThrottledRateLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(self, throttle: Throttle | None = None, max_retries: int = 2,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, reply_retries: int = 3,
                 backoff: tuple[float, ...] = (0.5, 1.0, 2.0)) -> None:
        self.throttle = throttle or Throttle()
        self.max_retries = max_retries
        self.reply_retries = reply_retries
        self.backoff = backoff
        self.sleep = sleep
        self.waited: list[float] = []  # retry_after waits, for the log and the tests
        self.retried: list[str] = []  # replies tried again after Telegram failed them (endpoint names)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        self.throttle.close()

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: dict[str, Any] | None) -> Any:
        bulk = is_bulk(rate_limit_args)
        sending = endpoint.startswith(SENDING) and endpoint not in NOT_COUNTED
        chat_id = data.get("chat_id")
        limited = failed = 0
        while True:
            ticket = await self.throttle.acquire(chat_id, bulk) if sending else None
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                self.waited.append(seconds)
                log.warning("Telegram answered 429 to %s for chat %s: retry after %.1f s (attempt %d)",
                            endpoint, chat_id, seconds, limited + 1)
                if sending:  # this chat waits; the others keep going
                    self.throttle.penalize(chat_id, seconds)
                if limited >= self.max_retries:
                    raise
                limited += 1
                if not sending:
                    await self.sleep(seconds)
            except BadRequest as exc:
                if failed and any(text in str(exc).lower() for text in ALREADY_DONE):
                    return True  # the earlier attempt had arrived after all
                raise
            except TelegramError as exc:
                if bulk or not undelivered(exc) or failed >= self.reply_retries:
                    raise
                delay = self.backoff[min(failed, len(self.backoff) - 1)]
                failed += 1
                self.retried.append(endpoint)
                log.warning("Telegram failed %s for chat %s (%s): trying again in %.1f s (attempt %d of %d)",
                            endpoint, chat_id, exc, delay, failed + 1, self.reply_retries + 1)
                if ticket is not None:
                    self.throttle.release(ticket)
                    ticket = None
                await self.sleep(delay)
            finally:
                if ticket is not None:
                    self.throttle.release(ticket)
