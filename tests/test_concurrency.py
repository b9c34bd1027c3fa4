"""Many updates at once, through the real update processor: nothing lost, doubled or interleaved wrongly.

The offline Bot API here answers after a random short pause, so handlers really overlap."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlmodel import select

from bot.core.models import Event
from bot.telegram.flood import FloodGate
from bot.telegram.processor import ChatOrderedProcessor
from tests.conftest import ADMIN, BotHarness, grant
from tests.fakes import OfflineBotAPI


class SlowOfflineAPI(OfflineBotAPI):
    def __init__(self, seed: int = 8) -> None:
        super().__init__()
        self.random = random.Random(seed)

    async def do_request(self, url, method, request_data=None, **kwargs):
        await asyncio.sleep(self.random.uniform(0, 0.05))
        return await super().do_request(url, method, request_data, **kwargs)


@pytest.fixture
async def slow_bot(catalog):
    harness = BotHarness(catalog, SlowOfflineAPI())
    harness.api.clock = harness.time.now  # Telegram's limits on the limiter's clock, as in every test
    await harness.app.initialize()
    yield harness
    await harness.app.shutdown()


async def feed(harness: BotHarness, update) -> None:
    """What the Application does with a polled update: hand it to the update processor."""
    app = harness.app
    await app.update_processor.process_update(update, app.process_update(update))


def texts_to(harness: BotHarness, chat_id: int) -> list[str]:
    return [c.params["text"] for c in harness.api.sent("sendMessage", chat_id)]


async def test_the_bot_processes_updates_concurrently_one_chat_at_a_time(slow_bot):
    assert isinstance(slow_bot.app.update_processor, ChatOrderedProcessor)
    assert slow_bot.app.update_processor.max_concurrent_updates > 1


async def test_many_chats_at_once_each_get_every_answer_once_and_in_order(slow_bot):
    names = ["Tapin", "Balangan", "Tabalong", "Banjarbaru", "Kotabaru"]
    chats = list(range(5001, 5021)) + list(range(-5001, -5011, -1))
    updates = [slow_bot.factory.message(f"/status {name}", ADMIN, chat) for chat in chats for name in names]
    await asyncio.gather(*(feed(slow_bot, u) for u in updates))
    for chat in chats:
        got = texts_to(slow_bot, chat)
        assert len(got) == len(names), (chat, got)
        for name, text in zip(names, got, strict=True):  # the order the chat asked in
            assert name in text, (chat, name, text[:80])


async def test_a_burst_s_first_reply_leaves_before_the_whole_burst_was_worked_through(slow_bot):
    """Each update's work runs on the event loop up to its first wait; 30 updates started at once (as the
    Application hands them over) used to do all that work before the first reply could leave."""
    processor, happened = ChatOrderedProcessor(), []

    async def handle(i: int) -> None:
        happened.append(f"work {i}")  # the handler's database work: no await
        for _ in range(3):  # the way to Telegram: a few steps of the event loop
            await asyncio.sleep(0)
        happened.append(f"sent {i}")

    updates = [slow_bot.factory.message("/status Tapin", 6000 + i, 6000 + i) for i in range(30)]
    await asyncio.gather(*(processor.process_update(u, handle(i)) for i, u in enumerate(updates)))
    assert sorted(happened) == sorted([f"work {i}" for i in range(30)] + [f"sent {i}" for i in range(30)])
    assert happened.index("sent 0") < happened.index("work 5")
    assert [h for h in happened if h.startswith("work")] == [f"work {i}" for i in range(30)]  # in arrival order


async def test_guided_conversations_of_many_chats_do_not_mix(slow_bot):
    staff = list(range(9001, 9009))
    for user in staff:
        grant(slow_bot.runtime, user, "staf", "63")

    async def step(pairs):
        """One step of every conversation at once; returns each chat's new reply."""
        before = {user: len(texts_to(slow_bot, user)) for user, _ in pairs}
        await asyncio.gather(*(feed(slow_bot, u) for _, u in pairs))
        out = {}
        for user, _ in pairs:
            new = [c for c in slow_bot.api.calls if c.method in ("sendMessage", "editMessageText")
                   and int(c.params.get("chat_id", 0)) == user]
            out[user] = new[-1]
            assert len(texts_to(slow_bot, user)) >= before[user]
        return out

    f = slow_bot.factory
    last = await step([(u, f.message("/jadwal_tambah", u, u)) for u in staff])
    last = await step([(u, f.press(last[u], _data(last[u], "Rapat koordinasi"), u)) for u in staff])
    last = await step([(u, f.message("Tapin" if u % 2 else "HSS", u, u)) for u in staff])
    last = await step([(u, f.press(last[u], _data(last[u], "›"), u)) for u in staff])
    last = await step([(u, f.press(last[u], _data(last[u], "20"), u)) for u in staff])
    last = await step([(u, f.press(last[u], _data(last[u], "09.00"), u)) for u in staff])
    last = await step([(u, f.message(f"Rakor nomor {u}", u, u)) for u in staff])
    await step([(u, f.press(last[u], _data(last[u], "💾 Simpan"), u)) for u in staff])
    with slow_bot.runtime.session() as session:
        events = session.exec(select(Event)).all()
    assert sorted(e.title for e in events) == sorted(f"Rakor nomor {u}" for u in staff)
    for e in events:
        user = int(e.title.rsplit(" ", 1)[1])
        assert e.scope_codes == ("63.05" if user % 2 else "63.06")


def _data(call, label: str) -> str:
    from tests.fakes import buttons_of

    found = [d for lbl, d in buttons_of(call) if label in (lbl, d)]
    assert found, (label, call.method, call.params.get("text", "")[:200], buttons_of(call))
    return found[0]


async def test_a_flooding_person_is_answered_a_few_times_and_others_still_are(slow_bot, caplog):
    flooder, group = 777, -4242  # no role; the group is not bound: each message gets a refusal
    floods = [slow_bot.factory.message("/bantuan", flooder, group) for _ in range(45)]
    mine = slow_bot.factory.message("/bantuan", ADMIN, ADMIN)
    with caplog.at_level("WARNING", logger="bot.telegram.flood"):
        await asyncio.gather(*(feed(slow_bot, u) for u in floods[:20]), feed(slow_bot, mine),
                             *(feed(slow_bot, u) for u in floods[20:]))
    assert len(texts_to(slow_bot, ADMIN)) == 1
    answered = texts_to(slow_bot, group)
    assert 1 <= len(answered) <= 11
    # told once, never silently ignored
    assert sum("Terlalu banyak pesan dalam waktu singkat" in t for t in answered) == 1
    assert len([r for r in caplog.records if "flooding" in r.getMessage()]) == 1


def test_flood_gate_lets_a_few_a_minute_through_after_a_mute():
    t = [0.0]
    gate = FloodGate(now=lambda: t[0])  # nobody here holds a role: strangers' limits
    assert sum(gate.allow(1) for _ in range(30)) == 10
    assert gate.allow(2)  # somebody else is not affected
    t[0] = 30.0
    assert not gate.allow(1)  # still limited
    t[0] = 61.0
    answered = 0
    for second in range(61, 181):  # a steady flood, one a second, for two more minutes
        t[0] = float(second)
        answered += gate.allow(1)
    assert answered <= 2 * 10  # at most a few a minute
    assert gate.allow(3)
