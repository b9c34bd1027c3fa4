"""A reporting window is reminded before it opens, then before it closes: on the strict offline Bot API,
at each recipient's own morning (WITA and WIT), in Indonesian and in English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core.models import Reminder
from bot.domain.aksi import record_report
from bot.domain.language import choose_language
from bot.domain.subscriptions import subscribe
from bot.messaging.engine import DeliveryEngine
from bot.reference import regions
from bot.telegram.sender import TelegramSender
from schedules.calendar import parse_line
from schedules.events import add
from schedules.incremental import IncrementalPlanner
from schedules.planner import is_planned_key
from tests.conftest import ADMIN, BotHarness, grant
from tests.fakes import buttons_of

TAPIN, JAYAPURA = regions()["63.05"], regions()["91.71"]  # WITA (UTC+8), WIT (UTC+9)
TAPIN_GROUP, TAPIN_PIC, JAYAPURA_GROUP, JAYAPURA_PIC = -100601, 4601, -100602, 4602
CHATS = {TAPIN_GROUP: "id", TAPIN_PIC: "en", JAYAPURA_GROUP: "id", JAYAPURA_PIC: "en"}
WIT = (JAYAPURA_GROUP, JAYAPURA_PIC)
WITA = (TAPIN_GROUP, TAPIN_PIC)
# Monday 26 February to Monday 4 March 2024: no holiday in between
WINDOW = "aksiham nasional 2024-02-26..2024-03-04 Pelaporan Aksi HAM B04"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
async def harness(catalog):
    rt = catalog
    with rt.session() as session:
        for chat, region in ((TAPIN_GROUP, TAPIN), (TAPIN_PIC, TAPIN), (JAYAPURA_GROUP, JAYAPURA),
                             (JAYAPURA_PIC, JAYAPURA)):
            subscribe(session, rt.clock, chat, region, ADMIN)
        for person in (TAPIN_PIC, JAYAPURA_PIC):
            choose_language(session, rt.clock, person, "PIC", None, "en")
    for person, region in ((TAPIN_PIC, TAPIN), (JAYAPURA_PIC, JAYAPURA)):  # a PIC's own chat answers their reminders
        grant(rt, person, "pic", region.code)
    bot = BotHarness(rt)
    for chat in CHATS:
        bot.api.register_chat(chat)
    bot.api.register_chat(ADMIN)
    await bot.app.initialize()
    yield bot
    await bot.app.shutdown()


def create(rt, line: str) -> int:
    with rt.session() as session:
        return add(session, rt.clock, rt.settings, parse_line(line), ADMIN).id


def ledger(rt, chat: int) -> list[tuple[str, datetime]]:
    with rt.session() as session:
        rows = session.exec(select(Reminder).where(Reminder.chat_id == chat, Reminder.status == "pending")
                            .order_by(Reminder.due_at)).all()
    return [(r.offset_key, r.due_at) for r in rows]


async def step(bot: BotHarness, dispatcher: DeliveryEngine, when: datetime) -> dict[int, list]:
    """Move the clock, send what is due; what each chat received."""
    bot.runtime.clock.set(when)
    before = len(bot.api.calls)
    await dispatcher.run_once()
    got: dict[int, list] = {}
    for call in bot.api.calls[before:]:
        if call.method == "sendMessage":
            got.setdefault(int(call.params["chat_id"]), []).append(call)
    return got


def text(call) -> str:
    return str(call.params["text"])


async def test_a_window_counts_down_to_its_opening_then_to_its_close(harness):
    bot, rt = harness, harness.runtime
    create(rt, WINDOW)  # Thursday 25 January 2024
    # at 08:00 of each chat's own zone: three days before the opening (Friday), the opening morning
    # (Monday; the closing H-7 falls on it too and is not sent twice), H-3/H-1 of the close (Friday
    # 1 March: Sunday moves back to Friday), the closing day
    assert ledger(rt, TAPIN_GROUP) == [("open-3d", utc(2024, 2, 23, 0)), ("open-0d", utc(2024, 2, 26, 0)),
                                       ("1d", utc(2024, 3, 1, 0)), ("0d", utc(2024, 3, 4, 0))]
    assert ledger(rt, JAYAPURA_PIC) == [("open-3d", utc(2024, 2, 22, 23)), ("open-0d", utc(2024, 2, 25, 23)),
                                        ("1d", utc(2024, 2, 29, 23)), ("0d", utc(2024, 3, 3, 23))]
    assert all(is_planned_key(key) for key, _ in ledger(rt, TAPIN_PIC))
    dispatcher = DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot))

    assert await step(bot, dispatcher, utc(2024, 2, 22, 22, 59)) == {}
    soon_wit = await step(bot, dispatcher, utc(2024, 2, 22, 23, 0))  # 08:00 WIT, 07:00 WITA
    assert set(soon_wit) == set(WIT)
    soon_wita = await step(bot, dispatcher, utc(2024, 2, 23, 0, 0))  # 08:00 WITA
    assert set(soon_wita) == set(WITA)
    soon = {**soon_wit, **soon_wita}
    for chat in (TAPIN_GROUP, JAYAPURA_GROUP):
        (call,) = soon[chat]
        assert "Masa pelaporan segera dibuka: Pelaporan Aksi HAM B04" in text(call)
        assert "dibuka Senin, 26 Februari 2024 (H-3) dan ditutup Senin, 4 Maret 2024" in text(call)
        assert buttons_of(call) == []  # nothing can be reported yet: nothing to acknowledge or snooze
    for chat in (TAPIN_PIC, JAYAPURA_PIC):
        (call,) = soon[chat]
        assert "Reporting window opening soon: Pelaporan Aksi HAM B04" in text(call)
        assert "opens on Monday, 26 February 2024 (in 3 days) and closes on Monday, 4 March 2024" in text(call)
        assert buttons_of(call) == []
    assert "Kota Jayapura" in text(soon[JAYAPURA_GROUP][0]) and "Tapin" in text(soon[TAPIN_GROUP][0])

    opened_wit = await step(bot, dispatcher, utc(2024, 2, 25, 23, 0))
    opened_wita = await step(bot, dispatcher, utc(2024, 2, 26, 0, 0))
    assert set(opened_wit) == set(WIT) and set(opened_wita) == set(WITA)
    (today,) = opened_wita[TAPIN_GROUP]
    assert "Masa pelaporan dibuka: Pelaporan Aksi HAM B04" in text(today)
    assert "dibuka hari ini, Senin, 26 Februari 2024, dan ditutup Senin, 4 Maret 2024 (H-7)" in text(today)
    assert [label for label, _ in buttons_of(today)] == ["✅ Sudah dilaporkan", "⏰ Ingatkan besok"]  # open now
    (today_en,) = opened_wit[JAYAPURA_PIC]
    assert "opens today, Monday, 26 February 2024, and closes on Monday, 4 March 2024 (in 7 days)" in text(today_en)

    # the window is open: "done" on the opening-day reminder ends the reminders to that chat
    await bot.press(opened_wita[TAPIN_PIC][0], "✅ Reported", TAPIN_PIC)
    closing_wit = await step(bot, dispatcher, utc(2024, 2, 29, 23, 0))
    closing_wita = await step(bot, dispatcher, utc(2024, 3, 1, 0, 0))
    assert set(closing_wit) == set(WIT) and set(closing_wita) == {TAPIN_GROUP}
    assert "Pengingat: Pelaporan Aksi HAM B04" in text(closing_wita[TAPIN_GROUP][0])
    assert "ditutup H-3" in text(closing_wita[TAPIN_GROUP][0])
    assert "Reminder: Pelaporan Aksi HAM B04" in text(closing_wit[JAYAPURA_PIC][0])
    assert "closes in 3 days" in text(closing_wit[JAYAPURA_PIC][0])
    last = await step(bot, dispatcher, utc(2024, 3, 4, 0, 0))
    assert set(last) == set(CHATS) - {TAPIN_PIC}
    escalated = await step(bot, dispatcher, utc(2024, 3, 4, 3, 0))  # 10:00 WIB on the closing day
    (digest,) = escalated[ADMIN]
    assert "Belum ditanggapi" in text(digest) and "Kota Jayapura" in text(digest)
    assert not bot.api.refusals


async def test_a_window_created_once_open_gets_no_opening_reminders(harness):
    bot, rt = harness, harness.runtime
    rt.clock.set(utc(2024, 2, 26, 2, 0))  # Monday 26 February, 10:00 WITA, 11:00 WIT: the window is open
    create(rt, WINDOW)
    for chat in CHATS:
        assert [key for key, _ in ledger(rt, chat)] == ["1d", "0d"]
    dispatcher = DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot))
    sent = []
    for when in (utc(2024, 2, 27, 0), utc(2024, 2, 29, 23), utc(2024, 3, 1, 0), utc(2024, 3, 3, 23),
                 utc(2024, 3, 4, 0)):
        for calls in (await step(bot, dispatcher, when)).values():
            sent.extend(text(c) for c in calls)
    assert sent and not any("Masa pelaporan" in s or "Reporting window" in s for s in sent)
    assert not bot.api.refusals


async def test_opening_reminders_follow_the_setting_the_reports_and_the_planner(harness):
    rt = harness.runtime
    rt.settings = rt.settings.model_copy(update={"opening_reminders": "H-1"})
    with rt.session() as session:
        record_report(session, rt.clock, JAYAPURA, 2024, "B04", 80, ADMIN)  # Jayapura has nothing to do
    create(rt, WINDOW)
    assert [key for key, _ in ledger(rt, TAPIN_GROUP)] == ["open-1d", "7d", "1d", "0d"]
    assert ledger(rt, JAYAPURA_GROUP) == []
    # without an opening reminder on the opening morning, the close's H-7 (Monday 26 February) is sent
    # the setting changes: the incremental planner moves the ledger along (H-1 cancelled, H-3 planned)
    rt.settings = rt.settings.model_copy(update={"opening_reminders": "H-3"})
    with rt.session() as session:
        IncrementalPlanner().sync(session, rt.clock, rt.settings)
    assert [key for key, _ in ledger(rt, TAPIN_GROUP)] == ["open-3d", "7d", "1d", "0d"]
    rt.settings = rt.settings.model_copy(update={"opening_reminders": ""})
    with rt.session() as session:
        IncrementalPlanner().sync(session, rt.clock, rt.settings)
    assert [key for key, _ in ledger(rt, TAPIN_GROUP)] == ["7d", "1d", "0d"]


async def test_the_event_card_names_the_reminders_before_the_opening(harness):
    (card,) = [c for c in await harness.say(f"/jadwal_tambah {WINDOW.replace('nasional', 'Kalsel')}", ADMIN)
               if c.method == "sendMessage"]
    assert "Pengingat: H-7, H-3, H-1, hari H (menjelang ditutup); H-3, hari H (menjelang dibuka)" in text(card)
    with harness.runtime.session() as session:
        keys = {r.offset_key for r in session.exec(select(Reminder).where(Reminder.chat_id == TAPIN_GROUP))}
    assert {"open-3d", "open-0d"} <= keys


async def test_an_opening_reminder_is_never_counted_as_unanswered(harness):
    from bot.reference import provinces
    from bot.views.digest import build

    bot, rt = harness, harness.runtime
    create(rt, WINDOW)
    dispatcher = DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot))
    assert set(await step(bot, dispatcher, utc(2024, 2, 23, 0, 0))) == set(CHATS)  # H-3 of the opening
    rt.clock.set(utc(2024, 2, 25, 1, 0))  # the Sunday after: nothing could have been answered yet
    with rt.session() as session:
        assert build(session, rt.clock, rt.settings, provinces()["63"], rt.thresholds).unanswered == ()
