"""Answering a reminder in a group, as people do: two members press the same button (one app still showing the
original message), a member without a role presses "Sudah dikerjakan" on a whole province's reminder, and Hari HAM,
a commemoration, is announced rather than asked for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core.i18n import translator
from bot.core.models import AuditEntry, Event, Reminder
from bot.domain.access import may_answer_reminder
from bot.domain.people import Grants
from bot.reference import regions
from bot.render.reminders import answer_refusal
from schedules.policy import needs_answer
from tests.conftest import ADMIN, PIC, STAF, VIEWER, replies
from tests.fakes import buttons_of
from tests.test_calendar_handlers import GROUP, reminded
from tests.test_reminder_rules import dispatch_until, wita

MEMBER = 777  # a member of the group with no role
KKP_TAPIN = "/jadwal_tambah kkpham Tapin 2024-03-21 Batas data dukung"
H_7 = datetime(2024, 3, 14, 0, 0, tzinfo=UTC)  # Thursday 14 March 2024, 08:00 WITA


def alert_of(calls) -> dict:
    (alert,) = [c for c in calls if c.method == "answerCallbackQuery"]
    return alert.params


def reminder_rows(bot) -> list[Reminder]:
    with bot.runtime.session() as session:
        return list(session.exec(select(Reminder).where(Reminder.chat_id == GROUP)).all())


def audited(bot) -> list[tuple[str, int]]:
    with bot.runtime.session() as session:
        return [(a.action, a.actor_id) for a in session.exec(
            select(AuditEntry).where(AuditEntry.action.like("reminder.%")).order_by(AuditEntry.id))]


async def test_a_second_snooze_is_answered_quietly_and_the_note_stays_single(bot):
    message = await reminded(bot, KKP_TAPIN, H_7)
    (edited,) = replies(await bot.press(message, "⏰ Ingatkan besok", PIC))
    note = "⏰ Diingatkan lagi Jumat, 15 Maret 2024 pukul 08.00 WITA."
    assert edited.params["text"].endswith("\n\n" + note)
    # a second member, whose app still shows the original message
    calls = await bot.press(message, "⏰ Ingatkan besok", STAF)
    assert not replies(calls)  # no error in the group, the message left as it is
    alert = alert_of(calls)
    assert alert["show_alert"]
    assert alert["text"] == "Pengingat sudah diminta diulang Jumat, 15 Maret 2024 pukul 08.00 WITA oleh Pengguna."
    # a third, on the edited message
    calls = await bot.press(edited, "⏰ Ingatkan besok", ADMIN)
    assert not replies(calls)
    assert "sudah diminta diulang" in alert_of(calls)["text"]
    assert edited.params["text"].count(note) == 1
    assert [r.offset_key for r in reminder_rows(bot)].count("snooze-20240315") == 1
    assert audited(bot) == [("reminder.snooze", PIC)]
    assert not bot.api.refusals


async def test_a_second_done_says_who_marked_it_and_changes_nothing(bot):
    message = await reminded(bot, KKP_TAPIN, H_7)
    (edited,) = replies(await bot.press(message, "✅ Sudah dikerjakan", PIC))
    assert edited.params["text"].endswith("✔️ Ditandai sudah dikerjakan oleh Pengguna.")
    calls = await bot.press(message, "✅ Sudah dikerjakan", STAF)  # the original, still with its buttons
    assert not replies(calls)
    alert = alert_of(calls)
    assert alert["show_alert"]
    assert alert["text"] == "Sudah ditandai sudah dikerjakan oleh Pengguna; tidak ada pengingat lagi di chat ini."
    acknowledged = [(r.acknowledged_by, r.offset_key) for r in reminder_rows(bot) if r.acknowledged_at]
    assert acknowledged == [(PIC, "7d")]
    assert audited(bot) == [("reminder.ack", PIC)]
    assert not bot.api.refusals


@pytest.mark.parametrize("who,allowed", [(PIC, True), (STAF, True), (ADMIN, True), (VIEWER, False), (MEMBER, False)])
async def test_only_a_role_for_the_reminders_places_answers_it(bot, who, allowed):
    """Grup Kalsel gets the reminder of a KKP HAM deadline for all 13 kab/kota of the province."""
    await bot.say("/langganan Kalsel", ADMIN, chat_id=GROUP)
    await bot.say("/jadwal_tambah kkpham Kalsel 2024-03-21 Batas data dukung")
    sent = await dispatch_until(bot, wita(2024, 3, 14, 9))
    (message,) = [call for _, chat, _, call in sent if chat == GROUP]
    assert message.params["text"].count("\n• ") == 13
    for label in ("⏰ Ingatkan besok", "✅ Sudah dikerjakan"):
        calls = await bot.press(message, label, who)
        if allowed:
            assert replies(calls), label
            continue
        assert not replies(calls)
        alert = alert_of(calls)
        assert alert["show_alert"] and alert["text"].startswith(
            "Hanya PIC kab/kota yang diingatkan, staf Bidang HAM Kanwil provinsinya dan admin yang dapat menandai "
            "atau menunda pengingat ini.")
    rows = reminder_rows(bot)
    assert any(r.acknowledged_by == who for r in rows) is allowed
    assert any(r.offset_key.startswith("snooze") for r in rows) is allowed
    if not allowed:  # the province is still reminded, and the staf still hear who did not answer
        later = await dispatch_until(bot, wita(2024, 3, 21, 12))
        assert [t for _, chat, t, _ in later if chat == GROUP]
        assert [t for _, chat, t, _ in later if chat == STAF and "Belum ditanggapi" in t]


def test_who_may_answer_a_reminder():
    tapin, hss, jaksel = regions()["63.05"], regions()["63.06"], regions()["31.74"]
    kalsel = [tapin, hss]
    assert may_answer_reminder(Grants(1, admin=True), [jaksel])
    assert may_answer_reminder(Grants(1, pic=frozenset({"63.05"})), kalsel)
    assert not may_answer_reminder(Grants(1, pic=frozenset({"63.05"})), [hss])
    assert may_answer_reminder(Grants(1, staf=frozenset({"63"})), kalsel)
    assert not may_answer_reminder(Grants(1, staf=frozenset({"31"})), kalsel)
    assert not may_answer_reminder(Grants(1, pemantau=frozenset({"63.05"})), kalsel)
    assert not may_answer_reminder(Grants(1, bound_chat=("63",)), kalsel)
    assert not may_answer_reminder(Grants(1), kalsel)


@pytest.mark.parametrize("g,who", [
    (Grants(1), "Anda belum terdaftar."),
    (Grants(1, pemantau=frozenset({"63.05"})), "Anda pemantau Kabupaten Tapin (hanya dapat melihat)."),
    (Grants(1, pic=frozenset({"31.74"})), "Anda PIC Kota Jakarta Selatan."),
])
def test_the_refusal_names_who_may_and_who_the_presser_is(g, who):
    for lang in ("id", "en"):
        text = answer_refusal(translator(lang), g)
        assert len(text) <= 200
    assert answer_refusal(translator("id"), g).endswith(" " + who)


def test_only_hari_ham_is_announced_without_an_answer():
    assert [k for k in ("rakor", "aksiham", "kkpham", "verifikasi", "hariham", "lain") if not needs_answer(k)] == \
        ["hariham"]


async def test_hari_ham_is_announced_without_buttons_or_a_work_list(bot):
    await bot.say("/langganan Kalsel", ADMIN, chat_id=GROUP)
    await bot.say("/jadwal_tambah hariham nasional 2024-12-10 Peringatan Hari HAM Sedunia")
    sent = await dispatch_until(bot, wita(2024, 12, 9, 12))
    to_group = [call for _, chat, _, call in sent if chat == GROUP]
    assert len(to_group) == 2  # H-3 and H-1
    for call in to_group:
        text = call.params["text"]
        assert text.startswith("⏰ <b>Pengingat: Peringatan Hari HAM Sedunia</b>\nHari HAM · Selasa, 10 Desember 2024")
        assert "Untuk:" not in text and "•" not in text
        assert buttons_of(call) == []
    # an older message's (or forged) button: refused, nothing changed
    with bot.runtime.session() as session:
        row = session.exec(select(Reminder).where(Reminder.chat_id == GROUP)).first()
    await bot.app.process_update(bot.factory.press(to_group[0], f"ra|{row.id}", STAF))
    alert = next(c for c in reversed(bot.api.calls) if c.method == "answerCallbackQuery")
    assert alert.params["text"] == "Pengingat ini hanya pemberitahuan; tidak ada yang perlu ditandai atau ditunda."
    assert not [r for r in reminder_rows(bot) if r.acknowledged_at]


async def test_hari_ham_plans_no_escalation(bot):
    await bot.say("/langganan Kalsel", ADMIN, chat_id=GROUP)
    await bot.say("/jadwal_tambah hariham nasional 2024-12-10 Peringatan Hari HAM Sedunia")
    with bot.runtime.session() as session:
        event = session.exec(select(Event)).one()
        keys = {r.offset_key for r in session.exec(select(Reminder).where(Reminder.event_id == event.id))}
    assert keys and "escalate" not in keys
