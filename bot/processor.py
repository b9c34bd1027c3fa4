"""How updates are run: many at once, one chat at a time, floods dropped.

python-telegram-bot calls :meth:`ChatOrderedProcessor.do_process_update` for every update, up to
``max_concurrent_updates`` at once. Updates of *different* chats run concurrently (one waiting on the
network or on a rate limit never holds up another chat); updates of the *same* chat run one after the
other, in the order they arrived, so a conversation's steps (the ``/jadwal_tambah`` wizard, a button
pressed right after a command) are never interleaved. A person flooding is answered at most a few
times a minute (:class:`bot.flood.FloodGate`); the rest is dropped before it costs anything.
Every handler opens its own database session; nothing mutable is shared between updates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.flood import FloodGate


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256, flood: FloodGate | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.flood = flood or FloodGate()
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}  # chat -> (lock, updates holding or waiting)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        if (update.message or update.callback_query) and not self.flood.allow(
                update.effective_user.id if update.effective_user else None):
            coroutine.close()  # type: ignore[attr-defined]  # dropped: never awaited
            return
        chat = update.effective_chat.id if update.effective_chat else None
        if chat is None:
            await coroutine
            return
        lock, users = self._locks.get(chat, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[chat] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[chat]
            if users <= 1:
                del self._locks[chat]
            else:
                self._locks[chat] = (lock, users - 1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
