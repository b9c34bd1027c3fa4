"""Flood control: for abuse, never for people at work.

Each sender has a token bucket, and so has each group. Two sizes:

* **members** (anyone with a role, and anyone writing in a group bound to a region): 60 at once and 3 a
  second after that. A person tapping through the checklist, or typing ``/status`` as fast as they can
  read the answers, never comes near it; a script does.
* **strangers** (no role, an unbound group): 10 at once, then 6 a minute.

The admins of ``PANTAU_ADMIN_IDS`` (the operators) are exempt.

Who is a member is asked lazily: only when a sender has used a stranger's bucket (``standing``, a
database lookup in ``bot.domain.standing``), and the answer "member" is remembered for ``member_ttl``
seconds. So an ordinary update costs two dictionary lookups and no query.

A sender (or group) that runs out is **limited** for ``cooldown`` seconds: the update processor
(``bot/telegram/processor.py``) answers a pressed button with "Terlalu cepat; silakan coba lagi dalam N
detik." every time, and tells a person who writes once (:attr:`Verdict.tell`) and then
drops their messages without an answer until the cooldown ends, so a flood costs the bot one message and
other chats nothing. No ``telegram`` here; the clock is injectable.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    burst: int  # how many at once
    per_minute: float  # how many a minute after that
    cooldown: float  # seconds a sender who ran out is limited


STRANGER = Limits(burst=10, per_minute=6.0, cooldown=60.0)
MEMBER = Limits(burst=60, per_minute=180.0, cooldown=30.0)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_in: int = 0  # whole seconds until the sender may try again
    tell: bool = False  # the first refusal of this limit: a person who wrote is told (once)


ALLOW = Verdict(True)


@dataclass
class _Bucket:
    tokens: float
    at: float
    member_until: float = 0.0
    limited_until: float = 0.0
    told: bool = False


Standing = Callable[[int | None, int | None], bool]  # (user, chat) -> a role, or a bound group?


class FloodGate:
    def __init__(self, now: Callable[[], float] = time.monotonic,
                 standing: Standing = lambda user_id, chat_id: False,
                 stranger: Limits = STRANGER, member: Limits = MEMBER, member_ttl: float = 300.0,
                 exempt: frozenset[int] = frozenset()) -> None:
        self.now = now
        self.exempt = exempt
        self.standing = standing
        self.stranger = stranger
        self.member = member
        self.member_ttl = member_ttl
        self._buckets: dict[tuple[str, int], _Bucket] = {}
        self.dropped = 0

    def check(self, user_id: int | None, chat_id: int | None) -> Verdict:
        """Whether this update is handled. A sender's bucket, and in a group the group's too."""
        if user_id is None or user_id in self.exempt:
            return ALLOW
        now = self.now()
        def member() -> bool:
            return self.standing(user_id, chat_id)

        verdict = self._take(("user", user_id), now, member)
        if verdict.allowed and chat_id is not None and chat_id < 0:  # a group is limited as a whole too
            verdict = self._take(("chat", chat_id), now, member)
        if not verdict.allowed:
            self.dropped += 1
        return verdict

    def allow(self, user_id: int | None, chat_id: int | None = None) -> bool:
        return self.check(user_id, chat_id).allowed

    def _take(self, key: tuple[str, int], now: float, is_member: Callable[[], bool]) -> Verdict:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 50_000:
                self._forget(now)
            bucket = self._buckets[key] = _Bucket(float(self.stranger.burst), now)
        if now < bucket.limited_until:
            tell, bucket.told = not bucket.told, True
            return Verdict(False, math.ceil(bucket.limited_until - now), tell)
        limits = self.member if now < bucket.member_until else self.stranger
        bucket.tokens = min(float(limits.burst), bucket.tokens + (now - bucket.at) * limits.per_minute / 60.0)
        bucket.at = now
        if bucket.tokens < 1.0 and limits is self.stranger and is_member():
            bucket.member_until = now + self.member_ttl  # asked once per ttl, and only of busy senders
            bucket.tokens += self.member.burst - self.stranger.burst
            limits = self.member
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return ALLOW
        bucket.limited_until, bucket.told = now + limits.cooldown, True
        log.warning("%s %s is flooding: limited for %d s", key[0], key[1], limits.cooldown)
        return Verdict(False, math.ceil(limits.cooldown), tell=True)

    def _forget(self, now: float) -> None:
        """Drop buckets that are full again (their owners are as new)."""
        full = max(limits.burst / (limits.per_minute / 60.0) for limits in (self.stranger, self.member))
        self._buckets = {k: b for k, b in self._buckets.items() if b.limited_until > now or now - b.at < full}
