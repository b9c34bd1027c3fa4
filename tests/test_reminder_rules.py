"""Reminders as promised, on the injectable clock, through the Application and the strict stand-in.

A week of events (every weekday, timed and whole-day, offsets from H-3 down to one minute): every one
escalates once to the admin and the province's staf, after its last reminder and before its deadline, a
weekend's on the working morning before. A chat that subscribes after a reminder time is not told about
it afterwards ("Pengingat terlewat" is for a bot that was down). "Ingatkan besok" on an older reminder
after "Sudah dikerjakan" brings nothing back. Countdowns read "35 menit lagi", not "34".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from bot.core.i18n import translator
from bot.core.models import Event, Reminder
from bot.domain.subscriptions import subscribe
from bot.messaging.engine import DeliveryEngine
from bot.reference import regions
from bot.render.calendar import countdown
from bot.telegram.sender import TelegramSender
from schedules.calendar import anchor_of, parse_line
from schedules.events import add
from schedules.planner import ESCALATE, after_quiet_hours, escalation_due, policy_from
from schedules.policy import deadline_in
from tests.conftest import ADMIN, STAF, replies

WITA = ZoneInfo("Asia/Makassar")
GROUP, LATE_GROUP, LATER_GROUP = -100501, -100502, -100503
LATENCY = timedelta(seconds=20)  # a reminder leaves a little after it falls due


def wita(*args) -> datetime:
    return datetime(*args, tzinfo=WITA)


async def dispatch_until(bot, until: datetime) -> list[tuple[datetime, int, str, object]]:
    """Jump the clock to each pending row (plus a little latency) and send it, as the timer does:
    (when, chat, text, call) of every message sent."""
    rt = bot.runtime
    dispatcher = DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot))
    sent = []
    for _ in range(500):
        with rt.session() as session:
            due = session.exec(select(func.min(Reminder.due_at)).where(Reminder.status == "pending")).one()
        if due is None or due > until:
            break
        rt.clock.set(max(due + LATENCY, rt.clock.now()))
        bot.time.t += 3600  # the stand-in's sending limits run on their own clock
        before = len(bot.api.calls)
        await dispatcher.run_once()
        sent += [(rt.clock.now(), int(c.params["chat_id"]), c.params["text"], c)
                 for c in bot.api.calls[before:] if c.method == "sendMessage"]
    rt.clock.set(max(until, rt.clock.now()))
    return sent


WEEK = [  # (title, the rest of the line, deadline); NOW is Thursday 25 January 2024, 10:00 WITA, and there is
    # no holiday from 26 January to 4 February
    ("Rakor Senin", "rakor Tapin 2024-01-29 09:00", "", wita(2024, 1, 29, 9)),
    ("Rakor Selasa", "rakor Tapin 2024-01-30 14:00", "| ingatkan 35 menit", wita(2024, 1, 30, 14)),
    ("Tenggat Rabu", "kkpham Tapin 2024-01-31", "| ingatkan H-1", wita(2024, 2, 1)),
    ("Rakor Kamis", "rakor Tapin 2024-02-01 09:00", "| ingatkan 15 menit", wita(2024, 2, 1, 9)),
    ("Laporan Jumat", "aksiham Tapin 2024-02-02", "", wita(2024, 2, 3)),
    ("Agenda Sabtu", "lain Tapin 2024-02-03", "| ingatkan H-3", wita(2024, 2, 4)),
    ("Rakor Minggu", "rakor Tapin 2024-02-04 10:00", "| ingatkan 2 jam, 1 menit", wita(2024, 2, 4, 10)),
]


async def test_a_week_of_reminders_escalates_every_event_after_its_last_reminder(bot):
    bot.api.register_chat(STAF)
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)
    for title, head, offsets, _deadline in WEEK:
        (reply,) = replies(await bot.say(f"/jadwal_tambah {head} {title} {offsets}"))
        assert "✔️ Acara dibuat" in reply.params["text"], reply.params["text"]
    sent = await dispatch_until(bot, wita(2024, 2, 5, 12))
    assert not bot.api.refusals
    for title, _head, _offsets, deadline in WEEK:
        reminded = [when for when, chat, text, _ in sent if chat == GROUP and f"Pengingat: {title}" in text]
        assert reminded, title
        for person in (ADMIN, STAF):
            (escalated,) = [when for when, chat, text, _ in sent
                            if chat == person and f"Belum ditanggapi: {title}" in text]
            assert max(reminded) < escalated < deadline, (title, reminded, escalated)
    escalations = {text.split("</b>")[0].split(": ", 1)[1]: when.astimezone(WITA)
                   for when, chat, text, _ in sent if chat == ADMIN and "Belum ditanggapi" in text}
    assert escalations["Rakor Senin"].time() == time(8, 30, 20)  # between 08:00 (H) and the 09:00 start
    assert escalations["Rakor Selasa"].time() == time(13, 42, 50)  # halfway from 13:25 to 14:00
    assert escalations["Tenggat Rabu"] == wita(2024, 1, 31, 10, 0, 20)  # the deadline's morning, 10.00
    assert escalations["Rakor Kamis"].time() == time(8, 52, 50)
    assert escalations["Agenda Sabtu"] == wita(2024, 2, 2, 10, 0, 20)  # Saturday's: Friday, a working day
    assert escalations["Rakor Minggu"].time() == time(9, 59, 50)  # after the 09:59 reminder, before 10:00
    (selasa,) = [text for _, chat, text, _ in sent if chat == GROUP and "Rakor Selasa" in text]
    assert "35 menit lagi" in selasa  # sent 34 min 40 s before: read as 35


OFFSETS = ["", "| ingatkan H-3", "| ingatkan H-1, 30 menit", "| ingatkan 30 menit", "| ingatkan 5 menit",
           "| ingatkan 1 menit", "| ingatkan 2 jam", "| ingatkan H"]
COMBINATIONS = [(offsets, at) for offsets in OFFSETS for at in ("07:30", "09:00", "15:00", None)
                if at or not ("menit" in offsets or "jam" in offsets)]


@pytest.mark.parametrize("offsets,at", COMBINATIONS)
@pytest.mark.parametrize("day", range(7))  # Monday 29 January .. Sunday 4 February 2024
def test_every_offset_and_weekday_escalates_after_the_reminders_and_before_the_deadline(catalog, offsets, at, day):
    """The rule itself, for every combination: planned once, after every reminder, before the deadline; when
    it is the 10.00 of a morning, a working one."""
    rt = catalog
    when = date(2024, 1, 29) + timedelta(days=day)
    line = " ".join(p for p in ("rakor Tapin", when.isoformat(), at, "Rakor", offsets) if p)
    with rt.session() as session:
        subscribe(session, rt.clock, GROUP, regions()["63.05"], ADMIN)
        event = add(session, rt.clock, rt.settings, parse_line(line), ADMIN)
        rows = session.exec(select(Reminder).where(Reminder.event_id == event.id)).all()
        deadline = deadline_in(anchor_of(event), event.timezone)
    reminders = [r.due_at for r in rows if r.chat_id == GROUP]
    escalations = {r.chat_id: r.due_at for r in rows if r.offset_key == ESCALATE}
    if not reminders:  # "H" of a 07:30 meeting: the 08:00 reminder would come after it starts
        assert at == "07:30" and offsets == "| ingatkan H" and not escalations, line
        return
    policy = policy_from(rt.settings)
    due = escalation_due(event, policy)
    assert due is not None and max(reminders) < due < deadline, line
    if ADMIN not in escalations:  # the admin (WIB) is in their quiet hours until the meeting starts (07:30 WITA)
        assert after_quiet_hours(policy, due, rt.settings.timezone) >= deadline, line
    for escalation in escalations.values():
        assert max(reminders) < escalation < deadline, line
        assert not policy.in_quiet_hours(escalation.astimezone(ZoneInfo(rt.settings.timezone)).time()), line
        local = escalation.astimezone(WITA)
        if local.time() == time(10, 0):
            assert local.weekday() < 5, line


async def test_a_chat_that_subscribes_after_a_reminder_time_is_not_told_about_it(bot):
    (reply,) = replies(await bot.say("/jadwal_tambah rakor Tapin 2024-01-29 09:00 Rakor koordinasi"))
    assert "✔️ Acara dibuat" in reply.params["text"]
    sent = await dispatch_until(bot, wita(2024, 1, 26, 12))  # nobody subscribed yet: nothing to send
    assert sent == []
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)  # Friday 12:00, after Friday's 08:00 reminder
    sent += await dispatch_until(bot, wita(2024, 1, 29, 8, 30))
    await bot.say("/langganan Tapin", ADMIN, chat_id=LATER_GROUP)  # Monday 08:30, after every reminder
    sent += await dispatch_until(bot, wita(2024, 1, 29, 9, 30))
    await bot.say("/langganan Tapin", ADMIN, chat_id=LATE_GROUP)  # 09:30, the rakor has begun
    sent += await dispatch_until(bot, wita(2024, 1, 31, 9, 30))
    to_group = [(when.astimezone(WITA), text) for when, chat, text, _ in sent if chat == GROUP]
    assert [when.replace(second=0) for when, _ in to_group] == [wita(2024, 1, 29, 7), wita(2024, 1, 29, 8)]
    assert all("Pengingat: Rakor koordinasi" in text for _, text in to_group)
    assert not [c for _, c, _, _ in sent if c in (LATE_GROUP, LATER_GROUP)]
    assert not [text for _, _, text, _ in sent if "Pengingat terlewat" in text]
    with bot.runtime.session() as session:
        assert not session.exec(select(Reminder).where(Reminder.chat_id.in_([LATE_GROUP, LATER_GROUP]))).all()


async def test_a_snooze_on_an_older_reminder_after_done_brings_nothing_back(bot):
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)
    await bot.say("/jadwal_tambah kkpham Tapin 2024-02-09 Batas data dukung")
    sent = await dispatch_until(bot, wita(2024, 2, 6, 12))  # H-7 (Friday 2) and H-3 (Tuesday 6)
    older, newer = [call for _, chat, _, call in sent if chat == GROUP]
    (done,) = replies(await bot.press(newer, "✅ Sudah dikerjakan", ADMIN))
    assert "Ditandai sudah dikerjakan" in done.params["text"]
    calls = await bot.press(older, "⏰ Ingatkan besok", ADMIN)
    (alert,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert alert.params["show_alert"] and "sudah ditandai selesai dikerjakan" in alert.params["text"]
    assert not replies(calls)  # the older message is left as it was
    with bot.runtime.session() as session:
        rows = session.exec(select(Reminder).where(Reminder.chat_id == GROUP)).all()
    assert not [r for r in rows if r.offset_key.startswith("snooze") or r.status == "pending"]
    later = await dispatch_until(bot, wita(2024, 2, 12))
    assert not [text for _, chat, text, _ in later if chat == GROUP]
    assert not bot.api.refusals


async def test_a_snooze_before_done_still_works(bot):
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)
    await bot.say("/jadwal_tambah kkpham Tapin 2024-02-09 Batas data dukung")
    (_, _, _, message), = await dispatch_until(bot, wita(2024, 2, 2, 12))
    (edited,) = replies(await bot.press(message, "⏰ Ingatkan besok", ADMIN))
    assert "Diingatkan lagi Senin, 5 Februari 2024 pukul 08.00 WITA" in edited.params["text"]


@pytest.mark.parametrize("left,shown", [(timedelta(minutes=34, seconds=40), "35 menit lagi"),
                                        (timedelta(minutes=35), "35 menit lagi"),
                                        (timedelta(minutes=14, seconds=29), "14 menit lagi"),
                                        (timedelta(seconds=10), "1 menit lagi"),
                                        (timedelta(minutes=59, seconds=45), "1 jam lagi"),
                                        (timedelta(hours=1, minutes=29), "1 jam lagi"),
                                        (timedelta(hours=1, minutes=30), "2 jam lagi"),
                                        (timedelta(hours=1, minutes=59, seconds=50), "2 jam lagi")])
def test_countdowns_round_to_the_nearest_minute_or_hour(left, shown):
    start = wita(2024, 6, 19, 9)
    event = Event(id=1, kind="rakor", title="Rakor", timezone="Asia/Makassar", start_date=start.date(),
                  start_time=time(9, 0), starts_at=start.astimezone(UTC), scope_kind="provinsi", scope_codes="63",
                  version=1)
    assert countdown(translator("id"), event, "Asia/Makassar", start - left) == shown


async def test_done_on_a_deleted_reminder_is_said_in_a_new_message(bot):
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)
    await bot.say("/jadwal_tambah kkpham Tapin 2024-02-09 Batas data dukung")
    (_, _, _, message), = await dispatch_until(bot, wita(2024, 2, 2, 12))
    await bot.app.bot.delete_message(GROUP, message.result["message_id"])
    calls = await bot.press(message, "✅ Sudah dikerjakan", ADMIN)
    assert [c.method for c in calls if c.method != "getChatMember"] == \
        ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert "Ditandai sudah dikerjakan oleh Pengguna" in calls[-1].params["text"]
    with bot.runtime.session() as session:
        assert session.exec(select(Reminder).where(Reminder.acknowledged_by == ADMIN)).first() is not None
