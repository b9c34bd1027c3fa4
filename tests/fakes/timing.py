"""A clock that moves only when somebody sleeps on it, and a rate limiter on it."""

from __future__ import annotations

from bot.telegram.ratelimit import ThrottledRateLimiter
from bot.telegram.throttle import Throttle


class FakeTime:
    """A monotonic clock that only moves when somebody sleeps on it."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += max(0.0, seconds)


def fake_rate_limiter(fake: FakeTime | None = None) -> ThrottledRateLimiter:
    fake = fake or FakeTime()
    return ThrottledRateLimiter(Throttle(now=fake.now, sleep=fake.sleep), sleep=fake.sleep)
