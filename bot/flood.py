"""Per-person flood control: a token bucket per user.

Everyone may send ``burst`` updates at once and ``per_minute`` a minute after that. A person who runs
out is **muted** for ``mute`` seconds: their updates are dropped without an answer (so a flood costs the
bot nothing, and other chats never wait behind it), and the mute is logged once. No ``telegram`` here:
the update processor (``bot/processor.py``) asks :meth:`FloodGate.allow` before handling an update.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Bucket:
    tokens: float
    at: float
    muted_until: float = 0.0


class FloodGate:
    def __init__(self, now: Callable[[], float] = time.monotonic, burst: int = 10, per_minute: float = 6.0,
                 mute: float = 60.0, exempt: frozenset[int] = frozenset()) -> None:
        self.now = now
        self.burst = burst
        self.rate = per_minute / 60.0
        self.mute = mute
        self.exempt = exempt
        self._buckets: dict[int, _Bucket] = {}
        self.dropped = 0

    def allow(self, user_id: int | None) -> bool:
        """True when this person's update is handled; False when it is dropped."""
        if user_id is None or user_id in self.exempt:
            return True
        now = self.now()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) > 50_000:
                self._forget(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        if now < bucket.muted_until:
            self.dropped += 1
            return False
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return True
        bucket.muted_until = now + self.mute
        self.dropped += 1
        log.warning("user %s is flooding: their messages are ignored for %d s", user_id, self.mute)
        return False

    def _forget(self, now: float) -> None:
        """Drop buckets that are full again (their owners are as new)."""
        full = (self.burst - 1) / self.rate if self.rate else float("inf")
        self._buckets = {u: b for u, b in self._buckets.items() if b.muted_until > now or now - b.at < full}
