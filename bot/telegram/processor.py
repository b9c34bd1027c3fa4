"""How updates are run: many at once, one chat at a time, floods dropped.

python-telegram-bot calls :meth:`ChatOrderedProcessor.do_process_update` for every update, up to
``max_concurrent_updates`` at once. Updates of *different* chats run concurrently (one waiting on the
network or on a rate limit never holds up another chat); updates of the *same* chat run one after the
other, in the order they arrived, so a conversation's steps (the ``/jadwal_tambah`` wizard, a button
pressed right after a command) are never interleaved.

Updates *start* one at a time: the next one begins its work when the one before has reached its first wait
(the network, the rate limiter, a worker thread) or is done. A handler's database work runs on the event loop
up to its first ``await``; when a burst of 100 updates all started at once, every one of them did that work
before the first reply could leave (the first reply waited for the whole burst). Started one by one, each
reply leaves as soon as its own update has got that far, and the others are worked through while it
travels: a burst's first 30 replies leave after about 30 updates' work instead of 100, and every later
second of Telegram's 30 a second starts that much earlier (``bench/burst.py``).

Before that, the flood gate (:class:`bot.telegram.flood.FloodGate`) may limit a sender: a pressed button is then
answered "Terlalu cepat; silakan coba lagi dalam N detik." (so it never spins), a person who writes is told once,
and their update is not handled. People at work never get there. Every handler opens its own database
session through the update's visit; nothing mutable is shared between updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from bot.core.i18n import translator
from bot.telegram.flood import FloodGate, Verdict

log = logging.getLogger(__name__)


class ChatOrderedProcessor(BaseUpdateProcessor):
    """``flood``: None for no flood control (the console). ``language``: the locale a limited person reads."""

    def __init__(self, max_concurrent_updates: int = 256, flood: FloodGate | None = None,
                 language: Callable[[int | None], str] = lambda user_id: "id") -> None:
        super().__init__(max_concurrent_updates)
        self.flood = flood
        self.language = language
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}  # chat -> (lock, updates holding or waiting)
        self._start = asyncio.Lock()  # held by the update that is starting, until its first wait

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        chat = update.effective_chat.id if update.effective_chat else None
        if self.flood is not None and (update.message or update.callback_query):
            verdict = self.flood.check(update.effective_user.id if update.effective_user else None, chat)
            if not verdict.allowed:
                coroutine.close()  # type: ignore[attr-defined]  # not handled: never awaited
                await self._refuse(update, verdict)
                return
        if chat is None:
            await self._run(coroutine, None)
            return
        lock, users = self._locks.get(chat, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[chat] = (lock, users + 1)
        try:
            await self._run(coroutine, lock)
        finally:
            lock, users = self._locks[chat]
            if users <= 1:
                del self._locks[chat]
            else:
                self._locks[chat] = (lock, users - 1)

    async def _run(self, coroutine: Awaitable[Any], chat: asyncio.Lock | None) -> None:
        """Await ``coroutine`` holding its chat's lock; it starts once the update started before it has reached
        its first wait."""
        task: asyncio.Future[Any] | None = None
        try:
            async with chat or contextlib.nullcontext():
                async with self._start:
                    task = asyncio.ensure_future(coroutine)
                    await asyncio.sleep(0)  # the task's first step: its work up to its first wait (or all of it)
                await task
        except asyncio.CancelledError:  # the application shuts down: the update ends too
            if task is not None:
                task.cancel()
            elif isinstance(coroutine, Coroutine):
                coroutine.close()  # never started (still waiting for its chat or its turn)
            raise

    async def _refuse(self, update: Update, verdict: Verdict) -> None:
        """A button is always answered (it stops spinning); a person who writes is told once per limit."""
        query, chat = update.callback_query, update.effective_chat
        if query is None and (not verdict.tell or chat is None):
            return
        user_id = update.effective_user.id if update.effective_user else None
        t = translator(self.language(user_id) if chat is None or chat.type == "private" else self.language(None))
        try:
            if query is not None:
                await query.answer(t.nfmt("Terlalu cepat; silakan coba lagi dalam {n} detik.",
                                          "Terlalu cepat; silakan coba lagi dalam {n} detik.", verdict.retry_in))
            elif chat is not None:  # always, without a button (see above)
                await update.get_bot().send_message(chat.id, t.nfmt(
                    "Terlalu banyak pesan dalam waktu singkat; coba lagi dalam {n} detik. Pesan yang dikirim sebelum "
                    "itu tidak diproses.",
                    "Terlalu banyak pesan dalam waktu singkat; coba lagi dalam {n} detik. Pesan yang dikirim sebelum "
                    "itu tidak diproses.",
                    verdict.retry_in))
        except TelegramError as exc:
            log.info("could not tell %s in %s that they are too fast: %s", user_id, chat.id if chat else None, exc)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
