"""Telegram's limits (30/s overall, 20/min per group, 1/s per chat) with replies first, on virtual clocks.

The strict stand-in (``tests.fakes.bot_api``) judges every message at the moment it *arrives*, on the same virtual
clock; the network between bot and stand-in takes a random time each way, and the event loop sometimes
wakes sleepers late, so messages let go in one second can arrive in another.
"""

from __future__ import annotations

import asyncio
import heapq
import random
from collections import deque
from itertools import pairwise

import pytest

from bot.telegram.throttle import Throttle
from tests.fakes import FakeTime, OfflineBotAPI


async def sends(throttle: Throttle, fake: FakeTime, chats: list[int]) -> list[float]:
    stamps = []
    for chat in chats:
        await throttle.wait(chat)
        stamps.append(fake.now())
    return stamps


def most_in_a_second(stamps: list[float], period: float = 1.0) -> int:
    stamps = sorted(stamps)
    return max((len([s for s in stamps if t - period < s <= t]) for t in stamps), default=0)


class BusyLoop:
    """Virtual time for many tasks at once, on a loop that is sometimes busy: each task's sleep ends when
    time passes its wake-up; every fifth step (with ``late``) time jumps 0.4 s past the next wake-up, so
    every message whose moment came meanwhile wakes at once, as on a loop that was drawing a chart."""

    def __init__(self, late: bool = True) -> None:
        self.t = 0.0
        self.steps = 0
        self.late = late
        self._n = 0
        self._waiting: list[tuple[float, int, asyncio.Future]] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._n += 1
        heapq.heappush(self._waiting, (self.t + max(seconds, 0.0), self._n, future))
        await future

    async def run(self, jobs) -> list:
        tasks = [asyncio.create_task(job) for job in jobs]
        while not all(task.done() for task in tasks):
            for _ in range(12):
                await asyncio.sleep(0)  # every woken task runs on to its next sleep (or its end)
            self._waiting = [w for w in self._waiting if not w[2].cancelled()]
            heapq.heapify(self._waiting)
            if self._waiting:
                self.steps += 1
                late = 0.4 if self.late and self.steps % 5 == 0 else 0.0
                self.t = max(self.t, self._waiting[0][0] + late)
                while self._waiting and self._waiting[0][0] <= self.t:
                    future = heapq.heappop(self._waiting)[2]
                    if not future.done():
                        future.set_result(None)
            elif not all(task.done() for task in tasks):
                await asyncio.sleep(0)
        return [task.result() for task in tasks]


class Network:
    """Messages to the strict stand-in over a jittery network: each way takes 0–``lag`` s (virtual)."""

    def __init__(self, loop: BusyLoop, throttle: Throttle | None, seed: int = 17, lag: float = 0.3) -> None:
        self.loop = loop
        self.throttle = throttle
        self.api = OfflineBotAPI(clock=loop.now)
        self.random = random.Random(seed)
        self.lag = lag
        self.arrivals: list[float] = []

    async def send(self, chat: int, start: float = 0.0, bulk: bool = False) -> tuple[float, float]:
        """(asked at, answered at) of one message to ``chat`` asked for at ``start``."""
        if start:
            await self.loop.sleep(start)
        asked = self.loop.now()
        self.api.register_chat(chat)
        ticket = await self.throttle.acquire(chat, bulk)
        await self.loop.sleep(self.random.uniform(0, self.lag))  # on its way
        self.arrivals.append(self.loop.now())
        status, _ = self.api.handle("sendMessage", {"chat_id": chat, "text": "Status Kab. Tapin"})
        await self.loop.sleep(self.random.uniform(0, self.lag))  # the answer on its way back
        self.throttle.release(ticket)
        assert status in (200, 429)
        return asked, self.loop.now()


class NaiveWindow:
    """What not to do: 30 a second counted at the moments messages are let go."""

    def __init__(self, loop: BusyLoop) -> None:
        self.loop = loop
        self.sent: deque[float] = deque()

    async def acquire(self, chat, bulk=False):
        while True:
            now = self.loop.now()
            while self.sent and self.sent[0] <= now - 1.0:
                self.sent.popleft()
            if len(self.sent) < 30:
                self.sent.append(now)
                return None
            await self.loop.sleep(self.sent[0] + 1.0 - now)

    def release(self, ticket) -> None:
        return None


# -- the three limits ---------------------------------------------------------------------------------
async def test_one_message_a_second_per_chat():
    fake = FakeTime()
    stamps = await sends(Throttle(now=fake.now, sleep=fake.sleep), fake, [7] * 4)
    gaps = [b - a for a, b in pairwise(stamps)]
    assert stamps[0] == 0.0 and all(1.0 <= g < 1.05 for g in gaps)


async def test_twenty_a_minute_per_group():
    fake = FakeTime()
    stamps = await sends(Throttle(now=fake.now, sleep=fake.sleep), fake, [-100] * 41)
    assert all(b - a >= 1.0 for a, b in pairwise(stamps))
    assert stamps[19] < 60 <= stamps[20]
    assert stamps[39] < 120 <= stamps[40]
    assert most_in_a_second(stamps, 60.0) <= 20


async def test_a_burst_up_to_the_limit_goes_at_once_then_waits():
    fake = FakeTime()
    stamps = await sends(Throttle(now=fake.now, sleep=fake.sleep), fake, list(range(1, 91)))
    assert stamps[:30] == [0.0] * 30  # a burst of 30 at once: what Telegram allows ...
    assert 1.0 <= stamps[30] < 1.05  # ... then the 31st waits for the first to leave the window
    assert most_in_a_second(stamps) <= 30
    assert stamps[-1] < 2 * 1.05  # 90 in a little over two seconds, the fastest the limit allows


# -- bursts of people at once, through a jittery network and a busy loop -----------------------------
@pytest.mark.parametrize("people", [20, 50, 100])
async def test_bursts_of_people_draw_no_429(people):
    loop = BusyLoop()
    net = Network(loop, Throttle(now=loop.now, sleep=loop.sleep))
    answered = await loop.run(net.send(10_000 + n) for n in range(people))
    assert net.api.refusals == []  # not one 429, although the stand-in judges the moments messages arrive
    assert len(net.api.sent()) == people
    waits = sorted(done - asked for asked, done in answered)
    # how long the last person waits: one window per 30 people, each as long as a second plus a round trip
    # (up to 0.6 s here), plus the busy loop's late wake-ups
    windows = (people - 1) // 30
    assert waits[-1] <= windows * (1.01 + 0.6) + 0.6 + 0.4 * (windows + 1)


async def test_the_same_bursts_counted_naively_draw_429s():
    """The control: counting the moments messages are let go, 30 a second, the same network draws 429s."""
    loop = BusyLoop()
    net = Network(loop, None)
    net.throttle = NaiveWindow(loop)  # type: ignore[assignment]
    await loop.run(net.send(10_000 + n) for n in range(100))
    assert len(net.api.refusals) > 0


async def test_messages_woken_late_together_still_keep_thirty_a_second():
    """The messages whose moment passed while the loop was busy would all go at once: they still keep the window."""
    loop = BusyLoop()
    throttle = Throttle(now=loop.now, sleep=loop.sleep)

    async def send(chat: int) -> float:
        await throttle.wait(chat)
        return loop.now()

    stamps = await loop.run(send(chat) for chat in range(1, 151))
    assert most_in_a_second(stamps) <= 30


# -- replies first ------------------------------------------------------------------------------------
async def test_a_reply_never_waits_behind_a_queued_broadcast():
    loop = BusyLoop(late=False)
    throttle = Throttle(now=loop.now, sleep=loop.sleep)
    net = Network(loop, throttle, lag=0.005)
    jobs = [net.send(20_000 + n, bulk=True) for n in range(500)]  # 500 focal points queued at once
    jobs += [net.send(7 + i, start=2.0 + 0.5 * i) for i in range(10)]  # people asking meanwhile
    answered = await loop.run(jobs)
    broadcast, replies = answered[:500], answered[500:]
    assert all(done - asked < 0.05 for asked, done in replies)  # a round trip: nobody queues behind 500
    assert net.api.refusals == []
    finished = max(done for _, done in broadcast)
    assert finished <= 1.1 * 510 / 30  # and the broadcast still goes nearly as fast as the limit allows


async def test_a_broadcast_alone_keeps_nearly_the_whole_budget():
    loop = BusyLoop(late=False)
    net = Network(loop, Throttle(now=loop.now, sleep=loop.sleep), lag=0.005)
    answered = await loop.run(net.send(20_000 + n, bulk=True) for n in range(600))
    finished = max(done for _, done in answered)
    assert finished <= 1.1 * 600 / 30
    assert net.api.refusals == []


async def test_bulk_keeps_moving_while_replies_would_take_every_place():
    loop = BusyLoop(late=False)
    throttle = Throttle(now=loop.now, sleep=loop.sleep)
    order: list[str] = []

    async def send(chat: int, start: float, bulk: bool) -> None:
        await loop.sleep(start)
        ticket = await throttle.acquire(chat, bulk)
        order.append("bulk" if bulk else "reply")
        await loop.sleep(0.001)
        throttle.release(ticket)

    replies = [send(30_000 + n, n / 60, False) for n in range(300)]  # 60 replies a second for 5 s
    bulk = [send(40_000 + n, 0.0, True) for n in range(100)]
    await loop.run(replies + bulk)
    during = order[:150]  # while replies were still coming faster than Telegram takes them
    assert during.count("bulk") >= 150 // 6  # every sixth place goes to the waiting broadcast


async def test_replies_and_bulk_together_keep_every_limit():
    """Groups at 20 a minute, people at one a second, 30 a second overall: replies and bulk added up."""
    loop = BusyLoop()
    net = Network(loop, Throttle(now=loop.now, sleep=loop.sleep), seed=5, lag=0.05)
    rng = random.Random(3)
    groups = [-1000 - n for n in range(5)]
    people = list(range(500, 540))
    jobs = [net.send(rng.choice(groups if n % 2 else people), start=rng.uniform(0, 20), bulk=True) for n in range(400)]
    jobs += [net.send(rng.choice(people + groups[:2]), start=rng.uniform(0, 20)) for _ in range(300)]
    await loop.run(jobs)
    assert net.api.refusals == []
    assert len(net.api.sent()) == 700
    for group in groups:  # and the stand-in really had groups to refuse: 20 a minute each
        assert len(net.api.sent(chat_id=group)) > 20


def test_a_waiting_chat_never_holds_up_another():
    async def scenario():
        loop = BusyLoop(late=False)
        throttle = Throttle(now=loop.now, sleep=loop.sleep)

        async def send(chat: int, start: float = 0.0) -> float:
            await loop.sleep(start)
            await throttle.wait(chat)
            return loop.now()

        return await loop.run([send(-100) for _ in range(21)] + [send(7, 0.5), send(-200, 0.5), send(7, 0.6)])

    stamps = asyncio.run(scenario())
    group, private, other_group, private_again = stamps[:21], stamps[21], stamps[22], stamps[23]
    assert max(group) >= 60.0  # the group's 21st message waits a minute ...
    assert private == 0.5 and other_group == 0.5  # ... a chat asked meanwhile goes right away
    assert private_again >= 1.5  # and a second message to it waits its second


async def test_a_429_delays_that_chat_only():
    fake = FakeTime()
    throttle = Throttle(now=fake.now, sleep=fake.sleep)
    throttle.penalize(7, 12.0)
    await throttle.wait(8)
    assert fake.now() < 0.1
    await throttle.wait(7)
    assert fake.now() >= 12.0


async def test_a_cancelled_message_gives_its_place_back():
    fake = FakeTime()
    throttle = Throttle(now=fake.now, sleep=fake.sleep, overall=(2, 1.0))
    first = await throttle.acquire(1)
    await throttle.acquire(2)
    waiting = asyncio.create_task(throttle.acquire(3))
    await asyncio.sleep(0)
    assert throttle.waiting() == (1, 0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert throttle.waiting() == (0, 0)
    throttle.release(first)
    throttle.close()
