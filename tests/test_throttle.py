"""Telegram's limits: 30/s overall, 20/min per group, 1/s per chat, measured on a fake clock."""

from __future__ import annotations

import asyncio
import heapq

from bot.throttle import Throttle
from tests.fakes import FakeTime


async def sends(throttle: Throttle, fake: FakeTime, chats: list[int]) -> list[float]:
    stamps = []
    for chat in chats:
        await throttle.wait(chat)
        stamps.append(fake.now())
    return stamps


async def test_one_message_a_second_per_chat():
    fake = FakeTime()
    stamps = await sends(Throttle(now=fake.now, sleep=fake.sleep), fake, [7] * 4)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert stamps[0] == 0.0 and all(1.0 <= g < 1.05 for g in gaps)


async def test_twenty_a_minute_per_group():
    fake = FakeTime()
    stamps = await sends(Throttle(now=fake.now, sleep=fake.sleep), fake, [-100] * 41)
    assert all(b - a >= 1.0 for a, b in zip(stamps, stamps[1:]))
    assert stamps[19] < 60 <= stamps[20]
    assert stamps[39] < 120 <= stamps[40]
    for i in range(len(stamps)):
        window = [s for s in stamps if stamps[i] <= s < stamps[i] + 60]
        assert len(window) <= 20


async def test_thirty_a_second_overall():
    fake = FakeTime()
    stamps = await sends(Throttle(now=fake.now, sleep=fake.sleep), fake, list(range(1, 91)))
    for i in range(len(stamps)):  # never 30 in one second (a small margin below Telegram's limit) ...
        assert len([s for s in stamps if stamps[i] <= s < stamps[i] + 1.0]) < 30
    assert fake.now() < 90 / 27  # ... but not much slower either


class BusyLoop:
    """Virtual time for many tasks at once, on a loop that is sometimes busy: each task's sleep ends when
    time passes its wake-up; every fifth step time jumps 0.4 s past the next wake-up, so every message
    whose moment came meanwhile wakes at once, as on a loop that was drawing a chart."""

    def __init__(self) -> None:
        self.t = 0.0
        self.steps = 0
        self._waiting: list[tuple[float, int, asyncio.Future]] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (self.t + max(seconds, 0.0), len(self._waiting) + self.steps * 10_000, future))
        await future

    async def run(self, jobs) -> list:
        tasks = [asyncio.create_task(job) for job in jobs]
        while not all(task.done() for task in tasks):
            for _ in range(3):
                await asyncio.sleep(0)  # every woken task runs on to its next sleep (or its end)
            if self._waiting:
                self.steps += 1
                self.t = max(self.t, self._waiting[0][0] + (0.4 if self.steps % 5 == 0 else 0.0))
                while self._waiting and self._waiting[0][0] <= self.t:
                    heapq.heappop(self._waiting)[2].set_result(None)
        return [task.result() for task in tasks]


async def test_messages_woken_late_together_still_keep_thirty_a_second():
    """The messages whose moment passed while the loop was busy would all go at once: they are spread again."""
    loop = BusyLoop()
    throttle = Throttle(now=loop.now, sleep=loop.sleep)

    async def send(chat: int) -> float:
        await throttle.wait(chat)
        return loop.now()

    stamps = sorted(await loop.run(send(chat) for chat in range(1, 151)))
    for i in range(len(stamps)):
        assert len([s for s in stamps if stamps[i] - 1.0 < s <= stamps[i]]) < 30


def test_a_waiting_chat_never_holds_up_another():
    fake = FakeTime()
    throttle = Throttle(now=fake.now, sleep=fake.sleep)
    group = [throttle.reserve(-100) for _ in range(21)]
    assert group[20] >= 60.0  # the group's 21st message waits a minute ...
    assert throttle.reserve(7) < 1.0  # ... a private chat asked meanwhile goes right away
    assert throttle.reserve(-200) < 1.0  # and so does another group
    assert throttle.reserve(7) >= 1.0  # its own second message waits its second


def test_free_overall_slots_are_taken_by_other_chats():
    fake = FakeTime()
    throttle = Throttle(now=fake.now, sleep=fake.sleep)
    stamps = sorted(throttle.reserve(chat) for chat in range(1, 57))
    assert stamps[-1] < 56 / 27  # 56 different chats go out at the pacer's rate, no gaps
    assert len(set(stamps)) == 56


def test_a_429_delays_that_chat_only():
    fake = FakeTime()
    throttle = Throttle(now=fake.now, sleep=fake.sleep)
    throttle.penalize(7, 12.0)
    assert throttle.reserve(7) >= 12.0
    assert throttle.reserve(8) < 0.1


async def test_a_429_is_logged_and_honoured_before_the_retry(caplog):
    from telegram.error import RetryAfter

    from bot.ratelimit import ThrottledRateLimiter

    fake = FakeTime()
    limiter = ThrottledRateLimiter(Throttle(now=fake.now, sleep=fake.sleep), sleep=fake.sleep)
    attempts: list[float] = []

    async def call():
        attempts.append(fake.now())
        if len(attempts) == 1:
            raise RetryAfter(9)
        return "ok"

    with caplog.at_level("WARNING", logger="bot.ratelimit"):
        result = await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert result == "ok"
    assert attempts[1] - attempts[0] >= 9.0
    assert any("429" in r.getMessage() and "7" in r.getMessage() for r in caplog.records)
