"""``/riwayat``: every action the code records reads as one plain sentence: who did what to which indicator
or event. No raw keys ("reminder.ack."), no fragments ("impor progres."), the right actor."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.models import AuditEntry, Reminder
from bot.reference import provinces, regions
from bot.render.history import SENTENCES
from tests.conftest import ADMIN, PIC, STAF, VIEWER, replies

ROOT = Path(__file__).resolve().parent.parent
NEW_PIC = 7001
GROUP, KICKED_GROUP, PROVINCE_GROUP = -100321, -100322, -100323
RAW = re.compile(r"\b(?:checklist|event|binding|invite|subscription|broadcast|aksi|evidence|reminder)\.|[{}]|\bNone\b"
                 r"|\b(?:file|chat|user|event|invite):|event#|broadcast#|63\.05")


def recorded_actions() -> set[str]:
    """Every action literal passed to ``audit.record`` or an ``_audit`` helper anywhere in the code."""
    found: set[str] = set()
    call = re.compile(r"(?:audit\.record|\b_audit)\((?:[^\"()]|\([^()]*\))*?\"([a-z]+\.[a-z]+)\"", re.S)
    for folder in ("bot", "handlers", "schedules"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(call.findall(path.read_text()))
    return found


def test_every_action_the_code_records_has_a_sentence():
    actions = recorded_actions()
    assert {"checklist.state", "reminder.ack", "reminder.snooze", "checklist.import", "evidence.attach"} <= actions
    assert len(actions) >= 18
    assert actions <= set(SENTENCES), actions - set(SENTENCES)


@pytest.fixture
async def world(bot):
    """Each kind of entry, written by the code that writes it in production."""
    from bot.domain import evidence
    from bot.domain.people import Grants
    from bot.io import aksi_import, progress_import
    from bot.io.spreadsheets import Table
    from bot.messaging.broadcasts import confirm as confirm_broadcast
    from bot.messaging.broadcasts import create as create_broadcast
    from schedules.actions import acknowledge, snooze
    from schedules.calendar import parse_line
    from schedules.events import add, cancel, confirm, edit, move
    from schedules.planner import Planned, insert_rows

    rt = bot.runtime
    tapin = regions()["63.05"]
    bot.api.register_chat(GROUP, "supergroup", "Grup HAM Tapin")
    bot.api.register_chat(KICKED_GROUP, "supergroup", "Grup Lama")
    bot.api.register_chat(PROVINCE_GROUP, "supergroup", "Grup HAM Kalsel")
    await bot.say("/tandai Tapin 1.01 lengkap https://drive.example/perda.pdf", PIC)
    (invite,) = replies(await bot.say("/undang pic Tapin", STAF))
    token = re.search(r"start=([\w-]+)", invite.params["text"]).group(1)
    await bot.say(f"/start {token}", NEW_PIC)  # binding.add and the PIC's own reminders (subscription.add)
    await bot.say(f"/cabut {NEW_PIC} Tapin", STAF)  # binding.remove by somebody else
    await bot.say("/keluar", VIEWER)  # binding.remove of oneself
    await bot.say("/langganan Tapin", STAF, chat_id=GROUP)
    await bot.say("/berhenti", STAF, chat_id=GROUP)
    await bot.say("/langganan Tapin", STAF, chat_id=KICKED_GROUP)
    await bot.app.process_update(bot.factory.my_member(KICKED_GROUP, "kicked", STAF, "Grup Lama"))
    await bot.say("/langganan Kalsel", STAF, chat_id=PROVINCE_GROUP)  # the broadcast's group
    await bot.say("/aksi Tapin B08 2024 2 lengkap", PIC)  # handed in by the kab/kota: diajukan
    await bot.say("/aksi Tapin B08 2024 2 lengkap 90", STAF)  # checked by the Kanwil, with a nilai
    await bot.say("/aksi Tapin 2024 jumlah 8", STAF)  # the list of actions
    await bot.say("/aksi Tapin 2024 judul 3 Layanan ramah disabilitas", STAF)
    await bot.say("/aksi Tapin B08 2024 80", STAF)  # the period's nilai
    await bot.say("/aksi Tapin B08 2024 87,5", STAF)  # a changed score
    with rt.session() as session:
        cycle = rt.cycle(session)
        event = add(session, rt.clock, rt.settings, parse_line("rakor Tapin 2024-06-19 09:00 Rakor evaluasi"), STAF)
        move(session, rt.clock, rt.settings, event.id, date(2024, 6, 20), time(9, 0), actor=STAF)
        edit(session, rt.clock, rt.settings, event.id, "lokasi", "Aula Kanwil", actor=STAF)
        draft = add(session, rt.clock, rt.settings, parse_line("kkpham Tapin 2024-03-28 Batas data dukung"), None)
        draft.status = "draft"
        session.flush()
        confirm(session, rt.clock, rt.settings, draft.id, actor=STAF)
        gone = add(session, rt.clock, rt.settings, parse_line("rakor Tapin 2024-07-01 09:00 Rakor batal"), STAF)
        cancel(session, rt.clock, rt.settings, gone.id, actor=STAF)
        now = rt.clock.now()
        insert_rows(session, event, [Planned(PIC, "test-a", now + timedelta(hours=1), now + timedelta(days=20)),
                                     Planned(PIC, "test-b", now + timedelta(hours=2), now + timedelta(days=20))])
        rows = session.exec(select(Reminder).where(Reminder.chat_id == PIC, Reminder.event_id == event.id)
                            .order_by(Reminder.id)).all()
        snooze(session, rt.clock, rt.settings, rows[-1].id, PIC, PIC, grants=Grants(PIC, pic=frozenset({"63.05"})))
        acknowledge(session, rt.clock, rows[0].id, PIC, PIC, grants=Grants(PIC, pic=frozenset({"63.05"})))
        table = Table("Progres", [["wilayah", "kode", "status"], ["Tapin", "1.02", "lengkap"],
                                  ["Tapin", "1.03", "proses"], ["Tapin", "1.04", "belum"]])
        progress_import.apply(session, rt.clock, cycle, progress_import.plan(session, cycle, table), PIC,
                              "progres-tapin.xlsx")
        rows = aksi_import.plan(session, Table("Aksi HAM", [["wilayah", "tahun", "periode", "aksi", "status", "skor"],
                                                            ["Tapin", "2024", "B04", "", "", "75"],
                                                            ["HSS", "2024", "B04", "", "", ""],
                                                            ["Tapin", "2024", "B04", "3", "tidak lengkap", "40"]]))
        aksi_import.apply(session, rt.clock, rows, STAF, "aksi-kalsel.xlsx")
        evidence.attach(session, rt.clock, cycle, tapin, "3.02",
                        evidence.IncomingFile("document", "f1", "u1", "SK Bupati.pdf", "application/pdf", 1200), PIC)
        broadcast = create_broadcast(session, rt.clock, provinces()["63"], STAF, "Hasil", b"png")
        confirm_broadcast(session, rt.clock, broadcast.id, STAF, provinces()["63"], {})
    return bot


async def riwayat(bot, query: str) -> list[str]:
    """Every line of every page of /riwayat (as an admin)."""
    (page,) = replies(await bot.say(f"/riwayat {query}", ADMIN))
    lines = page.params["text"].split("\n")
    while nxt := [label for label, _ in _buttons(page) if label.endswith("›")]:  # Berikutnya › / Next ›
        (page,) = replies(await bot.press(page, nxt[0], ADMIN))
        lines += page.params["text"].split("\n")
    return [line for line in lines if line.startswith("• ")]


def _buttons(call):
    from tests.fakes import buttons_of

    return buttons_of(call)


async def test_every_entry_reads_as_one_full_sentence(world):
    from bot.core.telegram_text import parse_html

    with world.runtime.session() as session:
        written = {e.action for e in session.exec(select(AuditEntry))}
    assert written == recorded_actions()  # the world wrote every kind there is
    lines = await riwayat(world, "Kalsel")
    assert len(lines) >= 20
    for line in lines:
        plain = parse_html(line)
        when, _, rest = plain.partition(": ")
        assert plain.endswith("."), line
        assert not RAW.search(rest), line
        assert "WITA" in when and len(rest.split()) >= 5, line
    text = "\n".join(lines)
    expected = [
        "Pengguna (#444) mengubah indikator 1.01 (",
        "di Kabupaten Tapin: belum → lengkap, tautan data dukung ditambahkan.",
        "Pengguna (#333) membuat undangan PIC (narahubung kab/kota) untuk Kabupaten Tapin.",
        "Pengguna (#7001) menerima undangan dari Pengguna (#333) dan menjadi PIC (narahubung kab/kota) untuk "
        "Kabupaten Tapin.",
        "Pengguna (#7001) mulai menerima pengingat Kabupaten Tapin di chat pribadinya.",
        "Pengguna (#333) mencabut peran PIC (narahubung kab/kota) dari Pengguna (#7001) untuk Kabupaten Tapin.",
        "Pengguna (#222) keluar dari peran pemantau untuk Kabupaten Tapin.",
        "Pengguna (#333) menghubungkan grup “Grup HAM Tapin” dengan Kabupaten Tapin: grup itu menerima pengingat "
        "dan pengumuman.",
        "Pengguna (#333) menghentikan pengingat dan pengumuman Kabupaten Tapin di grup “Grup HAM Tapin”.",
        "Pengguna (#444) mencatat laporan Aksi 2 B08 2024 untuk Kabupaten Tapin: diajukan.",
        "Pengguna (#333) mencatat laporan Aksi 2 B08 2024 untuk Kabupaten Tapin: lengkap, nilai capaian 90 (sebelumnya "
        "diajukan).",
        "Pengguna (#333) menetapkan daftar Aksi HAM 2024 untuk Kabupaten Tapin: 8 aksi (sebelumnya 6).",
        "Pengguna (#333) menetapkan daftar Aksi HAM 2024 untuk Kabupaten Tapin: 8 aksi, judul Aksi 3 diubah.",
        "Pengguna (#333) mencatat nilai capaian Aksi HAM B08 2024 untuk Kabupaten Tapin: 80.",
        "Pengguna (#333) mengubah nilai capaian Aksi HAM B08 2024 untuk Kabupaten Tapin dari 80 menjadi 87,5.",
        "Pengguna (#333) membuat acara “Rakor evaluasi”, Rabu, 19 Juni 2024.",
        "Pengguna (#333) memindahkan acara “Rakor evaluasi” ke Kamis, 20 Juni 2024.",
        "Pengguna (#333) mengubah acara “Rakor evaluasi”.",
        "Pengguna (#333) mengonfirmasi acara “Batas data dukung”, Kamis, 28 Maret 2024.",
        "Pengguna (#333) membatalkan acara “Rakor batal”.",
        "Pengguna (#444) menunda pengingat acara “Rakor evaluasi” di chat pribadi Pengguna (#444) sampai ",
        "Pengguna (#444) menandai pengingat acara “Rakor evaluasi” di chat pribadi Pengguna (#444) sudah dikerjakan.",
        "Pengguna (#444) mengimpor progres dari berkas “progres-tapin.xlsx”: 2 indikator diubah (Kab. Tapin 1.02 "
        "belum → lengkap, Kab. Tapin 1.03 belum → proses).",
        "Pengguna (#333) mengimpor laporan Aksi HAM dari berkas “aksi-kalsel.xlsx”: 3 laporan dicatat (Kab. Tapin "
        "B04 2024, nilai capaian 75, Kab. Hulu Sungai Selatan B04 2024, Kab. Tapin B04 2024 Aksi 3 tidak lengkap).",
        "Pengguna (#333) mencatat laporan Aksi HAM B04 2024 untuk Kabupaten Hulu Sungai Selatan (seluruh periode).",
        "Pengguna (#444) melampirkan berkas data dukung “SK Bupati.pdf” pada indikator 3.02 (",
        "Pengguna (#333) mengirim pengumuman hasil Provinsi Kalimantan Selatan ke 1 grup.",
    ]
    for piece in expected:
        assert piece in text, f"{piece}\n---\n{text}"
    assert "Sistem membuat acara “Batas data dukung”, Kamis, 28 Maret 2024." in text  # the yearly template's
    for wrong in ("reminder.", "impor progres.", "berkas data dukung.", "mendaftarkan sebuah chat"):
        assert wrong not in text
    assert "WITA: Pengguna (#444) mengubah indikator 1.03" not in text  # imported, not typed: one entry per file


async def test_a_kabupatens_history_lists_its_own_imported_indicators_without_its_name(world):
    lines = await riwayat(world, "Tapin")
    text = "\n".join(lines)
    assert ("mengimpor progres dari berkas “progres-tapin.xlsx”: 2 indikator diubah (1.02 belum → lengkap, "
            "1.03 belum → proses).") in text
    assert "Pengguna (#7001) mulai menerima pengingat Kabupaten Tapin di chat pribadinya." in text


async def test_history_in_english(world):
    from telegram import Update

    data = world.factory.message("/bahasa en", ADMIN).to_dict()
    await world.app.process_update(Update.de_json(data, world.app.bot))
    text = "\n".join(await riwayat(world, "Kalsel"))
    assert "accepted an invitation from Pengguna (#333) and became PIC" in text
    assert "postponed the reminder of “Rakor evaluasi” in the private chat of Pengguna (#444) until " in text
    assert "imported progress from the file “progres-tapin.xlsx”: 2 indicators changed" in text
    assert "sent the results of Provinsi Kalimantan Selatan to 1 group." in text


def test_each_kind_renders_without_the_database():
    """Entries as older versions wrote them (the PIC's subscription by the inviter, a group removed or
    migrated, an unknown action) still read as sentences."""
    from bot.core.i18n import translator
    from bot.domain.audit import HistoryView, Page
    from bot.render.history import history

    def entry(action, subject, after=None, before=None, actor=STAF, **codes):
        import json

        return AuditEntry(at=datetime(2024, 1, 25, 2, tzinfo=UTC), actor_id=actor, action=action, subject=subject,
                          region_code=codes.get("region", "63.05"), province_code="63",
                          after=json.dumps(after) if after else None, before=json.dumps(before) if before else None)

    entries = [
        entry("subscription.add", f"chat:{PIC}", {"chat": PIC, "target": "63.05"}),
        entry("subscription.add", "chat:-1009", {"migrated_from": -100321}, actor=None),
        entry("subscription.remove", "chat:-100322", {"reason": "kicked"}),
        entry("subscription.remove", f"chat:{PIC}", {"reason": "kicked"}, actor=PIC),
        entry("binding.remove", f"user:{ADMIN}", before={"role": "admin", "target": ""}, actor=ADMIN),
        entry("something.new", "x", {}),
    ]
    view = HistoryView(Page(entries, 0, 1), {}, {-100321: "Grup HAM Tapin", -100322: "Grup Lama"}, {})
    text = history(translator("id"), "63.05", view, "Asia/Makassar").text
    for piece in ("#333 mendaftarkan chat pribadi #444 untuk menerima pengingat Kabupaten Tapin.",
                  "Sistem memindahkan langganan grup “Grup HAM Tapin” ke supergrup barunya.",
                  "#333 mengeluarkan bot dari grup “Grup Lama”; grup itu tidak lagi menerima pengingat",
                  "#444 memblokir bot; chat pribadinya tidak lagi menerima pengingat.",
                  "#111 keluar dari peran admin.",
                  "#333 membuat perubahan lain."):
        assert piece in text, f"{piece}\n{text}"

