"""Aksi HAM by action: /aksi shows which action is missing in which period, records one action's report,
the period's nilai and the list of actions, with the rights of bot/domain/access.py; through the real Application
and the strict stand-in of the Bot API, in Indonesian and in English."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po
from sqlmodel import select

from bot.core.errors import UserError
from bot.core.i18n import LOCALES_DIR as LOCALES
from bot.core.models import AksiAction, AksiActionReport, AksiStatus, AuditEntry
from bot.core.telegram_text import MAX_TEXT, visible_length
from bot.domain.access import aksi_refusal, aksi_status_as
from bot.domain.aksi_command import parse
from bot.domain.aksi_targets import read as read_targets
from bot.domain.aksi_targets import target_for
from bot.domain.people import Grants
from bot.reference import regions
from tests.conftest import ADMIN, PIC, STAF, VIEWER, replies
from tests.fakes import buttons_of

TAPIN = regions()["63.05"]
STATUSES = (None, *AksiStatus)


def text(call) -> str:
    return str(call.params["text"])


def reports(rt) -> dict[tuple[str, int], tuple[str, float | None, str | None]]:
    with rt.session() as session:
        return {(r.period, r.action): (r.status, r.nilai, r.note) for r in session.exec(select(AksiActionReport))}


def audits(rt, action: str) -> int:
    with rt.session() as session:
        return len(session.exec(select(AuditEntry).where(AuditEntry.action == action)).all())


async def test_a_grid_of_nine_actions_fits_one_message_in_both_languages(bot):
    long_title = "Peningkatan layanan ramah disabilitas & kelompok rentan <di> kantor pelayanan publik " * 3
    await bot.say("/aksi Tapin 2024 jumlah 9", STAF)
    for n in range(1, 10):
        await bot.say(f"/aksi Tapin 2024 judul {n} {long_title[:200]}", STAF)
        await bot.say(f"/aksi Tapin B04 {n} lengkap {60 + n} {'catatan panjang ' * 62}", STAF)
        await bot.say(f"/aksi Tapin B08 {n} lengkap", PIC)
    await bot.say("/aksi Tapin B12 9 tidak lengkap 40 foto kegiatan belum ada", STAF)
    (grid,) = replies(await bot.say("/aksi Tapin", VIEWER))
    body = text(grid)
    assert visible_length(body) <= MAX_TEXT
    assert "9 aksi (daftar aksi tahun ini)" in body
    assert "✅ lengkap · ☑️ diajukan, belum diperiksa Kanwil · ❌ tidak lengkap · ⬜ belum dilaporkan" in body
    assert "Aksi 1 · B04 ✅ B08 ☑️ B12 ⬜ · Peningkatan layanan ramah disabilitas &amp; kelompok rentan &lt;di…" in body
    assert "Aksi 9 · B04 ✅ B08 ☑️ B12 ❌ · Peningkatan" in body
    # every action scored in B04: the period's capaian is their mean (61..69 -> 65)
    assert "B04 (Januari–April): 9 dari 9 aksi dilaporkan · nilai capaian <b>65</b> (rata-rata nilai 9 aksi)" in body
    assert "B08 (Januari–Agustus): 9 dari 9 aksi dilaporkan · belum ada nilai capaian" in body
    assert "B12 (Januari–Desember): 0 dari 9 aksi dilaporkan · nilai capaian belum lengkap (1 dari 9 aksi " \
           "sudah dinilai)" in body
    assert "<b>B04</b> (masa pelaporan biasanya 28 April–6 Mei): semua aksi sudah dilaporkan." in body
    assert [label for label, _ in buttons_of(grid)] == ["Rincian B04", "Rincian B08", "Rincian B12"]
    (detail,) = replies(await bot.press(grid, "Rincian B12", VIEWER))
    assert detail.method == "editMessageText" and visible_length(text(detail)) <= MAX_TEXT
    assert "❌ <b>Aksi 9</b> · Peningkatan" in text(detail)
    assert ": tidak lengkap · nilai capaian 40 · dicatat Pengguna (#333), Kamis, 25 Januari 2024 pukul 10.00 WITA · " \
           "“foto kegiatan belum ada”" in text(detail)
    assert "⬜ <b>Aksi 1</b> · Peningkatan" in text(detail)
    (b04,) = replies(await bot.press(detail, "Rincian B04", VIEWER))
    assert visible_length(text(b04)) <= MAX_TEXT and "…" in text(b04)  # long notes are cut in the detail
    (back,) = replies(await bot.press(b04, "‹ Semua periode", VIEWER))
    assert "<b>Aksi HAM 2024: Kabupaten Tapin</b>" in text(back)

    await bot.say("/bahasa en", VIEWER)
    (english,) = replies(await bot.say("/aksi Tapin", VIEWER))
    body = text(english)
    assert visible_length(body) <= MAX_TEXT
    assert "9 actions (the list of this year)" in body
    assert "✅ complete · ☑️ submitted, not yet checked by the Kanwil · ❌ incomplete · ⬜ not reported" in body
    assert "Action 9 · B04 ✅ B08 ☑️ B12 ❌ · Peningkatan" in body
    assert "B04 (January–April): 9 of 9 actions reported · score <b>65</b> (average of the scores of 9 actions)" in body
    assert "Target score: 60 (as configured)" in body
    (detail,) = replies(await bot.press(english, "Details B12", VIEWER))
    assert ": incomplete · score 40 · recorded by" in text(detail)
    assert not bot.api.refusals


async def test_the_kanwil_checks_what_a_pic_hands_in(bot):
    rt = bot.runtime
    (handed,) = replies(await bot.say("/aksi Tapin B04 2 lengkap sudah diunggah ke SAPA-HAM", PIC))
    assert "✔️ Laporan Aksi 2 B04 2024 dicatat: <b>diajukan</b> (menunggu pemeriksaan Kanwil)." in text(handed)
    assert "Aksi 2 · B04 ☑️ B08 ⬜ B12 ⬜" in text(handed)
    assert reports(rt) == {("B04", 2): ("diajukan", None, "sudah diunggah ke SAPA-HAM")}
    (again,) = replies(await bot.say("/aksi Tapin B04 2 lengkap", PIC))  # the same again: nothing recorded
    assert "sudah tercatat seperti itu; tidak ada yang diubah." in text(again)
    assert audits(rt, "aksi.action") == 1

    for line, refusal in (("/aksi Tapin B04 2 lengkap 80", "PIC tidak berwenang mencatat nilai capaian"),
                          ("/aksi Tapin B04 3 tidak lengkap", "PIC tidak berwenang menyatakan laporan “tidak lengkap”"),
                          ("/aksi Tapin B04 80", "Hanya staf Bidang HAM Kanwil dan admin yang dapat menilai laporan"),
                          ("/aksi Tapin jumlah 8", "Hanya staf Bidang HAM Kanwil dan admin yang dapat menilai")):
        (refused,) = replies(await bot.say(line, PIC))
        assert refusal in text(refused), line
    assert reports(rt) == {("B04", 2): ("diajukan", None, "sudah diunggah ke SAPA-HAM")}

    (checked,) = replies(await bot.say("/aksi Tapin B04 2 tidak lengkap 40 foto kegiatan belum ada", STAF))
    assert "dicatat: <b>tidak lengkap</b>, nilai capaian 40." in text(checked)
    (again,) = replies(await bot.say("/aksi Tapin B04 2 lengkap foto sudah dilampirkan", PIC))  # handed in again
    assert "<b>diajukan</b>, nilai capaian 40 (menunggu pemeriksaan Kanwil)" in text(again)
    (verified,) = replies(await bot.say("/aksi Tapin B04 2 lengkap 85", STAF))
    assert "dicatat: <b>lengkap</b>, nilai capaian 85." in text(verified) and "Aksi 2 · B04 ✅" in text(verified)
    (closed,) = replies(await bot.say("/aksi Tapin B04 2 lengkap catatan baru", PIC))
    assert "sudah dinyatakan lengkap oleh Kanwil; PIC tidak berwenang mengubahnya" in text(closed)
    assert reports(rt) == {("B04", 2): ("lengkap", 85.0, "foto sudah dilampirkan")}
    assert audits(rt, "aksi.action") == 4
    (other,) = replies(await bot.say("/aksi Samarinda B04 1 lengkap", PIC))
    assert text(other) == "Kota Samarinda bukan wilayah Anda. Anda PIC Kabupaten Tapin."


async def test_bad_input_gets_a_clear_message_and_changes_nothing(bot):
    rt = bot.runtime
    cases = {
        "/aksi Tapin B04 7 lengkap": "Kabupaten Tapin memiliki 6 aksi pada 2024 (sesuai pengaturan); aksi 7 tidak ada. "
                                     "Ubah daftar aksinya dengan /aksi Tapin 2024 jumlah 7",
        "/aksi Tapin B04 2": "“2” bisa berarti aksi 2 atau nilai capaian 2.",
        "/aksi Tapin B04 2 selesai": "Status “selesai” tidak dikenal: tulis lengkap atau tidak lengkap",
        "/aksi Tapin B04 2 lengkap 120": "Nilai capaian harus angka 0–100; “120” tidak sah.",
        "/aksi Tapin B04 25 lengkap": "Nomor aksi harus 1–20; “25” tidak sah.",
        "/aksi Tapin B04 nilai tinggi": "Nilai capaian harus angka 0–100",
        "/aksi Tapin B13 2 lengkap": "Periode “B13” tidak sah",
        "/aksi Tapin B04 2040 2 lengkap": "Tahun 2040 di luar rentang yang diterima",
        "/aksi Tapin jumlah 0": "Jumlah aksi harus 1–20; “0” tidak sah.",
        "/aksi Tapin jumlah banyak": "Tulis jumlah aksi sebagai angka",
        "/aksi Tapin B04 2 lengkap " + "x" * 1001: "Catatan terlalu panjang: 1.001 karakter, paling banyak 1.000.",
        "/aksi Tapin B04": "Laporan Aksi HAM dicatat per aksi. Sebutkan nomor aksi dan statusnya",
        "/aksi Kalsel B04 2 lengkap": "Kalimantan Selatan adalah provinsi; sebutkan kab/kota.",
    }
    for line, expected in cases.items():
        (reply,) = replies(await bot.say(line, STAF))
        assert expected in text(reply), f"{line}\n{text(reply)}"
    assert reports(rt) == {}
    with rt.session() as session:
        assert session.exec(select(AksiAction)).all() == []
        assert session.exec(select(AuditEntry).where(AuditEntry.action.startswith("aksi."))).all() == []
    assert not bot.api.refusals


async def test_the_list_of_actions_and_its_limits(bot):
    rt = bot.runtime
    (longer,) = replies(await bot.say("/aksi Tapin 2024 jumlah 8", STAF))
    assert "✔️ Daftar aksi 2024 dicatat: 8 aksi." in text(longer) and "8 aksi (daftar aksi tahun ini)" in text(longer)
    await bot.say("/aksi Tapin B04 8 lengkap", STAF)
    (refused,) = replies(await bot.say("/aksi Tapin 2024 jumlah 7", STAF))
    assert "Aksi 8 Kabupaten Tapin 2024 sudah memiliki laporan; daftar aksi tidak dapat dikurangi menjadi 7 aksi." \
        in text(refused)
    (titled,) = replies(await bot.say("/aksi Tapin judul 2 Layanan bantuan hukum gratis", STAF))
    assert text(titled).startswith("✔️ Judul Aksi 2 (2024) dicatat: Layanan bantuan hukum gratis.\n")
    assert "Aksi 2 · B04 ⬜ B08 ⬜ B12 ⬜ · Layanan bantuan hukum gratis" in text(titled)
    (same,) = replies(await bot.say("/aksi Tapin judul 2 Layanan bantuan hukum gratis", STAF))
    assert "Judul Aksi 2 (2024) sudah seperti itu; tidak ada yang diubah." in text(same)
    with rt.session() as session:
        assert [(a.number, a.title) for a in session.exec(select(AksiAction).order_by(AksiAction.number))] == \
            [(1, None), (2, "Layanan bantuan hukum gratis"), *((n, None) for n in range(3, 9))]
    assert audits(rt, "aksi.actions") == 2
    (next_year,) = replies(await bot.say("/aksi Tapin 2025", STAF))  # another year: the setting again
    assert "6 aksi (sesuai pengaturan; daftar aksi tahun ini belum diisi)" in text(next_year)


async def test_capaian_per_period_the_year_and_the_target(bot):
    for n in range(1, 7):
        await bot.say(f"/aksi Tapin B04 {n} lengkap {50 + 5 * n}", STAF)  # 55..80: mean 67,5
    await bot.say("/aksi Tapin B08 nilai 70", STAF)  # the period's own nilai
    await bot.say("/aksi Tapin B08 1 lengkap 95", STAF)  # an action's nilai does not override it
    (grid,) = replies(await bot.say("/aksi Tapin B12 87,5", STAF))  # the old form
    body = text(grid)
    assert "✔️ Nilai capaian Aksi HAM B12 2024 dicatat: 87,5." in body
    assert "nilai capaian <b>67,5</b> (rata-rata nilai 6 aksi) · mencapai target" in body
    assert "B08 (Januari–Agustus): 1 dari 6 aksi dilaporkan · nilai capaian <b>70</b> (dinilai per periode)" in body
    assert "B12 (Januari–Desember): dilaporkan per periode, rincian per aksi belum tercatat · nilai capaian " \
           "<b>87,5</b> (dinilai per periode)" in body
    assert "Nilai capaian tahunan (rata-rata B04, B08, B12): <b>75</b> · mencapai target" in body
    bot.runtime.settings = bot.runtime.settings.model_copy(update={"aksi_target": 80})
    (higher,) = replies(await bot.say("/aksi Tapin", STAF))
    assert "Target capaian: 80 (sesuai pengaturan)" in text(higher)
    assert "Nilai capaian tahunan (rata-rata B04, B08, B12): <b>75</b> · kurang 5 dari target" in text(higher)


async def test_a_year_with_a_target_in_the_data_names_it(bot):
    bot.runtime.clock.set(datetime(2022, 9, 1, 2, 0, tzinfo=UTC))
    bot.runtime.settings = bot.runtime.settings.model_copy(update={"aksi_target": 70})
    (grid,) = replies(await bot.say("/aksi Tapin B04 nilai 62,5", STAF))
    assert "Target capaian 2022 untuk kabupaten/kota: 60" in text(grid)  # not the setting
    assert "nilai capaian <b>62,5</b> (dinilai per periode) · mencapai target" in text(grid)
    # 1 September: B04's usual window is over, B08's (28 August-5 September) is on
    assert "<b>B08</b> (masa pelaporan biasanya 28 Agustus–5 September): belum satu pun dari 6 aksi dilaporkan " \
           "untuk B08." in text(grid)
    (other,) = replies(await bot.say("/aksi Tapin 2023", STAF))
    assert "Target capaian: 70 (sesuai pengaturan)" in text(other)


def test_targets_are_data_by_year_and_level(tmp_path):
    assert target_for(2022, 70) .value == 60 and not target_for(2022, 70).from_setting
    assert target_for(2022, 70, "provinsi").value == 65
    assert target_for(2026, 70).value == 70 and target_for(2026, 70).from_setting
    broken = tmp_path / "targets.csv"
    broken.write_text("year,level,target,source\n2022,kementerian,75,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="level"):
        read_targets(broken)


KANWIL = Grants(user_id=333, staf=frozenset({"63"}))
OWN_PIC = Grants(user_id=444, pic=frozenset({"63.05"}))
OTHER_PIC = Grants(user_id=555, pic=frozenset({"64.72"}))
READER = Grants(user_id=222, pemantau=frozenset({"63.05"}))


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("typed", list(AksiStatus))
def test_who_may_record_what_matrix(current, typed):
    """Every role x every current status x every typed status: what is stored, and whether it is refused."""
    lengkap, diajukan, tidak = AksiStatus.LENGKAP, AksiStatus.DIAJUKAN, AksiStatus.TIDAK_LENGKAP
    # the Kanwil: as typed, always allowed, nilai included
    assert aksi_status_as(KANWIL, TAPIN, typed, current) is typed
    assert aksi_refusal(KANWIL, TAPIN, current, typed, True, True) is None
    # the kab/kota's PIC: hands in (diajukan); keeps what is already handed in or found complete
    stored = aksi_status_as(OWN_PIC, TAPIN, typed, current)
    if typed is tidak:
        assert stored is tidak
    else:
        assert stored is (current if current in (lengkap, diajukan) else diajukan)
    refused = aksi_refusal(OWN_PIC, TAPIN, current, stored, False, False)
    may = stored is current or (stored is diajukan and current is not lengkap)
    assert (refused is None) is may, (current, typed, refused)
    assert aksi_refusal(OWN_PIC, TAPIN, current, stored, True, False) is not None  # never a nilai
    for other in (OTHER_PIC, READER):
        assert aksi_refusal(other, TAPIN, current, stored, False, False) is not None


@pytest.mark.parametrize("words,expected", [
    ("Tapin", ("show", "Tapin", None, None, None, None, None, None)),
    ("Tanah Laut 2025", ("show", "Tanah Laut", 2025, None, None, None, None, None)),
    ("Tapin B04 2 lengkap", ("action", "Tapin", None, "B04", 2, AksiStatus.LENGKAP, None, None)),
    ("Tapin b8 2025 3 tidak lengkap 40 foto belum ada",
     ("action", "Tapin", 2025, "B08", 3, AksiStatus.TIDAK_LENGKAP, 40.0, "foto belum ada")),
    ("Tapin 2025 B12 4 Tidak-Lengkap", ("action", "Tapin", 2025, "B12", 4, AksiStatus.TIDAK_LENGKAP, None, None)),
    ("Tapin B04 1 diajukan 87,5", ("action", "Tapin", None, "B04", 1, AksiStatus.DIAJUKAN, 87.5, None)),
    ("Tapin B08 2024 87,5", ("period", "Tapin", 2024, "B08", None, None, 87.5, None)),
    ("Tapin B08 80", ("period", "Tapin", None, "B08", None, None, 80.0, None)),
    ("Tapin B08 nilai 5", ("period", "Tapin", None, "B08", None, None, 5.0, None)),
    ("Tapin B08", ("no_action", "Tapin", None, "B08", None, None, None, None)),
    ("Tapin jumlah 8", ("count", "Tapin", None, None, 8, None, None, None)),
    ("Tapin 2025 judul 3 Layanan ramah", ("title", "Tapin", 2025, None, 3, None, None, "Layanan ramah")),
])
def test_the_forms_of_aksi(words, expected):
    c = parse(words.split())
    assert (c.kind, c.query, c.year, c.period, c.number, c.status, c.nilai, c.text) == expected


@pytest.mark.parametrize("words", ["Tapin B08 2", "Tapin B04 2 beres", "Tapin B04 0 lengkap", "Tapin B04 nilai",
                                   "Tapin B04 2 lengkap 101", "Tapin B13 1 lengkap", "Tapin jumlah", "Tapin B04 x y"])
def test_forms_that_cannot_be_meant_are_refused(words):
    with pytest.raises(UserError):
        parse(words.split())


async def test_examples_name_a_kota_so_that_they_work_when_typed(bot):
    (grid,) = replies(await bot.say("/aksi Kota Banjarmasin", STAF))
    assert "<i>Catat: /aksi Kota Banjarmasin B04 2 lengkap 80 · /aksi Kota Banjarmasin B04 2 tidak lengkap " \
           "[catatan]</i>" in text(grid)
    (tapin,) = replies(await bot.say("/aksi Tapin", PIC))
    assert "<i>Catat laporan yang sudah diajukan: /aksi Tapin B04 2 lengkap [catatan]</i>" in text(tapin)
    (reader,) = replies(await bot.say("/aksi Tapin", VIEWER))
    assert "Catat" not in text(reader)  # a pemantau reads, and is not told how to record
    (sent,) = replies(await bot.say("/aksi Kota Banjarmasin B04 2 lengkap 80", STAF))
    assert "Aksi 2 · B04 ✅" in text(sent)


# -- what a person is told matches what they may do, and the periods on the calendar (review of Dec 2026) -----
AFTER_B12 = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # Tuesday 8 December 2026, 10:00 WITA: B12 closed on the 5th
LAST_DAY_B12 = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # Saturday 5 December 2026: B12's last day


async def test_a_title_is_confirmed_as_recorded_and_escaped(bot):
    (titled,) = replies(await bot.say("/aksi Tapin judul 3 Layanan ramah <disabilitas> & lansia", STAF))
    assert text(titled).startswith("✔️ Judul Aksi 3 (2024) dicatat: Layanan ramah &lt;disabilitas&gt; &amp; lansia.\n")
    (cleared,) = replies(await bot.say("/aksi Tapin judul 3", STAF))
    assert text(cleared).startswith("✔️ Judul Aksi 3 (2024) dihapus.\n")
    await bot.say("/bahasa en", STAF)
    (english,) = replies(await bot.say("/aksi Tapin judul 3 Layanan ramah disabilitas", STAF))
    assert text(english).startswith("✔️ Title of action 3 (2024) recorded: Layanan ramah disabilitas.\n")
    assert not bot.api.refusals


async def test_after_the_last_window_closes_the_grid_points_to_next_years_first_period(bot):
    bot.runtime.clock.set(AFTER_B12)
    for person in (PIC, STAF):
        (grid,) = replies(await bot.say("/aksi Tapin", person))
        body = text(grid)
        assert "Masa pelaporan B12 ditutup Sabtu, 5 Desember 2026." in body
        assert "Periode berikutnya: <b>B04 2027</b> (masa pelaporan biasanya 28 April–6 Mei 2027)." in body
        assert "B04 2 lengkap" not in body  # never B04 2026, closed since May
    for person in (PIC, STAF):  # B04 2027 cannot be recorded before 1 January: say from when, and no command yet
        lines = text(replies(await bot.say("/aksi Tapin", person))[0]).split("\n")
        assert "<i>Laporan B04 2027 dapat dicatat mulai 1 Januari 2027.</i>" in lines
        assert not any("Catat" in line or "B04 2027 2" in line for line in lines)
    bot.runtime.clock.set(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))  # 1 January 2027, 00:00 WITA: it has begun
    (begun,) = replies(await bot.say("/aksi Tapin 2027", PIC))
    assert "<i>Catat laporan yang sudah diajukan: /aksi Tapin B04 2 lengkap [catatan]</i>" in text(begun)
    assert "dapat dicatat mulai" not in text(begun)
    bot.runtime.clock.set(LAST_DAY_B12)  # the window's last day: still B12, nothing closed yet
    (open_,) = replies(await bot.say("/aksi Tapin", PIC))
    assert "<b>B12</b> (masa pelaporan biasanya 28 November–5 Desember)" in text(open_)
    assert "ditutup" not in text(open_) and "Periode berikutnya" not in text(open_)
    assert "/aksi Tapin B12 2 lengkap [catatan]" in text(open_)
    bot.runtime.clock.set(datetime(2026, 6, 10, 2, 0, tzinfo=UTC))  # between B04 (closed) and B08 (not open)
    (june,) = replies(await bot.say("/aksi Tapin", STAF))
    assert "<b>B08</b> (masa pelaporan biasanya 28 Agustus–5 September)" in text(june)
    assert "Masa pelaporan B04 ditutup Rabu, 6 Mei 2026." in text(june)
    assert "<i>Catat: /aksi Tapin B08 2 lengkap 80 · /aksi Tapin B08 2 tidak lengkap [catatan]</i>" in text(june)
    (past,) = replies(await bot.say("/aksi Tapin 2025", STAF))  # a past year: the example names its year
    assert "/aksi Tapin B08 2026 2 lengkap 80" in text(past) and "ditutup" not in text(past)


async def test_usage_examples_use_the_period_being_reported_or_the_next_never_a_closed_one(bot):
    bot.runtime.clock.set(AFTER_B12)
    (staf,) = replies(await bot.say("/aksi B04 2 lengkap", STAF))  # a form without a kab/kota: how to use it
    assert "<code>/aksi Tapin B04 2027 2 lengkap 80</code>: laporan Aksi 2 periode B04 lengkap" in text(staf)
    assert "<code>/aksi Tapin B04 2027 nilai 87,5</code>" in text(staf) and "2026" not in text(staf)
    (pic,) = replies(await bot.say("/aksi B04 2 lengkap", PIC))
    body = text(pic)
    assert "<code>/aksi Tapin B04 2027 2 lengkap sudah diunggah ke SAPA-HAM</code>: laporan Aksi 2 periode B04 " \
           "sudah diajukan" in body
    assert "nilai 87,5" not in body and "lengkap 80" not in body and "jumlah 8" not in body
    bot.runtime.clock.set(LAST_DAY_B12)
    (today,) = replies(await bot.say("/aksi B04 2 lengkap", STAF))
    assert "<code>/aksi Tapin B12 2026 2 lengkap 80</code>" in text(today)
    assert "<code>/aksi Tapin B12 2 tidak lengkap foto kegiatan belum ada</code>" in text(today)


async def test_a_pic_is_told_only_what_a_pic_may_do(bot):
    (beyond,) = replies(await bot.say("/aksi Tapin B04 7 lengkap", PIC))
    assert text(beyond) == ("⚠️ Kabupaten Tapin memiliki 6 aksi pada 2024 (sesuai pengaturan); aksi 7 tidak ada. "
                            "Daftar aksi ditetapkan oleh Kanwil: bila aksi 7 memang ada, minta staf Kanwil mengubah "
                            "daftar aksinya.")
    (staf,) = replies(await bot.say("/aksi Tapin B04 7 lengkap", STAF))
    assert "Ubah daftar aksinya dengan /aksi Tapin 2024 jumlah 7 atau impor berkas Aksi HAM." in text(staf)
    (bare,) = replies(await bot.say("/aksi Tapin B04", PIC))
    assert "<code>/aksi Tapin B04 2 lengkap</code> untuk laporan Aksi 2 yang sudah diajukan" in text(bare)
    assert "nilai" not in text(bare)
    (tandai,) = replies(await bot.say("/tandai Tapin 1.01 selesai", PIC))
    assert "Status: belum, proses, lengkap (terverifikasi dan perlu perbaikan ditetapkan oleh Kanwil)." in text(tandai)
    (tandai_staf,) = replies(await bot.say("/tandai Tapin 1.01 selesai", STAF))
    assert "Status: belum, proses, lengkap, terverifikasi, perlu perbaikan." in text(tandai_staf)
    (help_,) = replies(await bot.say("/bantuan", PIC))
    assert "lengkap [<i>catatan</i>]: catat laporan satu aksi yang sudah diajukan" in text(help_)
    assert "Status: belum, proses, lengkap (terverifikasi dan perlu perbaikan ditetapkan oleh Kanwil)." in text(help_)
    assert "nilai" not in text(help_) and "/verifikasi" not in text(help_) and "/undang" not in text(help_)
    (help_staf,) = replies(await bot.say("/bantuan", STAF))
    assert "lengkap|tidak lengkap [<i>nilai</i>]" in text(help_staf) and "/verifikasi" in text(help_staf)
    assert reports(bot.runtime) == {}


async def test_a_report_for_a_period_that_has_not_begun_is_refused(bot):
    bot.runtime.clock.set(LAST_DAY_B12)
    for person, line in ((PIC, "/aksi Tapin B04 2027 1 lengkap"), (STAF, "/aksi Tapin B04 2027 1 lengkap 80"),
                         (STAF, "/aksi Tapin B12 2027 nilai 80")):
        (refused,) = replies(await bot.say(line, person))
        assert text(refused) == ("⚠️ Periode {} 2027 belum dimulai; laporannya dapat dicatat mulai 1 Januari 2027 "
                                 "(masa pelaporan biasanya {}).").format(*(
                                     ("B04", "28 April–6 Mei 2027") if "B04" in line  # as the grid writes it
                                     else ("B12", "28 November–5 Desember 2027")))
    assert reports(bot.runtime) == {} and audits(bot.runtime, "aksi.action") == 0
    assert audits(bot.runtime, "aksi.record") == 0
    (titled,) = replies(await bot.say("/aksi Tapin 2027 judul 1 Layanan ramah disabilitas", STAF))  # planning ahead
    assert "✔️ Judul Aksi 1 (2027) dicatat" in text(titled)
    (past,) = replies(await bot.say("/aksi Tapin B04 2025 1 lengkap 80", STAF))  # a past period: recorded
    assert "✔️ Laporan Aksi 1 B04 2025 dicatat: <b>lengkap</b>, nilai capaian 80." in text(past)
    bot.runtime.clock.set(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))  # 1 January 2027, 00:00 WITA
    (begun,) = replies(await bot.say("/aksi Tapin B04 2027 1 lengkap", PIC))
    assert "✔️ Laporan Aksi 1 B04 2027 dicatat: <b>diajukan</b>" in text(begun)


async def test_aksi_alone_is_the_askers_own_kab_kota_or_a_pick_of_the_province(bot):
    (own,) = replies(await bot.say("/aksi", PIC))
    assert "<b>Aksi HAM 2024: Kabupaten Tapin</b>" in text(own) and "Cara pakai" not in text(own)
    (viewer,) = replies(await bot.say("/aksi", VIEWER))
    assert "<b>Aksi HAM 2024: Kabupaten Tapin</b>" in text(viewer)
    (pick,) = replies(await bot.say("/aksi", STAF))
    assert "Kalimantan Selatan" in text(pick) and "Tapin" in [label for label, _ in buttons_of(pick)] or \
        any("Tapin" in label for label, _ in buttons_of(pick))
    (grid,) = replies(await bot.press(pick, next(label for label, _ in buttons_of(pick) if "Tapin" in label), STAF))
    assert "<b>Aksi HAM 2024: Kabupaten Tapin</b>" in text(grid)
    assert not bot.api.refusals


# -- the re-review of Dec 2026: late reports, suggestions that keep the report, whose /aksi alone ------------------
async def test_a_bare_period_after_its_window_closed_says_which_year_and_that_it_is_late(bot):
    bot.runtime.clock.set(AFTER_B12)
    (late,) = replies(await bot.say("/aksi Tapin B04 2 lengkap", PIC))  # B04 2027 has not begun: this is B04 2026
    assert text(late).startswith(
        "✔️ Laporan Aksi 2 B04 2026 dicatat: <b>diajukan</b> (menunggu pemeriksaan Kanwil).\n"
        "Perhatian: masa pelaporan B04 2026 sudah ditutup Rabu, 6 Mei 2026, jadi laporan ini terlambat; Kanwil yang "
        "menentukan apakah laporan ini masih diterima.\n")
    assert reports(bot.runtime) == {("B04", 2): ("diajukan", None, None)}  # recorded: the Kanwil may accept it
    (typed,) = replies(await bot.say("/aksi Tapin B12 2026 3 lengkap", PIC))  # late however the year is written
    assert "Perhatian: masa pelaporan B12 2026 sudah ditutup Sabtu, 5 Desember 2026, jadi laporan ini terlambat" \
        in text(typed)
    (staf,) = replies(await bot.say("/aksi Tapin B04 2 lengkap 80", STAF))  # the Kanwil checks after the window
    assert text(staf).startswith("✔️ Laporan Aksi 2 B04 2026 dicatat: <b>lengkap</b>, nilai capaian 80.\n"
                                 "Laporan ini untuk B04 2026; masa pelaporannya ditutup Rabu, 6 Mei 2026.\n")
    assert "terlambat" not in text(staf)
    (named,) = replies(await bot.say("/aksi Tapin B12 2026 3 lengkap 75", STAF))  # the year typed: nothing to add
    assert text(named).startswith("✔️ Laporan Aksi 3 B12 2026 dicatat: <b>lengkap</b>, nilai capaian 75.\n<b>Aksi HAM")
    (same,) = replies(await bot.say("/aksi Tapin B04 2 lengkap 80", STAF))  # nothing changed: nothing to warn of
    assert text(same).startswith("Laporan Aksi 2 B04 2026 sudah tercatat seperti itu; tidak ada yang diubah.\n<b>")
    bot.runtime.clock.set(LAST_DAY_B12)  # the window's last day: on time
    (on_time,) = replies(await bot.say("/aksi Tapin B12 4 lengkap", PIC))
    assert "Perhatian" not in text(on_time) and "ditutup" not in text(on_time)
    bot.runtime.clock.set(AFTER_B12)
    await bot.say("/bahasa en", PIC)
    (english,) = replies(await bot.say("/aksi Tapin B08 5 lengkap", PIC))
    assert "Note: the reporting period of B08 2026 closed on Saturday, 5 September 2026, so this report is late; " \
           "the Kanwil decides whether it is still accepted." in text(english)
    assert not bot.api.refusals


async def test_an_unclear_name_in_a_report_gives_the_corrected_command_to_copy(bot):
    (typo,) = replies(await bot.say("/aksi Tapinn B04 2 lengkap", PIC))
    assert buttons_of(typo) == []  # a button could not carry the report: it would be lost
    assert text(typo).startswith("Wilayah “Tapinn” tidak ditemukan.\nMungkin maksud Anda (ketuk perintahnya untuk "
                                 "menyalin, lalu kirimkan):\n<code>/aksi Kabupaten Tapin B04 2 lengkap</code>")
    assert reports(bot.runtime) == {}
    (year_first,) = replies(await bot.say("/aksi Tapinn 2024 B04 2 tidak lengkap 40 foto <belum> ada", STAF))
    assert "<code>/aksi Kabupaten Tapin 2024 B04 2 tidak lengkap 40 foto &lt;belum&gt; ada</code>" in text(year_first)
    (score,) = replies(await bot.say("/aksi Tapinn B04 nilai 87,5", STAF))
    assert "<code>/aksi Kabupaten Tapin B04 nilai 87,5</code>" in text(score) and buttons_of(score) == []
    (listed,) = replies(await bot.say("/aksi Tapinn jumlah 8", STAF))
    assert "<code>/aksi Kabupaten Tapin jumlah 8</code>" in text(listed) and buttons_of(listed) == []
    assert reports(bot.runtime) == {} and audits(bot.runtime, "aksi.actions") == 0
    (copied,) = replies(await bot.say("/aksi Kabupaten Tapin B04 2 lengkap", PIC))  # the copied command works
    assert text(copied).startswith("✔️ Laporan Aksi 2 B04 2024 dicatat: <b>diajukan</b>")
    (only_mine,) = replies(await bot.say("/aksi Pesisirr B04 2 lengkap", PIC))  # no kab/kota of theirs near it
    assert text(only_mine) == "Wilayah “Pesisirr” tidak ditemukan. Wilayah Anda: Kabupaten Tapin."
    (view,) = replies(await bot.say("/aksi Tapinn", PIC))  # reading: a button still shows the grid
    assert "Kab. Tapin (Kalimantan Selatan)" in [label for label, _ in buttons_of(view)]
    (grid,) = replies(await bot.press(view, "Kab. Tapin (Kalimantan Selatan)", PIC))
    assert "<b>Aksi HAM 2024: Kabupaten Tapin</b>" in text(grid)
    assert not bot.api.refusals


async def test_aksi_alone_is_explained_only_to_those_it_means_something_to(bot):
    (admin,) = replies(await bot.say("/aksi", ADMIN))  # an admin has no kab/kota of their own
    assert "Cara pakai /aksi:" in text(admin) and "saja" not in text(admin)
    (pic,) = replies(await bot.say("/aksi B04 2 lengkap", PIC))
    assert "<code>/aksi Tapin</code>: setiap aksi tahun ini per periode (B04, B08, B12), nilai capaian dan target; " \
           "<code>/aksi</code> saja: kab/kota Anda" in text(pic)
    (viewer,) = replies(await bot.say("/aksi B04 2 lengkap", VIEWER))
    assert "<code>/aksi</code> saja: kab/kota Anda" in text(viewer)
    (staf,) = replies(await bot.say("/aksi B04 2 lengkap", STAF))
    assert "<code>/aksi</code> saja: pilih kab/kota provinsi Anda" in text(staf)
    await bot.say("/bahasa en", ADMIN)
    (english,) = replies(await bot.say("/aksi", ADMIN))
    assert "<code>/aksi Tapin</code>: each action of this year by period (B04, B08, B12), the scores and the " \
           "target\n" in text(english) and "alone" not in text(english)


async def test_english_says_staff_not_staf(bot):
    await bot.say("/bahasa en", PIC)
    (beyond,) = replies(await bot.say("/aksi Tapin B04 7 lengkap", PIC))
    assert text(beyond).endswith("if action 7 does exist, ask the Kanwil staff to change the list.")
    catalog = read_po((LOCALES / "en" / "LC_MESSAGES" / "messages.po").open("rb"))
    leaks = [m.id for m in catalog if m.id and re.search(r"\bstaf\b|\bkab/kota\b", " ".join(
        [m.string] if isinstance(m.string, str) else m.string).replace("staf, pic or pemantau", ""))]
    assert leaks == []  # "staf, pic or pemantau" are the role words typed in /undang


async def test_a_year_typed_with_an_unclear_name_or_a_province_is_kept(bot):
    """``/aksi Tapinn 2023`` used to offer a button that showed this year's grid: the button could not carry the
    year. Now the corrected command (with the year) is given to copy, and a province's kab/kota open that year."""
    (typo,) = replies(await bot.say("/aksi Tapinn 2023", PIC))
    assert buttons_of(typo) == []
    assert "<code>/aksi Kabupaten Tapin 2023</code>" in text(typo)
    (copied,) = replies(await bot.say("/aksi Kabupaten Tapin 2023", PIC))
    assert "<b>Aksi HAM 2023: Kabupaten Tapin</b>" in text(copied)
    (province,) = replies(await bot.say("/aksi Kalsel 2023", STAF))
    assert text(province) == "Pilih kab/kota di Provinsi Kalimantan Selatan:"
    (grid,) = replies(await bot.press(province, "Kab. Tapin", STAF))
    assert "<b>Aksi HAM 2023: Kabupaten Tapin</b>" in text(grid)
    (this_year,) = replies(await bot.say("/aksi Kalsel", STAF))  # without a year: this year, as before
    (current,) = replies(await bot.press(this_year, "Kab. Tapin", STAF))
    assert "<b>Aksi HAM 2024: Kabupaten Tapin</b>" in text(current)
    assert not bot.api.refusals
