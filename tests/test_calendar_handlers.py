"""/jadwal_tambah (line and guided), /jadwal, /jadwal_ubah, /jadwal_batal, /kalender, /langganan,
/aksi and the buttons under a reminder, end to end through the offline Bot API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlmodel import select

from bot.core.models import AksiReport, Event, Reminder, Subscription
from bot.messaging.engine import DeliveryEngine
from bot.telegram.sender import TelegramSender
from tests.conftest import ADMIN, PIC, STAF, VIEWER, refused, replies
from tests.fakes import buttons_of

GROUP = -100123


async def test_one_line_event(bot):
    (reply,) = replies(await bot.say(
        "/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor Aksi HAM B08 | ingatkan 3d,1d,2h"))
    text = reply.params["text"]
    assert "✔️ Acara dibuat:" in text and "<b>Rakor Aksi HAM B08</b> (#1)" in text
    assert "Rapat koordinasi · Rabu, 19 Juni 2024 pukul 09.00 WITA" in text
    assert "Cakupan: Kalimantan Selatan" in text and "Pengingat: H-3, H-1, 2 jam" in text


async def test_malformed_line_creates_nothing(bot):
    (reply,) = replies(await bot.say("/jadwal_tambah rakor Kalsel kemarin Rakor"))
    text = reply.params["text"]
    assert "Tanggal tidak ditemukan" in text and "Tidak ada yang dibuat." in text
    # the example's date is a Wednesday three weeks or more ahead of the clock (25 January 2024)
    assert "/jadwal_tambah rakor Kalsel 21 Februari 2024 09.00 Rakor Aksi HAM B08 | ingatkan H-3, H-1, 2 jam" in text
    with bot.runtime.session() as session:
        assert session.exec(select(Event)).all() == []


async def test_only_admins_manage_events(bot):
    for line in ("/jadwal_tambah rakor Kalsel 2024-06-19 Rakor", "/jadwal_batal 1", "/jadwal_ubah 1 judul X"):
        (reply,) = replies(await bot.say(line, VIEWER))
        assert refused(reply.params["text"])


async def test_guided_conversation(bot):
    (kind,) = replies(await bot.say("/jadwal_tambah"))
    assert "Jenis acara?" in kind.params["text"]
    (scope,) = replies(await bot.press(kind, "Rapat koordinasi"))
    assert "Untuk siapa?" in scope.params["text"]
    (scope_msg,) = replies(await bot.say("Tapin, HSS"))
    assert "Tanggal?" in scope_msg.params["text"]
    labels = [label for label, _ in buttons_of(scope_msg)]
    assert labels[0] == "Januari 2024" and labels[1] == "Sen"
    (next_month,) = replies(await bot.press(scope_msg, "›"))
    assert [label for label, _ in buttons_of(next_month)][0] == "Februari 2024"
    (time_msg,) = replies(await bot.press(next_month, "20"))
    assert "Jam berapa, dalam WITA?" in time_msg.params["text"]
    (title_msg,) = replies(await bot.press(time_msg, "09.00"))
    assert "judul" in title_msg.params["text"]
    (preview,) = replies(await bot.say("Rakor data dukung KKP HAM"))
    assert "Periksa lalu simpan" in preview.params["text"]
    assert "Selasa, 20 Februari 2024 pukul 09.00 WITA" in preview.params["text"]
    assert "Kab. Tapin, Kab. Hulu Sungai Selatan" in preview.params["text"]
    (saved,) = replies(await bot.press(preview, "💾 Simpan"))
    assert "✔️ Acara dibuat" in saved.params["text"]
    with bot.runtime.session() as session:
        event = session.exec(select(Event)).one()
    assert (event.title, event.scope_codes, event.starts_at) == (
        "Rakor data dukung KKP HAM", "63.05,63.06", datetime(2024, 2, 20, 1, 0, tzinfo=UTC))


async def test_guided_conversation_can_be_cancelled(bot):
    (kind,) = replies(await bot.say("/jadwal_tambah"))
    await bot.press(kind, "Hari HAM")
    (reply,) = replies(await bot.say("/batal"))
    assert "Dibatalkan" in reply.params["text"]
    with bot.runtime.session() as session:
        assert session.exec(select(Event)).all() == []


async def test_jadwal_lists_by_region_and_province(bot):
    await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    await bot.say("/jadwal_tambah rakor Kaltim 2024-06-20 09:00 Rakor Kaltim")
    await bot.say("/jadwal_tambah hariham nasional 2024-12-10 Hari HAM")
    (reply,) = replies(await bot.say("/jadwal Tapin", VIEWER))
    text = reply.params["text"]
    assert "<b>Jadwal Kabupaten Tapin</b>" in text
    assert "Rakor Kalsel" in text and "Hari HAM" in text and "Rakor Kaltim" not in text
    assert "Rabu, 19 Juni 2024 pukul 09.00 WITA" in text
    (reply,) = replies(await bot.say("/jadwal Kaltim", VIEWER))
    assert "Rakor Kaltim" in reply.params["text"] and "Rakor Kalsel" not in reply.params["text"]
    (reply,) = replies(await bot.say("/jadwal", ADMIN))
    assert reply.params["text"].count("(#") == 3
    (reply,) = replies(await bot.say("/jadwal", VIEWER))  # their own kab/kota, as /status does
    assert "<b>Jadwal Kabupaten Tapin</b>" in reply.params["text"] and "Cara pakai" not in reply.params["text"]


async def test_jadwal_without_a_name_follows_what_the_chat_is_subscribed_to(bot):
    await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    await bot.say("/langganan Tapin", STAF, chat_id=GROUP)
    (reply,) = replies(await bot.say("/jadwal", 7001, chat_id=GROUP))  # a member of the bound group
    assert "<b>Jadwal Kabupaten Tapin</b>" in reply.params["text"] and "Rakor Kalsel" in reply.params["text"]
    await bot.say("/langganan Tapin", STAF)  # their own private chat, not their province
    (reply,) = replies(await bot.say("/jadwal", STAF))
    assert "<b>Jadwal Kabupaten Tapin</b>" in reply.params["text"], reply.params["text"]


async def test_kalender_sends_an_ics_file(bot):
    await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    calls = await bot.say("/kalender Kalsel", VIEWER)
    (doc,) = [c for c in calls if c.method == "sendDocument"]
    assert doc.params["caption"] == "1 acara mendatang: Provinsi Kalimantan Selatan"
    cal = Calendar.from_ical(next(iter(doc.files.values())))
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["Rakor Kalsel"]
    assert [e["categories"].cats for e in cal.walk("VEVENT")] == [["Rapat koordinasi"]]


async def test_kalender_with_nothing_ahead_answers_as_jadwal_does_and_sends_no_file(bot):
    await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    calls = await bot.say("/kalender Papua", VIEWER)
    assert [c.method for c in calls if c.method in ("sendDocument", "sendMessage")] == ["sendMessage"]
    (reply,) = replies(calls)
    (agenda,) = replies(await bot.say("/jadwal Papua", VIEWER))
    assert reply.params["text"] == agenda.params["text"] == "<b>Jadwal Provinsi Papua</b>\nBelum ada acara mendatang."


async def test_change_and_cancel(bot):
    await bot.say("/jadwal_tambah rakor Tapin 2024-06-19 09:00 Rakor")
    (moved,) = replies(await bot.say("/jadwal_ubah 1 tanggal 2024-06-21 10:00"))
    assert "Jadwal dipindahkan; yang sudah menerima pengingat diberi tahu." in moved.params["text"]
    assert "Jumat, 21 Juni 2024 pukul 10.00 WITA" in moved.params["text"]
    (retitled,) = replies(await bot.say("/jadwal_ubah 1 judul Rakor Evaluasi B04"))
    assert "<b>Rakor Evaluasi B04</b>" in retitled.params["text"]
    (bad,) = replies(await bot.say("/jadwal_ubah 1 ingatkan 3x"))
    assert "Pengingat “3x” tidak sah" in bad.params["text"]
    (missing,) = replies(await bot.say("/jadwal_ubah 99 judul X"))
    assert "Acara #99 tidak ada." in missing.params["text"]
    (gone,) = replies(await bot.say("/jadwal_batal 1"))
    assert "Acara dibatalkan; yang sudah menerima pengingat diberi tahu." in gone.params["text"]
    (again,) = replies(await bot.say("/jadwal_batal 1"))
    assert "sudah dibatalkan" in again.params["text"]


async def test_confirming_a_template_draft(bot):
    from schedules.template import load_template

    with bot.runtime.session() as session:
        drafts = load_template(session, bot.runtime.clock, 2024, "Asia/Jakarta", None)
    target = next(e for e in drafts if e.kind == "hariham")
    listed = replies(await bot.say("/jadwal"))
    assert "Draf: tanggal perlu dikonfirmasi" in listed[0].params["text"]
    (reply,) = replies(await bot.say(f"/jadwal_ubah {target.id} konfirmasi 2024-12-10 09:00"))
    assert "dikonfirmasi" in reply.params["text"] and "Selasa, 10 Desember 2024 pukul 09.00 WIB" in reply.params["text"]


async def test_a_new_date_without_a_time_keeps_the_time_and_its_reminders(bot):
    """A rakor moved (or a draft confirmed) to another day, with no time written, still starts at 09.00 and keeps
    the reminder two hours before: the staf typed a date, not "all day"."""
    (made,) = replies(await bot.say("/jadwal_tambah rakor Tapin 2024-06-19 09:00 Rakor | ingatkan H-1, 2 jam"))
    assert "Acara dibuat" in made.params["text"], made.params["text"]
    (moved,) = replies(await bot.say("/jadwal_ubah 1 tanggal 2024-06-21"))
    assert "Jumat, 21 Juni 2024 pukul 09.00 WITA" in moved.params["text"]
    assert "2 jam" in moved.params["text"]
    (retimed,) = replies(await bot.say("/jadwal_ubah 1 tanggal 2024-06-24 13.30"))
    assert "Senin, 24 Juni 2024 pukul 13.30 WITA" in retimed.params["text"]


async def test_langganan_binds_the_chat(bot):
    (reply,) = replies(await bot.say("/langganan Kalsel", ADMIN, chat_id=GROUP))
    assert "Chat ini menerima pengingat untuk Provinsi Kalimantan Selatan" in reply.params["text"]
    (reply,) = replies(await bot.say("/langganan Kalsel", ADMIN, chat_id=GROUP))
    assert "sudah menerima" in reply.params["text"]
    (reply,) = replies(await bot.say("/langganan Tapin", VIEWER, chat_id=GROUP))
    assert refused(reply.params["text"])
    with bot.runtime.session() as session:
        assert [s.target_code for s in session.exec(select(Subscription))] == ["63"]


async def test_aksi_records_a_report(bot):
    """The old form (a period and a score) still records the period's nilai capaian (tests/test_aksi*.py: by action)."""
    (reply,) = replies(await bot.say("/aksi Tapin B08 2024 87,5"))
    text = reply.params["text"]
    assert "✔️ Nilai capaian Aksi HAM B08 2024 dicatat: 87,5." in text
    assert "Target capaian: 60 (sesuai pengaturan)" in text
    assert "B04 (Januari–April): 0 dari 6 aksi dilaporkan · belum ada nilai capaian" in text
    assert ("B08 (Januari–Agustus): dilaporkan per periode, rincian per aksi belum tercatat · nilai capaian "
            "<b>87,5</b> (dinilai per periode) · mencapai target") in text
    assert "B12 (Januari–Desember): 0 dari 6 aksi dilaporkan · belum ada nilai capaian" in text
    assert "Rata-rata nilai capaian sejauh ini (1 periode): <b>87,5</b>" in text
    (view,) = replies(await bot.say("/aksi Tapin", VIEWER))
    assert "nilai capaian <b>87,5</b> (dinilai per periode)" in view.params["text"]
    (denied,) = replies(await bot.say("/aksi Tapin B12", VIEWER))
    assert refused(denied.params["text"])
    with bot.runtime.session() as session:
        assert len(session.exec(select(AksiReport)).all()) == 1


async def reminded(bot, line: str, when: datetime):
    """Subscribe Tapin's chat, create the event, let the clock reach ``when`` and dispatch."""
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)
    await bot.say(line)
    bot.runtime.clock.set(when)
    dispatcher = DeliveryEngine(bot.runtime.engine, bot.runtime.clock, lambda: bot.runtime.settings,
                            TelegramSender(bot.app.bot))
    await dispatcher.run_once()
    return next(c for c in reversed(bot.api.calls) if c.method == "sendMessage" and c.params["chat_id"] == GROUP)


async def test_reminder_buttons_acknowledge(bot):
    message = await reminded(bot, "/jadwal_tambah kkpham Tapin 2024-03-21 Batas data dukung",
                             datetime(2024, 3, 14, 0, 0, tzinfo=UTC))
    assert "Pengingat: Batas data dukung" in message.params["text"]
    (edited,) = replies(await bot.press(message, "✅ Sudah dikerjakan", PIC))
    assert "Ditandai sudah dikerjakan oleh Pengguna" in edited.params["text"]
    assert not edited.params.get("reply_markup")
    # the reminder is edited with its formatting as it was sent: Telegram hands the bot back the text and its
    # entities (the stand-in does too), not the HTML, and the bold title must not come back as "&lt;b&gt;"
    assert edited.params["text"].startswith(message.params["text"].split("\n")[0])
    assert "&lt;" not in edited.params["text"]
    with bot.runtime.session() as session:
        tapin_rows = session.exec(select(Reminder).where(Reminder.chat_id == GROUP)).all()
    assert {r.status for r in tapin_rows} == {"sent", "cancelled"}
    assert any(r.acknowledged_by == PIC for r in tapin_rows)


async def test_reminder_buttons_snooze_and_show_what_is_missing(bot):
    message = await reminded(bot, "/jadwal_tambah kkpham Tapin 2024-03-21 Batas data dukung",
                             datetime(2024, 3, 14, 0, 0, tzinfo=UTC))
    (edited,) = replies(await bot.press(message, "⏰ Ingatkan besok", PIC))
    assert "Diingatkan lagi Jumat, 15 Maret 2024 pukul 08.00 WITA" in edited.params["text"]
    with bot.runtime.session() as session:
        snoozed = session.exec(select(Reminder).where(Reminder.offset_key == "snooze-20240315")).one()
    assert snoozed.due_at == datetime(2024, 3, 15, 0, 0, tzinfo=UTC)
    calls = replies(await bot.press(message, "Lihat yang belum lengkap", VIEWER))
    assert "120 indikator belum lengkap" in calls[-1].params["text"]


async def press_old_snooze(bot, message, user_id: int):
    """"Ingatkan besok" pressed on an older message that still carries it (sent before the button was left out)."""
    (ack,) = [d for _, d in buttons_of(message) if d.startswith("ra|")]
    before = len(bot.api.calls)
    await bot.app.process_update(bot.factory.press(message, "rz|" + ack.split("|", 1)[1], user_id))
    return next(c for c in bot.api.calls[before:] if c.method == "answerCallbackQuery")


@pytest.mark.parametrize("line,when,labels,answer", [
    ("/jadwal_tambah rakor Tapin 2024-03-21 09:00 Rakor", datetime(2024, 3, 20, 23, 0, tzinfo=UTC),  # 07:00 WITA
     ["✅ Sudah dikerjakan"], "Acaranya dimulai sebelum besok pagi, sehingga pengingat tidak dapat ditunda."),
    ("/jadwal_tambah kkpham Tapin 2024-03-21 Batas data dukung", datetime(2024, 3, 21, 0, 0, tzinfo=UTC),  # hari H
     ["✅ Sudah dikerjakan", "Lihat yang belum lengkap"],
     "Tenggatnya sebelum besok pagi, sehingga pengingat tidak dapat ditunda."),
])
async def test_no_snooze_button_when_tomorrow_morning_is_too_late(bot, line, when, labels, answer):
    message = await reminded(bot, line, when)
    assert [label for label, _ in buttons_of(message)] == labels
    alert = await press_old_snooze(bot, message, PIC)
    assert alert.params["text"] == answer and alert.params["show_alert"]
    with bot.runtime.session() as session:
        assert not session.exec(select(Reminder).where(Reminder.offset_key.like("snooze%"))).all()


async def test_the_snooze_button_is_offered_while_tomorrow_morning_is_still_ahead(bot):
    message = await reminded(bot, "/jadwal_tambah rakor Tapin 2024-03-21 09:00 Rakor",
                             datetime(2024, 3, 20, 0, 0, tzinfo=UTC))  # H-1, 08:00 WITA
    assert [label for label, _ in buttons_of(message)] == ["✅ Sudah dikerjakan", "⏰ Ingatkan besok"]
    (edited,) = replies(await bot.press(message, "⏰ Ingatkan besok", PIC))
    assert "Diingatkan lagi Kamis, 21 Maret 2024 pukul 08.00 WITA" in edited.params["text"]


@pytest.mark.parametrize("typed,shown", [
    ("2024-12-03", "Selasa, 3 Desember 2024"), ("03-12-2024", "Selasa, 3 Desember 2024"),
    ("3/12/2024", "Selasa, 3 Desember 2024"), ("3 Des 2024", "Selasa, 3 Desember 2024"),
    ("3 Desember 2024", "Selasa, 3 Desember 2024"), ("besok", "Jumat, 26 Januari 2024"),
    ("lusa", "Sabtu, 27 Januari 2024"), ("Senin depan", "Senin, 29 Januari 2024"),
])
async def test_dates_as_people_type_them(bot, typed, shown):
    # the clock: Thursday 25 January 2024, 10:00 WITA
    (reply,) = replies(await bot.say(f"/jadwal_tambah rakor Kalsel {typed} 09.00 Rakor"))
    assert f"Rapat koordinasi · {shown} pukul 09.00 WITA" in reply.params["text"]


async def test_relative_dates_are_read_in_the_regions_zone(bot):
    from bot.core.clock import FixedClock

    # 23:30 WIB on Thursday is already Friday 01:30 WIT in Papua
    bot.runtime.clock = FixedClock(datetime(2024, 1, 25, 16, 30, tzinfo=UTC))
    (papua,) = replies(await bot.say("/jadwal_tambah rakor Papua besok 09.00 Rakor"))
    assert "Sabtu, 27 Januari 2024 pukul 09.00 WIT" in papua.params["text"]
    (jakarta,) = replies(await bot.say("/jadwal_tambah rakor Jakarta besok 09.00 Rakor"))
    assert "Jumat, 26 Januari 2024 pukul 09.00 WIB" in jakarta.params["text"]


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "3 Des 2030"])
async def test_dates_outside_the_window_are_refused(bot, typed):
    (reply,) = replies(await bot.say(f"/jadwal_tambah rakor Kalsel {typed} Rakor"))
    text = reply.params["text"]
    assert "di luar rentang yang diterima: 1 Januari 2023 sampai 31 Desember 2029" in text
    assert "Tidak ada yang dibuat." in text
    (moved,) = replies(await bot.say(f"/jadwal_ubah 1 tanggal {typed}"))
    assert "Acara #1 tidak ada" in moved.params["text"] or "di luar rentang" in moved.params["text"]


async def test_a_date_already_past_is_refused_and_changes_nothing(bot):
    # the clock: Thursday 25 January 2024, 10:00 WITA
    (reply,) = replies(await bot.say("/jadwal_tambah kkpham Tapin 24 Januari 2024 Tenggat lama"))
    assert reply.params["text"].startswith(
        "⚠️ Tanggal 24 Januari 2024 sudah lewat: acara hanya dapat dijadwalkan pada hari ini atau sesudahnya.\n"
        "Tidak ada yang dibuat.")
    (earlier,) = replies(await bot.say("/jadwal_tambah rakor Kalsel 25-01-2024 09.00 Rakor"))
    assert earlier.params["text"].startswith(
        "⚠️ Waktu 25 Januari 2024 pukul 09.00 sudah lewat: acara hanya dapat dijadwalkan pada waktu yang akan "
        "datang.\nTidak ada yang dibuat.")
    with bot.runtime.session() as session:
        assert session.exec(select(Event)).all() == []
    (today,) = replies(await bot.say("/jadwal_tambah kkpham Tapin 25-01-2024 Tenggat hari ini"))
    assert "✔️ Acara dibuat:" in today.params["text"] and "hari ini" in today.params["text"]
    (moved,) = replies(await bot.say("/jadwal_ubah 1 tanggal 2024-01-20"))
    assert "Tanggal 20 Januari 2024 sudah lewat" in moved.params["text"]
    with bot.runtime.session() as session:
        (event,) = session.exec(select(Event)).all()
        assert (event.start_date, event.version) == (datetime(2024, 1, 25).date(), 1)


async def test_a_cancelled_event_lists_no_reminders(bot):
    await bot.say("/jadwal_tambah rakor Tapin 2024-06-19 09:00 Rakor")
    (gone,) = replies(await bot.say("/jadwal_batal 1"))
    text = gone.params["text"]
    assert "<i>Dibatalkan.</i>" in text and "Pengingat:" not in text


async def test_three_h_is_refused_in_the_one_line_form(bot):
    (reply,) = replies(await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor | ingatkan 3h"))
    assert "bisa berarti H-3 (3 hari sebelum) atau 3 jam sebelum" in reply.params["text"]


async def test_window_counts_down_to_opening_then_close(bot):
    from bot.core.clock import FixedClock

    await bot.say("/jadwal_tambah aksiham Kalsel 2024-01-31..2024-02-06 Pelaporan Aksi HAM B04")
    (before,) = replies(await bot.say("/jadwal Kalsel"))
    assert "dibuka H-6" in before.params["text"]
    bot.runtime.clock = FixedClock(datetime(2024, 2, 4, 2, 0, tzinfo=UTC))
    (during,) = replies(await bot.say("/jadwal Kalsel"))
    assert "ditutup H-2" in during.params["text"]


async def test_far_countdowns_read_in_days_not_h_minus(bot):
    """Staff count down "H-14" at most: a window opening in 144 days reads "dibuka 144 hari lagi" beside its
    dates, never "dibuka H-144"; two weeks ahead is still "H-14"."""
    from bot.core.i18n import translator
    from bot.render.calendar import days_word

    await bot.say("/jadwal_tambah aksiham Kalsel 2024-06-17..2024-06-24 Pelaporan Aksi HAM B08")
    await bot.say("/jadwal_tambah rakor Kalsel 2024-02-08 09:00 Rakor data dukung")
    (agenda,) = replies(await bot.say("/jadwal Kalsel"))
    text = agenda.params["text"]
    assert "Senin, 17 Juni 2024 s.d. Senin, 24 Juni 2024 · dibuka 144 hari lagi" in text
    assert "Kamis, 8 Februari 2024 pukul 09.00 WITA · H-14" in text
    assert "H-144" not in text
    assert days_word(translator("en"), 144) == "in 144 days" and days_word(translator("en"), 14) == "in 14 days"
    assert days_word(translator("id"), 1500) == "1.500 hari lagi"


async def test_admins_agenda_shows_each_event_in_its_zone(bot):
    await bot.say("/jadwal_tambah rakor Kalsel 2024-06-19 09:00 Rakor Kalsel")
    await bot.say("/jadwal_tambah rakor Papua 2024-06-20 09:00 Rakor Papua")
    (reply,) = replies(await bot.say("/jadwal", ADMIN))
    text = reply.params["text"]
    assert "Rabu, 19 Juni 2024 pukul 09.00 WITA" in text and "Kamis, 20 Juni 2024 pukul 09.00 WIT" in text


async def test_drafts_are_shown_to_staff_only(bot):
    from schedules.template import load_template
    from tests.conftest import grant

    with bot.runtime.session() as session:
        load_template(session, bot.runtime.clock, 2024, "Asia/Jakarta", None)
    grant(bot.runtime, 4242, "pic", "63.05")
    grant(bot.runtime, 4343, "staf", "63")
    pic = replies(await bot.say("/jadwal Kalsel", 4242, chat_id=4242))
    staf = replies(await bot.say("/jadwal Kalsel", 4343, chat_id=4343))
    assert "Draf" not in " ".join(r.params["text"] for r in pic)
    assert "Draf: tanggal perlu dikonfirmasi" in staf[0].params["text"]


async def test_aksi_target_is_a_setting_and_the_gap_is_shown(bot):
    bot.runtime.settings = bot.runtime.settings.model_copy(update={"aksi_target": 90})
    await bot.say("/aksi Tapin B04 2024 70")
    (reply,) = replies(await bot.say("/aksi Tapin B08 2024 80"))
    text = reply.params["text"]
    assert "Target capaian: 90 (sesuai pengaturan)" in text  # no target in the data for 2024
    assert "nilai capaian <b>70</b> (dinilai per periode) · kurang 20 dari target" in text
    assert "Rata-rata nilai capaian sejauh ini (2 periode): <b>75</b> · kurang 15 dari target" in text


async def test_aksi_with_an_invalid_period_says_so(bot):
    (reply,) = replies(await bot.say("/aksi Tapin B13"))
    assert "Periode “B13” tidak sah; pakai salah satu periode Aksi HAM: B04, B08, B12 (laporan kumulatif sejak " \
        "Januari)." in reply.params["text"]


async def test_forged_reminder_buttons_are_refused_and_change_nothing(bot):
    """A person with no role forges ``ra|<id>`` / ``rz|<id>`` from their own chat: refused, nothing changes."""
    from bot.core.models import AuditEntry

    message = await reminded(bot, "/jadwal_tambah kkpham Tapin 2024-03-21 Batas data dukung",
                             datetime(2024, 3, 14, 0, 0, tzinfo=UTC))
    (ack_data, snooze_data) = [d for _, d in buttons_of(message) if d.startswith(("ra|", "rz|"))]
    stranger = 999
    await bot.say("/start", stranger)  # the stranger's own private chat
    own_chat_message = bot.api.last()
    for data in (ack_data, snooze_data):
        await bot.app.process_update(bot.factory.press(own_chat_message, data, stranger))
        alert = next(c for c in reversed(bot.api.calls) if c.method == "answerCallbackQuery")
        assert alert.params.get("show_alert"), data
    for data in ("ra|99999999999999999999", "rz|-1"):  # out of range: a quiet answer, no alert
        await bot.app.process_update(bot.factory.press(own_chat_message, data, stranger))
        answer = next(c for c in reversed(bot.api.calls) if c.method == "answerCallbackQuery")
        assert answer.params == {"callback_query_id": answer.params["callback_query_id"],
                                 "text": "Tombol ini sudah tidak berlaku."}, data
    # in the group itself, someone who is not a member of it
    bot.api.member_status[(GROUP, stranger)] = "left"
    calls = await bot.press(message, "✅ Sudah dikerjakan", stranger)
    alert = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "hanya untuk anggota" in alert.params["text"]
    with bot.runtime.session() as session:
        rows = session.exec(select(Reminder).where(Reminder.chat_id == GROUP)).all()
        assert all(r.acknowledged_by is None for r in rows)
        assert {r.offset_key for r in rows if r.offset_key.startswith("snooze")} == set()
        assert not session.exec(select(AuditEntry).where(AuditEntry.action.like("reminder.%"))).all()
    assert not bot.api.refusals


async def test_answering_a_reminder_is_audited(bot):
    from bot.core.models import AuditEntry

    message = await reminded(bot, "/jadwal_tambah kkpham Tapin 2024-03-21 Batas data dukung",
                             datetime(2024, 3, 14, 0, 0, tzinfo=UTC))
    await bot.press(message, "⏰ Ingatkan besok", PIC)
    await bot.press(message, "✅ Sudah dikerjakan", PIC)
    with bot.runtime.session() as session:
        actions = [(a.action, a.actor_id, a.region_code) for a in session.exec(select(AuditEntry).where(
            AuditEntry.action.like("reminder.%")))]
    assert actions == [("reminder.snooze", PIC, "63.05"), ("reminder.ack", PIC, "63.05")]


async def test_a_new_events_card_says_which_reminders_are_already_over(bot):
    """Thursday 25 January 2024, 10.00 WITA: a rakor on Tuesday has missed its H-7, one today at 14.00 all but its
    "2 jam"; those are not planned, and the card does not promise them."""
    await bot.say("/langganan Tapin", ADMIN, chat_id=GROUP)
    (reply,) = replies(await bot.say("/jadwal_tambah rakor Kalsel 2024-01-30 09:00 Rakor Selasa", STAF))
    assert "Pengingat: H-3, H-1, hari H, 2 jam (H-7 sudah lewat)" in reply.params["text"]
    (reply,) = replies(await bot.say("/jadwal_tambah rakor Kalsel 2024-01-25 14:00 Rakor siang", STAF))
    assert "Pengingat: 2 jam (H-7, H-3, H-1, hari H sudah lewat)" in reply.params["text"]
    with bot.runtime.session() as session:
        event = session.exec(select(Event).where(Event.title == "Rakor siang")).one()
        keys = {r.offset_key for r in session.exec(select(Reminder).where(Reminder.event_id == event.id))}
    assert "2h" in keys and not keys & {"7d", "3d", "1d", "0d"}


async def test_reminders_moved_onto_one_past_morning_are_all_over(bot):
    """Sunday 28 January 2024, 00.30 WITA: a rakor on Monday with H-3 and H-1; both moved back to Friday's
    08.00 (the weekend), which is over: neither is promised."""
    bot.runtime.clock.set(datetime(2024, 1, 27, 16, 30, tzinfo=UTC))
    (reply,) = replies(await bot.say("/jadwal_tambah rakor Kalsel 2024-01-29 09:00 Rakor Senin | ingatkan H-3, H-1",
                                     STAF))
    assert "Pengingat: tidak ada lagi (H-3, H-1 sudah lewat)" in reply.params["text"]
