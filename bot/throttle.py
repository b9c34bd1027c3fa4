"""Telegram's sending limits: 30 messages a second overall, 20 a minute per group, 1 a second per chat.

Each message **reserves** its own moment, synchronously (no lock, nothing awaited in between), and then
sleeps on its own until that moment. So a chat that must wait (a group that used its 20 a minute, a
private chat answered a second ago, a chat that got a 429) never holds up another chat: different
chats go out in parallel, each as soon as its own limits and the shared pacer allow.

The overall limit is a pacer with evenly spaced slots, a little slower than Telegram's 30/s
(``margin``, default 5 %: about 28.5 a second), so that jitter on the way never bunches 31 messages into
one second at Telegram's end. A slot left free by a chat that waits is taken by the next message of
another chat. Slots are when messages *may* go; a busy event loop can wake several late at once, so the
moments they actually go are counted too: never more than 28 in any second (two spare for the network's
jitter, which can bring messages sent over a little more than a second to Telegram within one). Time and sleep are injectable, so tests run without waiting.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable


def is_group(chat_id: int | str | None) -> bool:
    return isinstance(chat_id, str) or (chat_id is not None and int(chat_id) < 0)


class Throttle:
    def __init__(self, now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 overall: tuple[int, float] = (30, 1.0), group: tuple[int, float] = (20, 60.0),
                 chat: tuple[int, float] = (1, 1.0), margin: float = 0.05) -> None:
        self.now = now
        self.sleep = sleep
        self.spacing = overall[1] / overall[0] / (1.0 - margin)  # seconds between two overall slots
        self.group_limit = group
        self.chat_gap = chat[1] / chat[0]
        self._slots: set[int] = set()  # overall slots taken (index × spacing = time)
        self.burst = (overall[0] - 2, overall[1])  # what actually goes out in any window of ``overall``
        self._issued: deque[float] = deque()  # the moments messages actually went, ascending
        self._chat_next: dict[object, float] = {}  # earliest next moment per chat
        self._group_sent: dict[object, deque[float]] = {}  # reserved moments per group, ascending
        self._pruned_at = 0.0

    # -- reserving -------------------------------------------------------------------------------
    def reserve(self, chat_id: int | str | None) -> float:
        """The moment one more message to ``chat_id`` keeps every limit; it is counted as sent then."""
        now = self.now()
        at = now
        if chat_id is not None:
            at = max(at, self._chat_next.get(chat_id, now))
            if is_group(chat_id):
                count, period = self.group_limit
                sent = self._group_sent.setdefault(chat_id, deque())
                while sent and sent[0] <= now - period:
                    sent.popleft()
                if len(sent) >= count:
                    at = max(at, sent[-count] + period)
        slot = math.ceil(at / self.spacing - 1e-9)
        while slot in self._slots:
            slot += 1
        self._slots.add(slot)
        at = max(at, slot * self.spacing)
        if chat_id is not None:
            self._chat_next[chat_id] = at + self.chat_gap
            if is_group(chat_id):
                self._group_sent[chat_id].append(at)
        self._prune(now)
        return at

    def ready_at(self, chat_id: int | str | None) -> float:
        """The earliest moment ``chat_id``'s own limits (1 a second, 20 a minute per group, a 429's wait) allow
        one more message; nothing is reserved. The delivery engine waits for it before a message of that chat
        takes a place among those in flight, so a chat that must wait holds up no other."""
        now = self.now()
        if chat_id is None:
            return now
        at = max(now, self._chat_next.get(chat_id, now))
        if is_group(chat_id):
            count, period = self.group_limit
            sent = [t for t in self._group_sent.get(chat_id, ()) if t > now - period]
            if len(sent) >= count:
                at = max(at, sent[-count] + period)
        return at

    async def wait(self, chat_id: int | str | None) -> None:
        """Return once one more message to ``chat_id`` keeps every limit; count it."""
        delay = self.reserve(chat_id) - self.now()
        if delay > 0:
            await self.sleep(delay)
        count, period = self.burst
        while True:  # woken late together with others: still no more than ``count`` in any ``period``
            now = self.now()
            while self._issued and self._issued[0] <= now - period + 1e-9:  # (floating point: a nanosecond)
                self._issued.popleft()
            if len(self._issued) < count:
                break
            await self.sleep(max(self._issued[0] + period - now, 1e-6))
        self._issued.append(now)

    def penalize(self, chat_id: int | str | None, seconds: float) -> None:
        """Telegram answered 429 with ``retry_after``: nothing more to that chat before then."""
        until = self.now() + seconds
        if chat_id is None:
            first = math.ceil(self.now() / self.spacing)
            self._slots.update(range(first, math.ceil(until / self.spacing)))
        else:
            self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), until)

    def _prune(self, now: float) -> None:
        """Forget slots in the past and chats idle for a minute (at most once a second)."""
        if now - self._pruned_at < 1.0:
            return
        self._pruned_at = now
        floor = math.floor(now / self.spacing) - 1
        self._slots = {s for s in self._slots if s >= floor}
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > now - 60}
        self._group_sent = {c: d for c, d in self._group_sent.items() if d and d[-1] > now - self.group_limit[1]}
