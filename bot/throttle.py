"""Telegram's sending limits as sliding windows: 30 messages a second overall, 20 a minute per
group, 1 a second per chat. Time and sleep are injectable, so tests run without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


def is_group(chat_id: int | str | None) -> bool:
    return isinstance(chat_id, str) or (chat_id is not None and int(chat_id) < 0)


class Throttle:
    def __init__(self, now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 overall: tuple[int, float] = (30, 1.0), group: tuple[int, float] = (20, 60.0),
                 chat: tuple[int, float] = (1, 1.0)) -> None:
        self.now = now
        self.sleep = sleep
        self.limits = {"overall": overall, "group": group, "chat": chat}
        self._windows: dict[tuple[str, object], deque[float]] = {}
        self._lock = asyncio.Lock()

    def _keys(self, chat_id: int | str | None) -> list[tuple[str, object]]:
        keys: list[tuple[str, object]] = [("overall", None)]
        if chat_id is not None:
            keys.append(("chat", chat_id))
            if is_group(chat_id):
                keys.append(("group", chat_id))
        return keys

    def _wait_needed(self, keys: list[tuple[str, object]], at: float) -> float:
        wait = 0.0
        for key in keys:
            count, period = self.limits[key[0]]
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= at - period:
                window.popleft()
            if len(window) >= count:
                wait = max(wait, window[0] + period - at)
        return wait

    async def wait(self, chat_id: int | str | None) -> None:
        """Return once one more message to ``chat_id`` keeps every limit; count it."""
        async with self._lock:
            keys = self._keys(chat_id)
            while True:
                at = self.now()
                wait = self._wait_needed(keys, at)
                if wait <= 0:
                    break
                await self.sleep(wait)
            for key in keys:
                self._windows[key].append(at)
            if len(self._windows) > 10_000:  # forget idle chats
                self._windows = {k: w for k, w in self._windows.items() if w and w[-1] > at - 60}
