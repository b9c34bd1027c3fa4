"""Delivery from the ledger: once, on time, folded when late, surviving crashes and Telegram's moods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.core.models import IndicatorState, Reminder, Subscription
from bot.domain.checklist import set_state
from bot.domain.people import Grants
from bot.domain.subscriptions import subscribe
from bot.messaging.delivery import Outcome, SendResult
from bot.messaging.engine import DeliveryEngine
from bot.reference import provinces, regions
from schedules.actions import acknowledge
from schedules.calendar import parse_line
from schedules.events import add, cancel, move
from tests.fakes import RecordingSender

TAPIN, HSS, KALSEL = regions()["63.05"], regions()["63.06"], provinces()["63"]
TAPIN_CHAT, HSS_CHAT, GROUP, ADMIN = 5001, 5002, -1005, 111


class Crash(Exception):
    """Plays the process dying at a given step."""


@pytest.fixture
def world(catalog):
    with catalog.session() as session:
        subscribe(session, catalog.clock, TAPIN_CHAT, TAPIN, ADMIN)
        subscribe(session, catalog.clock, HSS_CHAT, HSS, ADMIN)
    return catalog


def dispatcher(rt, sender, **kw) -> DeliveryEngine:
    return DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, sender, **kw)


def create(rt, line):
    with rt.session() as session:
        return add(session, rt.clock, rt.settings, parse_line(line), ADMIN).id


def statuses(rt, chat_id):
    with rt.session() as session:
        return [(r.offset_key, r.status) for r in session.exec(
            select(Reminder).where(Reminder.chat_id == chat_id).order_by(Reminder.due_at))]


def at(rt, *args):
    rt.clock.set(datetime(*args, tzinfo=UTC))


async def test_sends_when_due_and_only_once(world):
    create(world, "kkpham Kalsel 2024-03-21 Batas data dukung KKP HAM")
    sender = RecordingSender()
    d = dispatcher(world, sender)
    at(world, 2024, 3, 13, 23, 59)  # 07:59 WITA on 14 March, a minute before the 7d reminder
    assert (await d.run_once()).sent == 0
    at(world, 2024, 3, 14, 0, 0)
    report = await d.run_once()
    assert report.sent == 2 and sender.texts(TAPIN_CHAT) and sender.texts(HSS_CHAT)
    text = sender.texts(TAPIN_CHAT)[0]
    assert "⏰ <b>Pengingat: Batas data dukung KKP HAM</b>" in text
    assert "Tenggat KKP HAM · Kamis, 21 Maret 2024 · <b>H-7</b>" in text
    assert "• Kab. Tapin: 120 dari 120 indikator belum diajukan" in text
    labels = [b.label for row in sender.replies[0][1].buttons for b in row]
    assert labels == ["✅ Sudah dikerjakan", "⏰ Ingatkan besok", "Lihat yang belum lengkap"]
    assert (await d.run_once()).sent == 0
    assert statuses(world, TAPIN_CHAT)[0] == ("7d", "sent")


async def test_a_region_that_finished_meanwhile_is_skipped(world):
    create(world, "kkpham Tapin 2024-03-21 Batas")
    with world.session() as session:
        cycle = world.cycle(session)
        for c in range(1, 11):
            for i in range(1, 13):
                set_state(session, world.clock, cycle, TAPIN, f"{c}.{i:02d}", IndicatorState.TERVERIFIKASI, ADMIN)
    sender = RecordingSender()
    at(world, 2024, 3, 14, 0, 0)
    report = await dispatcher(world, sender).run_once()
    assert report.skipped == 1 and sender.sent == []


async def test_down_before_the_deadline_sends_one_not_a_burst(world):
    create(world, "rakor Tapin 2024-03-21 09:00 Rakor")
    sender = RecordingSender()
    at(world, 2024, 3, 20, 6, 0)  # 14:00 WITA on the 20th: 7d, 3d and 1d all fell due while down
    report = await dispatcher(world, sender).run_once()
    assert report.sent == 1 and report.superseded == 2
    assert len(sender.texts(TAPIN_CHAT)) == 1 and "<b>besok</b>" in sender.texts(TAPIN_CHAT)[0]


async def test_down_past_the_deadline_folds_into_one_summary(world):
    create(world, "rakor Tapin 2024-03-21 09:00 Rakor A")
    create(world, "rakor Tapin 2024-03-22 09:00 Rakor B")
    sender = RecordingSender()
    at(world, 2024, 3, 26, 0, 0)
    report = await dispatcher(world, sender).run_once()
    assert report.sent == 0 and report.missed == 12  # 2 x 5 offsets for Tapin, 2 escalations to the admin
    (summary,) = sender.texts(TAPIN_CHAT)
    assert "Pengingat terlewat" in summary and "Rakor A" in summary and "Rakor B" in summary
    assert {s for _k, s in statuses(world, TAPIN_CHAT)} == {"missed"}


@pytest.mark.parametrize("step,expected_sends", [("before_send", 1), ("after_send", 2), ("after_commit", 1)])
async def test_a_crash_at_each_step(world, step, expected_sends):
    create(world, "rakor Tapin 2024-03-21 09:00 Rakor | ingatkan 1d")
    sender = RecordingSender()
    at(world, 2024, 3, 20, 0, 0)

    def die(name, _row):
        if name == step:
            raise Crash(name)

    with pytest.raises(Crash):
        await dispatcher(world, sender, checkpoint=die, worker_id="w1").run_once()
    survivor = dispatcher(world, sender, worker_id="w2")
    report = await survivor.run_once()  # within the lease: the dead worker's row is left alone
    assert report.claimed == 0
    world.clock.advance(timedelta(minutes=6))
    await survivor.run_once()
    assert len(sender.texts(TAPIN_CHAT)) == expected_sends
    assert ("1d", "sent") in statuses(world, TAPIN_CHAT)


async def test_transient_errors_retry_with_backoff(world):
    create(world, "rakor Tapin 2024-03-21 09:00 Rakor | ingatkan 1d")
    sender = RecordingSender()
    sender.script[TAPIN_CHAT] = [SendResult(Outcome.TRANSIENT, error="Bad Gateway")] * 2
    d = dispatcher(world, sender)
    at(world, 2024, 3, 20, 0, 0)
    assert (await d.run_once()).retried == 1
    world.clock.advance(timedelta(seconds=29))
    assert (await d.run_once()).claimed == 0
    world.clock.advance(timedelta(seconds=1))
    assert (await d.run_once()).retried == 1  # second failure: waits 60 s now
    world.clock.advance(timedelta(seconds=60))
    assert (await d.run_once()).sent == 1
    assert len(sender.texts(TAPIN_CHAT)) == 1


async def test_retry_after_is_respected(world):
    create(world, "rakor Tapin 2024-03-21 09:00 Rakor | ingatkan 1d")
    sender = RecordingSender()
    sender.script[TAPIN_CHAT] = [SendResult(Outcome.RETRY_AFTER, retry_after=42)]
    d = dispatcher(world, sender)
    at(world, 2024, 3, 20, 0, 0)
    await d.run_once()
    world.clock.advance(timedelta(seconds=41))
    assert (await d.run_once()).sent == 0
    world.clock.advance(timedelta(seconds=1))
    assert (await d.run_once()).sent == 1


async def test_a_blocked_chat_is_unsubscribed(world):
    create(world, "rakor Tapin 2024-03-21 09:00 Rakor | ingatkan 3d,1d")
    sender = RecordingSender()
    sender.script[TAPIN_CHAT] = [SendResult(Outcome.BLOCKED, error="Forbidden: bot was blocked by the user")]
    d = dispatcher(world, sender)
    at(world, 2024, 3, 18, 0, 0)
    report = await d.run_once()
    assert report.failed == 1 and report.blocked_chats == [TAPIN_CHAT]
    with world.session() as session:
        sub = session.exec(select(Subscription).where(Subscription.chat_id == TAPIN_CHAT)).one()
    assert sub.active is False
    at(world, 2024, 3, 20, 0, 0)
    assert (await d.run_once()).sent == 0  # the 1d reminder finds no subscription: skipped


async def test_a_group_that_became_a_supergroup_follows(world):
    with world.session() as session:
        subscribe(session, world.clock, GROUP, KALSEL, ADMIN)
    create(world, "rakor Tapin 2024-03-21 09:00 Rakor | ingatkan 1d")
    sender = RecordingSender()
    sender.script[GROUP] = [SendResult(Outcome.MIGRATED, new_chat_id=-100777)]
    at(world, 2024, 3, 20, 0, 0)
    await dispatcher(world, sender).run_once()
    assert len(sender.texts(-100777)) == 1
    with world.session() as session:
        assert session.exec(select(Subscription).where(Subscription.chat_id == -100777)).one().target_code == "63"


async def test_moved_and_cancelled_events_tell_those_already_reminded(world):
    event_id = create(world, "rakor Tapin 2024-03-21 09:00 Rakor B08 | ingatkan 3d,1d")
    sender = RecordingSender()
    d = dispatcher(world, sender)
    at(world, 2024, 3, 18, 0, 0)
    await d.run_once()
    with world.session() as session:
        move(session, world.clock, world.settings, event_id, datetime(2024, 3, 26).date(), None)
    await d.run_once()
    notice = sender.texts(TAPIN_CHAT)[-1]
    assert "Jadwal berubah" in notice and "Selasa, 26 Maret 2024" in notice
    assert sender.texts(HSS_CHAT) == []  # HSS was never in scope
    with world.session() as session:
        cancel(session, world.clock, world.settings, event_id)
    await d.run_once()
    assert "Dibatalkan" in sender.texts(TAPIN_CHAT)[-1]
    at(world, 2024, 3, 25, 0, 0)
    await d.run_once()
    assert len(sender.texts(TAPIN_CHAT)) == 3  # nothing more after the cancellation


async def test_unacknowledged_regions_escalate_to_admins_in_one_digest(world):
    event_id = create(world, "aksiham Kalsel 2024-03-19..2024-03-21 Pelaporan Aksi HAM B04 | ingatkan 1d")
    sender = RecordingSender()
    d = dispatcher(world, sender)
    at(world, 2024, 3, 20, 0, 0)
    await d.run_once()
    with world.session() as session:
        hss_row = session.exec(select(Reminder).where(Reminder.chat_id == HSS_CHAT,
                                                      Reminder.status == "sent")).one()
        acknowledge(session, world.clock, hss_row.id, 9, HSS_CHAT, grants=Grants(9, pic=frozenset({"63.06"})))
    at(world, 2024, 3, 21, 2, 0)  # 10:00 WITA on the last day
    await d.run_once()
    (digest,) = sender.texts(ADMIN)
    assert "Belum ditanggapi: Pelaporan Aksi HAM B04" in digest
    assert "Kab. Tapin: belum satu pun dari 6 aksi dilaporkan untuk B04" in digest
    assert "Hulu Sungai Selatan" not in digest
    assert event_id


async def test_through_telegram_429_is_waited_out(world):
    """The real Telegram adapter and rate limiter against the offline Bot API."""
    from bot.telegram.sender import TelegramSender
    from tests.conftest import BotHarness
    from tests.fakes import ScriptedError

    harness = BotHarness(world)
    harness.api.register_chat(5001)
    await harness.app.initialize()
    try:
        harness.api.fail_next("sendMessage", ScriptedError(429, "Too Many Requests: retry after 7", retry_after=7))
        create(world, "rakor Tapin 2024-03-21 09:00 Rakor | ingatkan 1d")
        at(world, 2024, 3, 20, 0, 0)
        d = dispatcher(world, TelegramSender(harness.app.bot))
        report = await d.run_once()
    finally:
        await harness.app.shutdown()
    assert report.sent == 1
    assert harness.limiter.waited == [7.0]
    sends = [c for c in harness.api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == TAPIN_CHAT]
    assert len(sends) == 2 and isinstance(sends[0].result, ScriptedError)


async def test_through_telegram_403_and_5xx(world):
    from bot.telegram.sender import TelegramSender
    from tests.conftest import BotHarness
    from tests.fakes import ScriptedError

    harness = BotHarness(world)
    await harness.app.initialize()
    try:
        harness.api.fail_next("sendMessage", ScriptedError(403, "Forbidden: bot was blocked by the user"))
        harness.api.fail_next("sendMessage", ScriptedError(502, "Bad Gateway"))
        create(world, "rakor Kalsel 2024-03-21 09:00 Rakor | ingatkan 1d")
        at(world, 2024, 3, 20, 0, 0)
        report = await dispatcher(world, TelegramSender(harness.app.bot)).run_once()
    finally:
        await harness.app.shutdown()
    assert report.failed == 1 and report.retried == 1
    assert report.blocked_chats == [TAPIN_CHAT]
