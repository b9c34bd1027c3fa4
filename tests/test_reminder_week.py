"""A week of reminders with groups and staf in three zones, through the Application, the planner's tick and the
delivery engine: a group that leaves and comes back gets every reminder after its new binding (and nothing
twice); the escalation shows each staf member their own province (an admin every one), reaches nobody in their
quiet hours, and leaves out a kab/kota whose own group answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from bot.core.models import Reminder
from bot.messaging.engine import DeliveryEngine
from bot.telegram.sender import TelegramSender
from schedules.incremental import IncrementalPlanner, plan_now
from tests.conftest import ADMIN, STAF, grant, replies

WITA, WIB, WIT = ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")
G_KALSEL, G_TAPIN, G_JAKSEL, G_PAPUA = -100601, -100602, -100603, -100604
STAF_JK, STAF_PA = 334, 335  # staf of DKI Jakarta and of Papua (STAF: Kalimantan Selatan)


def at(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


async def run_until(bot, planner: IncrementalPlanner, until: datetime) -> list[tuple[datetime, int, str, object]]:
    """Plan what changed (the tick), then send each row when it falls due, as the timer does: (when, chat,
    text, call) of every message sent."""
    rt = bot.runtime
    engine = DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(bot.app.bot))
    sent = []
    for _ in range(500):
        plan_now(rt, planner)
        with rt.session() as session:
            due = session.exec(select(func.min(Reminder.due_at)).where(Reminder.status == "pending")).one()
        if due is None or due > until:
            break
        rt.clock.set(max(due + timedelta(seconds=20), rt.clock.now()))
        bot.time.t += 3600  # the stand-in's sending limits run on their own clock
        before = len(bot.api.calls)
        await engine.run_once()
        sent += [(rt.clock.now(), int(c.params["chat_id"]), c.params["text"], c)
                 for c in bot.api.calls[before:] if c.method == "sendMessage"]
    rt.clock.set(max(until, rt.clock.now()))
    plan_now(rt, planner)
    return sent


async def bind(bot, chat: int, place: str) -> None:
    await bot.app.process_update(bot.factory.my_member(chat, "member", ADMIN, f"Grup {place}"))
    (reply,) = replies(await bot.say(f"/langganan {place}", ADMIN, chat_id=chat))
    assert "✔️ Chat ini menerima pengingat untuk" in reply.params["text"], reply.params["text"]


async def add_event(bot, line: str) -> None:
    (reply,) = replies(await bot.say(f"/jadwal_tambah {line}"))
    assert "✔️ Acara dibuat" in reply.params["text"], reply.params["text"]


def reminders_to(sent, chat: int, title: str) -> list[datetime]:
    return [when for when, to, text, _ in sent if to == chat and f"Pengingat: {title}" in text]


def escalations_to(sent, person: int, title: str) -> list[tuple[datetime, str]]:
    return [(when, text) for when, to, text, _ in sent if to == person and f"Belum ditanggapi: {title}" in text]


async def test_a_group_removed_and_added_again_gets_every_reminder_after_its_new_binding(bot):
    """Thursday 25 January 2024: a KKP HAM deadline on Friday 2 February (H-7 Fri 26, H-3 Tue 30, H-1 Thu 1,
    hari H Fri 2, 08.00 WITA). Grup Tapin removes the bot on Saturday and Grup Kalsel says /berhenti; both bind
    again on Monday 07.30: each gets Tuesday's, Thursday's and Friday's reminder, and Friday 26's only once."""
    planner = IncrementalPlanner()
    bot.api.register_chat(STAF)
    await bind(bot, G_TAPIN, "Tapin")
    await bind(bot, G_KALSEL, "Kalsel")
    title = "Batas data dukung KKP HAM"
    await add_event(bot, f"kkpham Kalsel 2024-02-02 {title}")
    sent = await run_until(bot, planner, at(WITA, 2024, 1, 27, 10))
    for chat in (G_TAPIN, G_KALSEL):
        assert reminders_to(sent, chat, title) == [at(WITA, 2024, 1, 26, 8, 0, 20)]
    await bot.app.process_update(bot.factory.my_member(G_TAPIN, "kicked", ADMIN))
    (reply,) = replies(await bot.say("/berhenti", ADMIN, chat_id=G_KALSEL))
    assert "tidak lagi menerima pengingat" in reply.params["text"]
    sent += await run_until(bot, planner, at(WITA, 2024, 1, 29, 7, 30))
    await bind(bot, G_TAPIN, "Tapin")
    await bind(bot, G_KALSEL, "Kalsel")
    sent += await run_until(bot, planner, at(WITA, 2024, 2, 2, 12))
    assert not bot.api.refusals
    for chat in (G_TAPIN, G_KALSEL):
        assert [when.astimezone(WITA).strftime("%a %d %H.%M") for when in reminders_to(sent, chat, title)] == [
            "Fri 26 08.00", "Tue 30 08.00", "Thu 01 08.00", "Fri 02 08.00"], chat


async def test_a_group_that_answered_and_comes_back_still_hears_nothing_more(bot):
    """"Sudah dikerjakan" stays an answer: binding the group again does not bring the reminders back."""
    planner = IncrementalPlanner()
    bot.api.register_chat(STAF)
    await bind(bot, G_TAPIN, "Tapin")
    title = "Batas data dukung KKP HAM"
    await add_event(bot, f"kkpham Tapin 2024-02-02 {title}")
    sent = await run_until(bot, planner, at(WITA, 2024, 1, 26, 9))
    (first,) = [c for _, to, text, c in sent if to == G_TAPIN]
    await bot.press(first, "✅ Sudah dikerjakan", ADMIN)
    await bot.say("/berhenti", ADMIN, chat_id=G_TAPIN)
    sent += await run_until(bot, planner, at(WITA, 2024, 1, 29, 7, 30))
    await bind(bot, G_TAPIN, "Tapin")
    sent += await run_until(bot, planner, at(WITA, 2024, 2, 2, 12))
    assert reminders_to(sent, G_TAPIN, title) == [at(WITA, 2024, 1, 26, 8, 0, 20)]


async def test_the_escalation_of_a_national_deadline_shows_each_staf_their_own_province(bot):
    """A national deadline on Wednesday 31 January: staf Kalsel reads Kalsel's kab/kota, staf DKI DKI's, the
    admin both."""
    planner = IncrementalPlanner()
    for person, code in ((STAF_JK, "31"), (STAF_PA, "91")):
        grant(bot.runtime, person, "staf", code)
    for person in (STAF, STAF_JK, STAF_PA):
        bot.api.register_chat(person)
    await bind(bot, G_KALSEL, "Kalsel")
    await bind(bot, G_JAKSEL, "Jakarta Selatan")
    title = "Batas data dukung KKP HAM"
    await add_event(bot, f"kkpham nasional 2024-01-31 {title}")
    sent = await run_until(bot, planner, at(WIB, 2024, 1, 31, 23))
    assert not bot.api.refusals
    (kalsel,) = [text for _, text in escalations_to(sent, STAF, title)]
    (dki,) = [text for _, text in escalations_to(sent, STAF_JK, title)]
    (everyone,) = [text for _, text in escalations_to(sent, ADMIN, title)]
    assert "13 kab/kota sudah diingatkan tetapi belum menanggapi:" in kalsel
    assert "• Kab. Tapin: " in kalsel and "Jakarta" not in kalsel
    assert "1 kab/kota sudah diingatkan tetapi belum menanggapi:" in dki
    assert "• Kota Jakarta Selatan: " in dki and "Tapin" not in dki
    assert "14 kab/kota sudah diingatkan tetapi belum menanggapi:" in everyone
    assert "• Kab. Tapin: " in everyone and "• Kota Jakarta Selatan: " in everyone
    assert escalations_to(sent, STAF_PA, title) == []  # nobody in Papua was reminded


async def test_no_escalation_reaches_a_reader_in_their_quiet_hours(bot):
    """Papua's rakor at 09.30 WIT escalates at 08.45 WIT to its staf, and to the admin (WIB, quiet until 07.00)
    at 07.00 WIB; one at 09.00 WIT would reach the admin at 06.30 WIB: at 07.00 WIB it has begun, so the
    admin is not told (Papua's staf are, at 08.30 WIT)."""
    planner = IncrementalPlanner()
    bot.api.register_chat(STAF)
    grant(bot.runtime, STAF_PA, "staf", "91")
    bot.api.register_chat(STAF_PA)
    await bind(bot, G_PAPUA, "Papua")
    await add_event(bot, "rakor Papua 2024-01-29 09:30 Rakor setengah sepuluh")
    await add_event(bot, "rakor Papua 2024-01-29 09:00 Rakor pukul sembilan")
    sent = await run_until(bot, planner, at(WIT, 2024, 1, 29, 12))
    assert not bot.api.refusals
    assert [when for when, _ in escalations_to(sent, STAF_PA, "Rakor setengah sepuluh")] == [
        at(WIT, 2024, 1, 29, 8, 45, 20)]
    assert [when for when, _ in escalations_to(sent, ADMIN, "Rakor setengah sepuluh")] == [
        at(WIB, 2024, 1, 29, 7, 0, 20)]
    assert [when for when, _ in escalations_to(sent, STAF_PA, "Rakor pukul sembilan")] == [
        at(WIT, 2024, 1, 29, 8, 30, 20)]
    assert escalations_to(sent, ADMIN, "Rakor pukul sembilan") == []
    for when, to, text, _ in sent:
        if "Belum ditanggapi" in text:
            zone = WIT if to == STAF_PA else WIB
            assert when.astimezone(zone).hour >= 7, (to, when)


async def test_a_kab_kota_whose_own_group_answered_is_not_escalated(bot):
    """Grup Tapin presses "Sudah dikerjakan" at 08.10 WITA; Grup Kalsel (the province) does not: the 08.30
    escalation of the 09.00 rakor lists 12 kab/kota, not Tapin."""
    planner = IncrementalPlanner()
    bot.api.register_chat(STAF)
    await bind(bot, G_KALSEL, "Kalsel")
    await bind(bot, G_TAPIN, "Tapin")
    title = "Rakor persiapan B04"
    await add_event(bot, f"rakor Kalsel 2024-01-29 09:00 {title}")
    sent = await run_until(bot, planner, at(WITA, 2024, 1, 29, 8, 10))
    tapin = [c for when, to, text, c in sent if to == G_TAPIN and when.astimezone(WITA).day == 29]
    await bot.press(tapin[-1], "✅ Sudah dikerjakan", ADMIN)
    sent = await run_until(bot, planner, at(WITA, 2024, 1, 29, 12))
    for person in (STAF, ADMIN):
        ((when, text),) = escalations_to(sent, person, title)
        assert when == at(WITA, 2024, 1, 29, 8, 30, 20)
        assert "12 kab/kota sudah diingatkan tetapi belum menanggapi:" in text
        assert "Tapin" not in text and "• Kab. Banjar" in text

