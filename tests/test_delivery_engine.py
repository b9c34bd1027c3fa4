"""The one delivery engine: a continuous pipeline with a queue per chat, a cap on messages in flight, what it
does when Telegram answers late or not at all, and the delivery report's deadline."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from bot.core.models import Broadcast, Chat, Outbox, Reminder
from bot.domain.subscriptions import subscribe
from bot.messaging import broadcasts
from bot.messaging.delivery import Outcome, SendResult
from bot.messaging.engine import MAX_IN_FLIGHT, DeliveryEngine, backoff
from bot.reference import provinces, regions
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows
from tests.fakes import RecordingSender

KALSEL = provinces()["63"]
ADMIN = 111
GROUPS = [-100_500 - i for i in range(3)]


def engine_of(rt, sender, **kw) -> DeliveryEngine:
    return DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, sender, **kw)


def outbox_rows(rt, chats, prefix="m", text="pesan"):
    now = rt.clock.now()
    with rt.session() as session:
        for i, chat in enumerate(chats):
            session.add(Outbox(key=f"{prefix}{i}", chat_id=chat, text=f"{text} {i}", due_at=now))


def event_rows(rt, rows: list[Planned]) -> int:
    with rt.session() as session:
        event = add(session, rt.clock, rt.settings, parse_line("rakor Tapin 2024-03-21 09:00 Rakor uji | ingatkan 1d"),
                    ADMIN)
        insert_rows(session, event, rows)
        return event.id


def statuses(rt, model, **where) -> dict[int, str]:
    with rt.session() as session:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return {r.id: r.status for r in session.exec(query)}


async def test_reminders_and_outbox_rows_go_out_from_one_engine_in_one_run(catalog):
    now = catalog.clock.now()
    event_rows(catalog, [Planned(5001, "snooze-a", now - timedelta(minutes=1), now + timedelta(days=1))])
    with catalog.session() as session:
        subscribe(session, catalog.clock, 5001, regions()["63.05"], ADMIN)
    outbox_rows(catalog, [5002, 5003])
    sender = RecordingSender()
    report = await engine_of(catalog, sender).run_until_idle()
    assert report.sent == 3 and report.claimed == 3
    assert sorted(chat for chat, _ in sender.sent) == [5001, 5002, 5003]


class Gate(RecordingSender):
    """Holds every send until released; counts how many are held at once."""

    def __init__(self) -> None:
        super().__init__()
        self.now = self.peak = 0
        self.release = asyncio.Event()

    async def send(self, chat_id, reply):
        self.now += 1
        self.peak = max(self.peak, self.now)
        await self.release.wait()
        self.now -= 1
        return await super().send(chat_id, reply)


@pytest.mark.parametrize("cap", [5, MAX_IN_FLIGHT])
async def test_the_messages_in_flight_never_exceed_the_cap(runtime, cap):
    outbox_rows(runtime, range(1, 101))
    sender = Gate()
    engine = engine_of(runtime, sender, in_flight=cap)
    run = asyncio.create_task(engine.run_until_idle())
    for _ in range(3000):
        if sender.now >= cap:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    assert sender.now == cap  # the others wait their turn, none is lost
    sender.release.set()
    report = await run
    assert report.sent == 100 and sender.peak == cap and engine.peak_in_flight == cap


class Paced(RecordingSender):
    """A chat that may not receive anything until told (a 1/s chat or a group at its 20/min, stretched out)."""

    def __init__(self, slow_chat: int) -> None:
        super().__init__()
        self.slow_chat = slow_chat
        self.slow_may_go = asyncio.Event()
        self.on_first_slow = None

    async def ready(self, chat_id):
        if chat_id == self.slow_chat and self.texts(chat_id):
            await asyncio.wait_for(self.slow_may_go.wait(), timeout=60)

    async def send(self, chat_id, reply):
        result = await super().send(chat_id, reply)
        if chat_id == self.slow_chat and len(self.texts(chat_id)) == 1 and self.on_first_slow:
            self.on_first_slow()
        return result


async def test_a_chat_waiting_on_its_own_limit_holds_up_no_broadcast_queued_meanwhile(runtime):
    """38 digests to one person go out at 1 a second; a broadcast confirmed after the first of them is sent at
    once, not after the 38th (a claimed batch used to be waited out), even with room for one message in flight."""
    outbox_rows(runtime, [333] * 38, prefix="digest", text="ringkasan")
    sender = Paced(333)
    engine = engine_of(runtime, sender, in_flight=1)

    def kirim():
        outbox_rows(runtime, GROUPS * 10, prefix="broadcast", text="pengumuman")
        engine.poke()

    sender.on_first_slow = kirim
    run = asyncio.create_task(engine.run_until_idle())
    for _ in range(3000):
        if len([c for c, _ in sender.sent if c in GROUPS]) == 30:
            break
        await asyncio.sleep(0.01)
    assert len(sender.texts(333)) == 1  # still waiting for its next second
    assert len([c for c, _ in sender.sent if c in GROUPS]) == 30
    for group in GROUPS:  # each group's own messages in order
        assert sender.texts(group) == [f"pengumuman {i}" for i in range(30) if GROUPS[i % 3] == group]
    sender.slow_may_go.set()
    report = await run
    assert report.sent == 68 and len(sender.texts(333)) == 38


async def test_a_send_whose_answer_was_lost_is_not_repeated_at_once(runtime):
    outbox_rows(runtime, [5001])
    sender = RecordingSender()
    sender.script[5001] = [SendResult(Outcome.UNSURE, error="no answer: Timed out")]
    engine = engine_of(runtime, sender)
    report = await engine.run_until_idle()
    assert report.unsure == 1 and report.retried == 1 and sender.sent == []
    assert engine._limit == MAX_IN_FLIGHT // 2  # Telegram hangs: fewer in flight, then back up with each answer
    wait = backoff(2, runtime.settings.retry_seconds)  # one doubling more than a message Telegram refused
    assert wait == timedelta(seconds=60)
    runtime.clock.advance(wait - timedelta(seconds=1))
    assert (await engine.run_until_idle()).claimed == 0
    runtime.clock.advance(timedelta(seconds=1))
    assert (await engine.run_until_idle()).sent == 1
    assert engine._limit == MAX_IN_FLIGHT // 2 + 1


async def test_a_reminder_whose_answer_was_lost_is_retried_only_while_useful(catalog):
    now = catalog.clock.now()
    with catalog.session() as session:
        subscribe(session, catalog.clock, 5001, regions()["63.05"], ADMIN)
        subscribe(session, catalog.clock, 5002, regions()["63.05"], ADMIN)
    event_id = event_rows(catalog, [
        # 5001: an older reminder, then a newer one due before the older one's retry: the older is dropped
        Planned(5001, "snooze-1", now, now + timedelta(days=1)),
        Planned(5001, "snooze-2", now + timedelta(seconds=30), now + timedelta(days=1)),
        # 5002: its deadline comes before the retry would
        Planned(5002, "snooze-3", now, now + timedelta(seconds=45)),
    ])
    sender = RecordingSender()
    sender.script[5001] = [SendResult(Outcome.UNSURE, error="no answer")]
    sender.script[5002] = [SendResult(Outcome.UNSURE, error="no answer")]
    report = await engine_of(catalog, sender).run_until_idle()
    assert report.unsure == 2 and report.retried == 0 and report.superseded == 1 and report.failed == 1
    with catalog.session() as session:
        rows = {r.offset_key: r for r in session.exec(select(Reminder).where(Reminder.event_id == event_id))}
    assert rows["snooze-1"].status == "superseded" and rows["snooze-3"].status == "failed"
    assert rows["snooze-2"].status == "pending"
    catalog.clock.advance(timedelta(seconds=30))
    assert (await engine_of(catalog, sender).run_until_idle()).sent == 1
    assert len(sender.texts(5001)) == 1


async def test_5xx_is_retried_after_the_configured_wait(runtime):
    runtime.settings = runtime.settings.model_copy(update={"retry_seconds": 2.0})
    outbox_rows(runtime, [5001])
    sender = RecordingSender()
    sender.script[5001] = [SendResult(Outcome.TRANSIENT, error="Internal Server Error (500)")] * 2
    engine = engine_of(runtime, sender)
    assert (await engine.run_until_idle()).retried == 1
    runtime.clock.advance(timedelta(seconds=2))
    assert (await engine.run_until_idle()).retried == 1
    runtime.clock.advance(timedelta(seconds=3))
    assert (await engine.run_until_idle()).claimed == 0  # the second wait is twice the first
    runtime.clock.advance(timedelta(seconds=1))
    assert (await engine.run_until_idle()).sent == 1
    assert engine._limit == MAX_IN_FLIGHT  # a 5xx answers at once: it holds no connection


def confirm_broadcast(rt, groups, text="<b>Hasil uji</b>\nIsi.", **kw) -> int:
    now = rt.clock.now()
    with rt.session() as session:
        for i, g in enumerate(groups):
            subscribe(session, rt.clock, g, KALSEL, ADMIN)
            session.merge(Chat(id=g, kind="supergroup", title=f"Grup {i + 1}", updated_at=now))
        session.flush()
        cast = broadcasts.create(session, rt.clock, KALSEL, ADMIN, text, b"PNG")
        assert broadcasts.confirm(session, rt.clock, cast.id, ADMIN, KALSEL, {}, **kw) == len(groups)
        return cast.id


def reports(sender) -> list[str]:
    return [text for chat, text in sender.sent if chat == ADMIN and "Laporan pengiriman" in text]


async def test_the_report_follows_the_last_outcome_at_once(runtime):
    cast = confirm_broadcast(runtime, GROUPS)
    sender = RecordingSender()
    report = await engine_of(runtime, sender).run_until_idle()  # the clock does not move: no deadline waited for
    assert report.sent == 4 and report.reports == [cast]
    (final,) = reports(sender)
    assert "Laporan pengiriman</b>" in final and "Terkirim: 3 (Grup 3, Grup 2, Grup 1)" in final
    with runtime.session() as session:
        assert session.get(Broadcast, cast).reported_at == runtime.clock.now()


async def test_the_report_comes_by_its_deadline_and_names_what_is_still_pending(runtime):
    cast = confirm_broadcast(runtime, GROUPS)
    with runtime.session() as session:
        (row,) = session.exec(select(Outbox).where(Outbox.key == f"report:{cast}")).all()
    deadline = runtime.clock.now() + broadcasts.REPORT_GRACE + timedelta(seconds=3 / broadcasts.SENDING_RATE)
    assert row.due_at == deadline and row.chat_id == ADMIN
    sender = RecordingSender()
    stuck = GROUPS[0]  # Telegram keeps failing for this group, each try after a longer wait
    sender.script[stuck] = [SendResult(Outcome.TRANSIENT, error="Internal Server Error (500)")] * 2
    engine = engine_of(runtime, sender)
    await engine.run_until_idle()
    assert reports(sender) == []  # before the deadline: nothing to say yet
    runtime.clock.set(deadline)
    await engine.run_until_idle()
    (interim,) = reports(sender)
    assert "Laporan pengiriman sementara" in interim and "Terkirim: 2 (Grup 3, Grup 2)" in interim
    assert "Masih diproses: 1 (Grup 1)" in interim and "laporan akhir menyusul" in interim
    runtime.clock.advance(timedelta(minutes=10))  # the group's next tries go through
    report = await engine.run_until_idle()
    assert report.reports == [cast]
    interim_again, final = reports(sender)
    assert interim_again == interim and "Terkirim: 3" in final and "sementara" not in final
    with runtime.session() as session:
        keys = {r.key: r.status for r in session.exec(select(Outbox).where(Outbox.key.like(f"report:{cast}%")))}
    assert keys == {f"report:{cast}": "sent", f"report:{cast}:final": "sent"}


async def test_the_report_overtakes_digests_queued_for_the_sender(runtime):
    outbox_rows(runtime, [ADMIN] * 10, prefix="digest", text="ringkasan")
    cast = confirm_broadcast(runtime, GROUPS)
    sender = RecordingSender()
    report = await engine_of(runtime, sender).run_until_idle()
    assert report.reports == [cast] and report.sent == 14
    mine = sender.texts(ADMIN)
    # a few of the sender's digests were under way; the report comes next, not after the tenth
    assert "Laporan pengiriman" in mine[3] and all("ringkasan" in text for text in mine[:3] + mine[4:])


async def test_a_report_names_twenty_recipients_and_counts_the_rest(runtime):
    groups = [-100_600 - i for i in range(25)]
    confirm_broadcast(runtime, groups)
    sender = RecordingSender()
    await engine_of(runtime, sender).run_until_idle()
    (final,) = reports(sender)
    assert "Terkirim: 25 (Grup 25, " in final and ", dan 5 lainnya)" in final and "Grup 5" not in final


async def test_kirim_whose_answer_failed_still_sends_and_tells_the_sender(bot):
    from bot.telegram.sender import TelegramSender
    from tests.conftest import STAF, replies
    from tests.fakes import ScriptedError

    for chat in GROUPS:
        await bot.say("/langganan Kalsel", STAF, chat_id=chat)
    message = replies(await bot.say("/umumkan", STAF))[-1]
    # a reply is retried three times (bot/telegram/ratelimit.py): here every try fails
    bot.api.fail_next("answerCallbackQuery", ScriptedError(500, "Internal Server Error"), times=4)
    bot.api.fail_next("editMessageText", ScriptedError(502, "Bad Gateway"), times=4)
    await bot.press(message, "✅ Kirim", STAF)
    assert not [c for c in bot.api.sent("sendMessage", STAF) if "Maaf" in c.params["text"]]
    engine = DeliveryEngine(bot.runtime.engine, bot.runtime.clock, lambda: bot.runtime.settings,
                            TelegramSender(bot.app.bot))
    report = await engine.run_until_idle()
    assert report.sent == 5  # three groups, the answer to Kirim, the delivery report
    told = [c.params["text"] for c in bot.api.sent("sendMessage", STAF)]
    assert any("Sedang dikirim ke 3 penerima" in t for t in told) and any("Laporan pengiriman" in t for t in told)
    assert all(len(bot.api.sent("sendPhoto", chat)) == 1 for chat in GROUPS)


async def test_what_the_engine_sends_is_marked_bulk_and_replies_are_not(bot):
    from bot.telegram.sender import TelegramSender

    seen: list[tuple[str, object]] = []
    process = bot.limiter.process_request

    async def recording(callback, args, kwargs, endpoint, data, rate_limit_args):
        seen.append((endpoint, rate_limit_args))
        return await process(callback, args, kwargs, endpoint, data, rate_limit_args)

    bot.limiter.process_request = recording
    await bot.say("/status Tapin")
    replies_seen = list(seen)
    bot.api.register_chat(5001)
    outbox_rows(bot.runtime, [5001])
    engine = DeliveryEngine(bot.runtime.engine, bot.runtime.clock, lambda: bot.runtime.settings,
                            TelegramSender(bot.app.bot))
    assert (await engine.run_until_idle()).sent == 1
    assert ("sendMessage", None) in replies_seen
    assert seen[len(replies_seen):] == [("sendMessage", {"kind": "bulk"})]


async def test_a_chat_waits_for_its_own_limits_before_it_takes_a_place():
    from bot.telegram.sender import TelegramSender
    from tests.fakes import FakeTime, fake_rate_limiter

    clock = FakeTime()
    limiter = fake_rate_limiter(clock)

    class Bot:
        rate_limiter = limiter

    sender = TelegramSender(Bot())
    for _ in range(20):  # a group's 20 a minute, one a second apart at most
        await limiter.throttle.wait(-1001)
    await limiter.throttle.wait(5001)
    start = clock.now()
    await sender.ready(-1002)  # another chat: at once
    assert clock.now() == start
    margin = limiter.throttle.chat_gap - 1.0  # each window is counted a little long (bot/telegram/throttle.py)
    await sender.ready(5001)  # a private chat: a second after its last message's answer
    assert clock.now() == pytest.approx(start + 1.0 + margin)
    await sender.ready(-1001)  # the group: a minute after the answer to the first of its 20
    assert clock.now() == pytest.approx(60.0 + margin)
    assert limiter.throttle.ready_at(-1001) == pytest.approx(60.0 + margin)


def test_classifying_telegrams_errors():
    import httpx
    from telegram.error import BadRequest, NetworkError, TimedOut

    from bot.telegram.sender import classify

    def caused(exc, cause):
        exc.__cause__ = cause
        return exc

    assert classify(caused(TimedOut(), httpx.ReadTimeout("read"))).outcome is Outcome.UNSURE
    assert classify(caused(TimedOut(), httpx.ConnectTimeout("connect"))).outcome is Outcome.TRANSIENT
    assert classify(TimedOut("Pool timeout: All connections in the connection pool are occupied.")).outcome \
        is Outcome.TRANSIENT
    assert classify(NetworkError("Internal Server Error (500)")).outcome is Outcome.TRANSIENT
    assert classify(caused(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused"))).outcome \
        is Outcome.TRANSIENT
    assert classify(caused(NetworkError("httpx.ReadError"), httpx.ReadError("reset"))).outcome is Outcome.UNSURE
    assert classify(BadRequest("Chat not found")).outcome is Outcome.BLOCKED
    assert classify(BadRequest("Message is too long")).outcome is Outcome.REJECTED


async def test_the_timer_looks_at_both_tables(bot):
    rt = bot.runtime
    (timer,) = bot.app.bot_data["timers"]
    assert timer._delay() == rt.settings.tick_seconds
    now = rt.clock.now()
    with rt.session() as session:
        session.add(Outbox(key="later", chat_id=5001, text="nanti", due_at=now + timedelta(seconds=9)))
    assert timer._delay() == 9.0
    with rt.session() as session:
        event = add(session, rt.clock, rt.settings, parse_line("rakor Tapin 2028-06-19 09:00 Rakor jauh"), ADMIN)
        insert_rows(session, event, [Planned(5001, "snooze-x", now + timedelta(seconds=4), now + timedelta(days=1))])
    assert timer._delay() == 4.0


def _migrate_down_and_up(url: str) -> None:
    from alembic import command

    from bot.core.db import alembic_config, make_engine, upgrade

    engine = make_engine(url)
    try:
        upgrade(engine)
        indexes = lambda: {i["name"] for i in inspect(engine).get_indexes("outbox")}  # noqa: E731
        assert "ix_outbox_broadcast_status" in indexes() and "ix_outbox_broadcast_id" not in indexes()
        config = alembic_config(engine)
        command.downgrade(config, "i10_telegram_language")
        assert "ix_outbox_broadcast_id" in indexes() and "ix_outbox_broadcast_status" not in indexes()
        upgrade(engine)
        assert "ix_outbox_broadcast_status" in indexes()
    finally:
        engine.dispose()


def test_the_outbox_index_migration_on_sqlite(sqlite_url):
    _migrate_down_and_up(sqlite_url)


def test_the_outbox_index_migration_on_postgresql(pg_url):
    _migrate_down_and_up(pg_url)


def test_a_chat_is_claimed_by_one_copy_at_a_time(runtime):
    from bot.messaging import ledger

    outbox_rows(runtime, [5001, 5001, 5002])
    now = runtime.clock.now()
    lease = timedelta(minutes=5)
    first = ledger.claim(runtime.engine, Outbox, now, lease, "a", room=1)
    assert len(first) == 1  # room for one row: the first chat's first row
    second = ledger.claim(runtime.engine, Outbox, now, lease, "b", room=10)
    with runtime.session() as session:
        chats = {session.get(Outbox, i).chat_id for i in second}
    assert chats == {5002}  # 5001's other row waits: its chat is being sent to by "a"
    assert ledger.claim(runtime.engine, Outbox, now + lease + timedelta(seconds=1), lease, "b", room=10)
