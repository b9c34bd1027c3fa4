"""The bot end to end: updates through Application.process_update, answers recorded offline."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from bot.core.models import ChecklistEntry, IndicatorState
from bot.core.telegram_text import visible_length
from bot.domain.checklist import indicator_statuses
from bot.reference import regions
from tests.conftest import ADMIN, PIC, STAF, VIEWER, grant, refused, replies
from tests.fakes import buttons_of

TAPIN = regions()["63.05"]


def state_of(rt, code, region=TAPIN):
    with rt.session() as session:
        return next(s.state for s in indicator_statuses(session, rt.cycle(session), region) if s.indicator.code == code)


async def test_command_menus_are_set_in_indonesian_for_everyone(bot):
    """Indonesian also for Telegram apps set to English; the English menus of earlier versions are deleted."""
    menus = bot.api.sent("setMyCommands")
    assert len(menus) == 4  # default, all groups, group admins, the admin's own chat
    assert all("language_code" not in m.params for m in menus)
    default = menus[0]
    names = [c["command"] for c in default.params["commands"]]
    assert names[:2] == ["status", "belum"] and "bantuan" in names and "saya" in names
    assert default.params["commands"][0]["description"] == "Progres KKP HAM kab/kota atau provinsi"
    deleted = bot.api.sent("deleteMyCommands")
    assert len(deleted) == 4 and all(d.params["language_code"] == "en" for d in deleted)


async def test_start_and_help(bot):
    (reply,) = replies(await bot.say("/start", VIEWER))
    assert "Halo, Pengguna!" in reply.params["text"] and "/status" in reply.params["text"]
    assert "undangan" not in reply.params["text"]  # a person with a role needs no invitation
    for cmd in ("/bantuan", "/help"):
        (reply,) = replies(await bot.say(cmd, VIEWER))
        assert "/checklist" in reply.params["text"]
        assert reply.params["parse_mode"] == "HTML"


async def test_status_of_a_region(bot):
    await bot.say("/tandai Tapin 1.01 terverifikasi", ADMIN)
    await bot.say("/tandai Tapin 1.02 lengkap", ADMIN)
    (reply,) = replies(await bot.say("/status Tapin", VIEWER))
    text = reply.params["text"]
    assert "<b>Kabupaten Tapin</b>, Kalimantan Selatan" in text
    assert "KKP HAM Tahun 2024 (penganugerahan 2025)" in text
    # two numbers: what the Kanwil verified, and what the kab/kota handed in and waits for verification
    assert "Terverifikasi Kanwil: <b>1</b> dari 120 indikator (0,8%)" in text
    assert "Diajukan kab/kota, menunggu verifikasi: <b>1</b>" in text
    assert "Proses 0 · perlu perbaikan 0 · belum dikerjakan 118" in text
    assert "1. Hak atas bantuan hukum: 1/12 · diajukan 1" in text
    assert "10. Hak perempuan dan anak: 0/12\n" in text
    # the projection counts the verified one only, and is called what it is
    assert ("Perkiraan predikat dari kelengkapan data dukung: <b>kurang peduli</b> (0,8 dari 100; batas peduli 75, "
            "sesuai pengaturan)") in text
    assert "Hanya indikator yang terverifikasi Kanwil yang dihitung." in text
    assert "skor" not in text and "kategori" not in text
    assert "Terakhir diperbarui: Kamis, 25 Januari 2024 pukul 10.00 WITA" in text
    assert "Daftar indikator yang dipakai adalah CONTOH, bukan daftar indikator resmi." in text
    assert [label for label, _ in buttons_of(reply)] == ["Lihat yang belum lengkap", "Buka daftar indikator"]


async def test_status_of_a_province(bot):
    codes = " ".join(f"{c}.{i:02d}" for c in range(1, 11) for i in range(1, 13))
    for code in codes.split()[:100]:
        await bot.say(f"/tandai Banjarmasin {code} terverifikasi", ADMIN)
    (reply,) = replies(await bot.say("/status Kalsel", VIEWER))
    text = reply.params["text"]
    assert "<b>Provinsi Kalimantan Selatan</b>" in text
    assert "Perkiraan predikat dari kelengkapan data dukung: 1 dari 13 kab/kota peduli (7,7%)" in text
    assert "Syarat provinsi (sesuai pengaturan): 60% kab/kota peduli, belum tercapai" in text
    assert "Indikator terverifikasi Kanwil: 100 dari 1.560 (6,4%) · diajukan kab/kota, menunggu verifikasi: 0" in text
    lines = [line for line in text.split("\n") if re.match(r"^\d+\. ", line)]
    assert len(lines) == 13
    assert lines[0] == "1. Kota Banjarmasin: 83,3% terverifikasi · peduli"
    assert lines[-1].endswith(": belum ada data")  # nobody touched it: not "0% · kurang peduli"
    assert "kurang peduli" not in text
    for typed in ("Kalimantan Selatan", "63"):
        (again,) = replies(await bot.say(f"/status {typed}", VIEWER))
        assert again.params["text"] == text


async def test_ambiguous_name_asks_with_buttons(bot):
    (reply,) = replies(await bot.say("/status Mura", VIEWER))
    assert "“Mura” bisa berarti beberapa wilayah" in reply.params["text"]
    labels = [label for label, _ in buttons_of(reply)]
    assert labels == ["Kab. Musi Rawas (Sumatera Selatan)", "Kab. Murung Raya (Kalimantan Tengah)"]
    (status,) = replies(await bot.press(reply, "Kab. Murung Raya (Kalimantan Tengah)", VIEWER))
    assert "<b>Kabupaten Murung Raya</b>, Kalimantan Tengah" in status.params["text"]


async def test_unknown_name_suggests_three(bot):
    (reply,) = replies(await bot.say("/status Kotawaringin", VIEWER))
    assert "Wilayah “Kotawaringin” tidak ditemukan." in reply.params["text"]
    labels = [label for label, _ in buttons_of(reply)]
    assert len(labels) == 3
    assert labels[:2] == ["Kab. Kotawaringin Barat (Kalimantan Tengah)", "Kab. Kotawaringin Timur (Kalimantan Tengah)"]


async def test_banjar_means_the_kabupaten_with_a_button_for_the_city(bot):
    (reply,) = replies(await bot.say("/status Banjar", VIEWER))
    assert "<b>Kabupaten Banjar</b>, Kalimantan Selatan" in reply.params["text"]
    assert ("Kota Banjar (Jawa Barat)", "st|r:32.79") in buttons_of(reply)


async def test_status_without_argument(bot):
    (reply,) = replies(await bot.say("/status", VIEWER))  # a pemantau of Tapin: their own region
    assert "<b>Kabupaten Tapin</b>" in reply.params["text"]
    (reply,) = replies(await bot.say("/status", STAF))  # staf of Kalsel: their province
    assert "<b>Provinsi Kalimantan Selatan</b>" in reply.params["text"]
    (reply,) = replies(await bot.say("/status", ADMIN))  # an admin has no home: explain
    assert "Cara pakai" in reply.params["text"] and "/status Tapin" in reply.params["text"]
    (reply,) = replies(await bot.say("/status Tapin", 999))  # nobody the bot knows
    assert refused(reply.params["text"])


async def test_belum_grouped_and_paginated(bot):
    (reply,) = replies(await bot.say("/belum Tapin", VIEWER))
    text = reply.params["text"]
    assert "120 indikator belum lengkap" in text and "Halaman 1 dari 6" in text
    assert "<b>1. Hak atas bantuan hukum</b>" in text
    assert text.count("<code>") == 20
    assert [label for label, _ in buttons_of(reply)] == ["Berikutnya ›"]
    (page2,) = replies(await bot.press(reply, "Berikutnya ›", VIEWER))
    assert page2.method == "editMessageText"
    assert "Halaman 2 dari 6" in page2.params["text"] and "<code>2.09</code>" in page2.params["text"]


async def test_belum_one_criterion(bot):
    await bot.say("/tandai Tapin 3.01 lengkap", ADMIN)
    (reply,) = replies(await bot.say("/belum Tapin 3", VIEWER))
    text = reply.params["text"]
    assert "Kriteria 3. Hak turut serta dalam pemerintahan" in text
    assert "11 indikator belum lengkap" in text
    assert "<code>3.01</code>" not in text and "<code>3.02</code>" in text
    assert not buttons_of(reply)


async def test_belum_for_a_multiword_region_with_criterion(bot):
    (reply,) = replies(await bot.say("/belum Tanah Laut 10", VIEWER))
    assert "Kabupaten Tanah Laut" in reply.params["text"] and "Kriteria 10." in reply.params["text"]


async def test_checklist_browser_sets_a_state(bot):
    (menu,) = replies(await bot.say("/checklist Tapin", ADMIN))
    assert "<b>Daftar indikator Kabupaten Tapin</b>" in menu.params["text"]
    assert len(buttons_of(menu)) == 10
    (crit,) = replies(await bot.press(menu, "2. Hak atas informasi (0/12)"))
    assert crit.method == "editMessageText"
    assert "Kriteria 2. Hak atas informasi" in crit.params["text"]
    (detail,) = replies(await bot.press(crit, "⚪ 2.03"))
    assert "Status: ⚪ <b>belum</b>" in detail.params["text"]
    (done,) = replies(await bot.press(detail, "🟢 lengkap"))
    assert "belum → <b>lengkap</b>" in done.params["text"]
    assert "Status: 🟢 <b>lengkap</b>" in done.params["text"]
    assert state_of(bot.runtime, "2.03") is IndicatorState.LENGKAP
    # then a link as data dukung
    await bot.press(done, "📎 Tambah tautan/catatan")
    (ack,) = replies(await bot.say("https://drive.example/ppid.pdf", ADMIN))
    assert "Data dukung: https://drive.example/ppid.pdf" in ack.params["text"]
    with bot.runtime.session() as session:
        entry = session.exec(select(ChecklistEntry).where(ChecklistEntry.indicator_code == "2.03")).one()
    assert entry.link == "https://drive.example/ppid.pdf" and entry.state == "lengkap" and entry.updated_by == ADMIN


async def test_viewers_browse_but_cannot_change(bot):
    (menu,) = replies(await bot.say("/checklist Tapin", VIEWER))
    (crit,) = replies(await bot.press(menu, "1. Hak atas bantuan hukum (0/12)", VIEWER))
    (detail,) = replies(await bot.press(crit, "⚪ 1.01", VIEWER))
    assert [label for label, _ in buttons_of(detail)] == ["‹ Kembali"]
    # a forged button press is refused too
    calls = await bot.press(detail, "‹ Kembali", VIEWER)
    forged = bot.factory.press(detail, "ks|63.05|1.01|lengkap|e", VIEWER)
    before = len(bot.api.calls)
    await bot.app.process_update(forged)
    answer = bot.api.calls[before:]
    assert answer[0].method == "answerCallbackQuery" and refused(answer[0].params["text"])
    assert calls and state_of(bot.runtime, "1.01") is IndicatorState.BELUM


async def test_tandai_by_admin(bot):
    (reply,) = replies(await bot.say("/tandai Tanah Laut 1.02 ditolak dokumen belum ditandatangani", ADMIN))
    assert "Kabupaten Tanah Laut, indikator <code>1.02</code>: belum → <b>perlu perbaikan</b>" in reply.params["text"]
    assert "Alasan: dokumen belum ditandatangani" in reply.params["text"] and "Catatan" not in reply.params["text"]
    assert state_of(bot.runtime, "1.02", regions()["63.01"]) is IndicatorState.DITOLAK


async def test_tandai_refused_for_viewers(bot):
    (reply,) = replies(await bot.say("/tandai Tapin 1.01 lengkap", VIEWER))
    assert refused(reply.params["text"])
    assert state_of(bot.runtime, "1.01") is IndicatorState.BELUM


async def test_malformed_tandai_changes_nothing(bot):
    for line in ("/tandai", "/tandai Tapin", "/tandai Tapin 1.01 selesai", "/tandai Tapin 99.1 lengkap"):
        (reply,) = replies(await bot.say(line, ADMIN))
        assert "Tidak ada yang diubah." in reply.params["text"], line
        assert "/tandai Tapin 1.02 lengkap" in reply.params["text"]
    with bot.runtime.session() as session:
        assert session.exec(select(ChecklistEntry)).all() == []


async def test_a_pic_of_one_kab_kota_may_leave_its_name_out_of_tandai(bot):
    """As a file captioned "1.01": the PIC's only kab/kota."""
    (reply,) = replies(await bot.say("/tandai 2.12 lengkap", PIC))
    assert reply.params["text"].startswith("✔️ Kabupaten Tapin, indikator <code>2.12</code>: belum → <b>lengkap</b>")
    assert state_of(bot.runtime, "2.12") is IndicatorState.LENGKAP
    (reply,) = replies(await bot.say("/tandai 1.01", PIC))
    assert reply.params["text"].startswith("⚠️ Sebutkan status setelah kode indikator 1.01. Tidak ada yang diubah.")
    assert state_of(bot.runtime, "1.01") is IndicatorState.BELUM


async def test_tandai_without_a_name_asks_for_one_with_an_example_of_the_askers_own(bot):
    """A staf (many kab/kota) or a PIC of several is asked which; the example names a place of theirs."""
    jayapura_pic, sumsel_staf = 666, 777
    grant(bot.runtime, jayapura_pic, "pic", "91.71")
    grant(bot.runtime, jayapura_pic, "pic", "96.71")
    grant(bot.runtime, sumsel_staf, "staf", "16")
    for who, example in ((STAF, "/tandai Tapin 1.02 lengkap"), (jayapura_pic, "/tandai Kota Jayapura 1.02 lengkap"),
                         (sumsel_staf, "/tandai Ogan Komering Ulu 1.02 lengkap")):
        (reply,) = replies(await bot.say("/tandai 1.01 lengkap", who))
        text = reply.params["text"]
        assert text.startswith("⚠️ Sebutkan kab/kota sebelum kode indikator. Tidak ada yang diubah."), who
        assert f"Contoh: <code>{example} https://drive.example/perda-bankum.pdf</code>" in text, who
    with bot.runtime.session() as session:
        assert session.exec(select(ChecklistEntry)).all() == []


async def test_tandai_on_a_province_is_refused(bot):
    (reply,) = replies(await bot.say("/tandai Kalsel 1.01 lengkap", ADMIN))
    assert "Kalimantan Selatan adalah provinsi" in reply.params["text"]


async def test_html_in_user_text_is_escaped(bot):
    (reply,) = replies(await bot.say("/tandai Tapin 1.01 proses <b>bold</b> & co", ADMIN))
    assert "Catatan: &lt;b&gt;bold&lt;/b&gt; &amp; co" in reply.params["text"]
    (reply,) = replies(await bot.say("/status <script>", VIEWER))
    assert "“&lt;script&gt;”" in reply.params["text"]


async def test_long_replies_are_split(bot, monkeypatch):
    from bot.render import checklist as render_checklist

    monkeypatch.setattr(render_checklist, "BELUM_PAGE", 120)
    calls = replies(await bot.say("/belum Tapin", VIEWER))
    assert len(calls) >= 3
    assert all(visible_length(c.params["text"]) <= 4096 for c in calls)
    assert sum(c.params["text"].count("<code>") for c in calls) == 120
    assert not bot.api.refusals


async def test_splitting_counts_telegram_units(bot):
    """3,000 emoji are 6,000 UTF-16 units: Telegram refuses them in one message, so the reply is split."""
    calls = replies(await bot.say("/status " + "😀" * 3000, ADMIN))
    assert calls and not bot.api.refusals
    assert all(visible_length(c.params["text"]) <= 4096 for c in calls)


async def test_english_locale(catalog):
    from tests.conftest import BotHarness

    catalog.settings = catalog.settings.model_copy(update={"locale": "en"})
    harness = BotHarness(catalog)
    await harness.app.initialize()
    try:
        (untouched,) = replies(await harness.say("/status Tapin", ADMIN))
        await harness.say("/tandai Tapin 1.01 lengkap", ADMIN)
        (reply,) = replies(await harness.say("/status Tapin", ADMIN))
    finally:
        await harness.app.shutdown()
    assert "none of the 120 indicators has been worked on or handed in" in untouched.params["text"]
    assert "Projected rating from supporting-document completeness: no data yet." in untouched.params["text"]
    assert "Handed in by the regency/city, awaiting verification: <b>1</b>" in reply.params["text"]
    assert "KKP HAM 2024 (awarded 2025)" in reply.params["text"]


async def test_an_unexpected_error_gets_a_short_apology(bot, monkeypatch):
    import handlers.status

    def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(handlers.status, "region_progress", broken)
    (reply,) = replies(await bot.say("/status Tapin", VIEWER))
    assert reply.params["text"].startswith("Maaf, terjadi kesalahan.")
    assert "fire" not in reply.params["text"]


async def test_national_overview_lists_every_province_sorted(bot):
    from bot.domain.demo import load_demo

    with bot.runtime.session() as session:
        load_demo(session, bot.runtime.clock, bot.runtime.cycle(session))
    (reply,) = replies(await bot.say("/status nasional", STAF))
    text = reply.params["text"]
    assert "<b>Nasional: seluruh provinsi</b>" in text
    lines = [line for line in text.split("\n") if re.match(r"^\d+\. ", line)]
    assert len(lines) == 38
    started = [line for line in lines if not line.endswith(": belum ada data")]
    assert lines[:len(started)] == started  # provinces with no data at all come last, never as "0 %"
    assert "Papua Barat Daya: belum ada data" in text  # the demo fills five provinces
    shares = [(int(m.group(1)), int(m.group(2))) for m in
              (re.search(r": (\d+) dari (\d+) kab/kota peduli", line) for line in started)]
    assert [a / n for a, n in shares] == sorted((a / n for a, n in shares), reverse=True)
    kalsel = next(line for line in lines if "Kalimantan Selatan" in line)
    with bot.runtime.session() as session:
        from bot.domain.checklist import province_progress
        from bot.reference import provinces

        p = province_progress(session, bot.runtime.cycle(session), provinces()["63"], bot.runtime.thresholds)
    assert f": {p.above} dari 13 kab/kota peduli" in kalsel
    assert f"{sum(a for a, _ in shares)} dari 514 kab/kota peduli (" in text
    (again,) = replies(await bot.say("/status Indonesia", ADMIN))
    assert again.params["text"] == text
    (refusal,) = replies(await bot.say("/status nasional", VIEWER))
    assert refusal.params["text"] == ("Rekap nasional hanya dapat dilihat oleh staf Kanwil dan admin. Anda pemantau "
                                      "Kabupaten Tapin (hanya dapat melihat).")


async def test_belum_with_a_criterion_that_does_not_exist(bot):
    (reply,) = replies(await bot.say("/belum Tapin 11", VIEWER))
    assert "Tidak ada kriteria 11: kriteria KKP HAM bernomor 1 sampai 10." in reply.params["text"]


@pytest.mark.parametrize("line,expected", [
    ("/tandai Tapin 99.99 lengkap", "Indikator “99.99” tidak ada di daftar indikator yang berlaku."),
    ("/tandai Tapin 1.02 selesai", "Status “selesai” tidak dikenal."),
    ("/tandai Tapin 1.02", "Sebutkan status setelah kode indikator 1.02."),
    ("/tandai Atlantis 1.02 lengkap", "Wilayah “Atlantis” tidak ditemukan."),
    ("/tandai Tapin lengkap", "Format perintah tidak sesuai. Tidak ada yang diubah."),
])
async def test_tandai_says_precisely_what_is_wrong(bot, line, expected):
    (reply,) = replies(await bot.say(line, ADMIN))
    assert expected in reply.params["text"]


@pytest.mark.parametrize("line", ["/status Tapin", "/status Kalsel", "/belum Tapin", "/checklist Tapin",
                                  "/tandai Tapin 1.01 lengkap", "/umumkan", "/status"])
async def test_without_a_catalog_every_reading_command_says_so(runtime, line):
    """A fresh install: never "all complete", never "0 of 0", never a class; how to import instead."""
    from tests.conftest import BotHarness, grant

    grant(runtime, STAF, "staf", "63")
    harness = BotHarness(runtime)
    await harness.app.initialize()
    try:
        calls = replies(await harness.say(line, STAF))
    finally:
        await harness.app.shutdown()
    text = "\n".join(c.params["text"] for c in calls)
    assert "Daftar indikator KKP HAM belum diimpor" in text and "pantau-ham import catalog" in text
    for wrong in ("Semua indikator sudah lengkap", "0 dari 0", "kurang peduli", "0%"):
        assert wrong not in text
    assert not harness.api.refusals


@pytest.mark.parametrize("typed", ["ditolak", "perbaikan", "perlu perbaikan"])
async def test_tandai_accepts_the_state_as_it_is_shown(bot, typed):
    (reply,) = replies(await bot.say(f"/tandai Tapin 1.02 {typed} dokumen belum ditandatangani", ADMIN))
    assert "belum → <b>perlu perbaikan</b>" in reply.params["text"]
    assert "Alasan: dokumen belum ditandatangani" in reply.params["text"]


async def test_region_commands_without_a_name_use_the_askers_own_region(bot):
    """As /status: a PIC's own kab/kota, a staf's province (pick a kab/kota where one is needed), and usage
    for an admin, who has no region of their own."""
    (reply,) = replies(await bot.say("/belum", PIC))
    assert "Kabupaten Tapin" in reply.params["text"] and "Cara pakai" not in reply.params["text"]
    (reply,) = replies(await bot.say("/checklist", PIC))
    assert "Kabupaten Tapin" in reply.params["text"] and "Cara pakai" not in reply.params["text"]
    calls = await bot.say("/templat", PIC)
    (document,) = [c for c in calls if c.method == "sendDocument"]
    assert "Format isian progres Kabupaten Tapin" in document.params["caption"]
    for command in ("/checklist", "/belum", "/templat"):
        (reply,) = replies(await bot.say(command, STAF))  # a kab/kota of their province is needed
        labels = [label for label, _ in buttons_of(reply)]
        assert "Kab. Tapin" in labels and len(labels) >= 13, command
    calls = await bot.say("/ekspor", STAF)
    (document,) = [c for c in calls if c.method == "sendDocument"]
    assert "Kalimantan Selatan" in document.params["caption"]
    for command in ("/checklist", "/belum", "/templat", "/ekspor"):
        (reply,) = replies(await bot.say(command, ADMIN))
        assert "Cara pakai" in reply.params["text"], command


async def test_nothing_submitted_reads_belum_ada_data_not_zero_percent(bot):
    """domain.md: *belum ada data* (nothing submitted yet) is not the same as 0% or *kurang peduli*."""
    (reply,) = replies(await bot.say("/status Mimika", ADMIN))
    text = reply.params["text"]
    assert "<b>Kabupaten Mimika</b>, Papua Tengah" in text
    assert "<b>Belum ada data</b> pada siklus ini: belum satu pun dari 120 indikator dikerjakan atau diajukan." in text
    assert "Perkiraan predikat dari kelengkapan data dukung: belum ada data." in text
    assert "0%" not in text and "kurang peduli" not in text and "0/12" not in text
    assert [label for label, _ in buttons_of(reply)] == ["Lihat yang belum lengkap", "Buka daftar indikator"]
    (reply,) = replies(await bot.say("/status Papua Tengah", ADMIN))
    text = reply.params["text"]
    assert "<b>Belum ada data</b> pada siklus ini: belum satu pun dari 8 kab/kota mengisi daftar indikatornya." in text
    assert "0%" not in text and "belum tercapai" not in text and len(buttons_of(reply)) == 8
    await bot.say("/tandai Tapin 1.01 proses", STAF)  # touched, even without a hand-in: counted as it stands
    (reply,) = replies(await bot.say("/status Tapin", ADMIN))
    assert "Terverifikasi Kanwil: <b>0</b> dari 120 indikator (0%)" in reply.params["text"]
