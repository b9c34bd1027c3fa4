"""Telegram's limits: 30/s overall, 20/min per group, 1/s per chat, measured on a fake clock."""

from __future__ import annotations

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
    assert stamps == [0.0, 1.0, 2.0, 3.0]


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
    assert stamps[29] < 1.0 <= stamps[30]
    assert stamps[59] < 2.0 <= stamps[60]
    assert fake.now() < 3.0
