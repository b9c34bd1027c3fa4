"""Aksi HAM spreadsheets: old files (wilayah, tahun, periode, skor) still import; the new columns record each
action's report and the list of actions; all or nothing, with the rights of bot/domain/access.py; the report's
sheet "Aksi HAM" imports back unchanged, in Indonesian and in English."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.core.i18n import translator
from bot.core.models import AksiAction, AksiActionReport, AksiReport, AksiStatus, AuditEntry
from bot.domain.aksi import record_action, record_report, set_list
from bot.domain.people import Grants
from bot.io import imports
from bot.io.export import report
from bot.io.progress_import import ImportRejected
from bot.reference import provinces, regions
from tests.fakes import buttons_of
from tests.test_progress_import import messages, xlsx

TAPIN, BANJAR, KALSEL = regions()["63.05"], regions()["63.03"], provinces()["63"]
STAF_KALSEL = Grants(user_id=333, staf=frozenset({"63"}))
PIC_TAPIN = Grants(user_id=444, pic=frozenset({"63.05"}))
NEW = ["wilayah", "tahun", "periode", "aksi", "judul", "status", "nilai", "catatan"]


def state(rt) -> tuple:
    """Everything Aksi HAM in the database (to compare before and after)."""
    with rt.session() as session:
        actions = sorted((a.region_code, a.year, a.number, a.title) for a in session.exec(select(AksiAction)))
        reports = sorted((r.region_code, r.year, r.period, r.action, r.status, r.nilai, r.note)
                         for r in session.exec(select(AksiActionReport)))
        wholes = sorted((r.region_code, r.year, r.period, r.score) for r in session.exec(select(AksiReport)))
    return actions, reports, wholes


def run(rt, content: bytes, grants: Grants | None = STAF_KALSEL, apply: bool = True, name: str = "aksi.xlsx"):
    return imports.run(rt, content, name, kind="aksi", grants=grants, actor=grants.user_id if grants else None,
                       apply=apply)


def test_an_old_file_still_imports_as_before(catalog):
    rows = [["wilayah", "tahun", "periode", "skor"], ["Tapin", "2024", "B04", "80"], ["63.03", "2024", "B08", "72,5"],
            ["Tapin", "2024", "B08", ""]]
    outcome = run(catalog, xlsx(rows, sheet="Aksi HAM"))
    assert (outcome.rows, outcome.changed) == (3, 3)
    assert state(catalog)[2] == [("63.03", 2024, "B08", 72.5), ("63.05", 2024, "B04", 80.0),
                                 ("63.05", 2024, "B08", None)]
    assert state(catalog)[:2] == ([], [])  # no action is invented from a whole period
    assert run(catalog, xlsx(rows, sheet="Aksi HAM")).changed == 0  # the same file again: nothing


def test_the_new_columns_record_actions_titles_and_a_longer_list(catalog):
    rows = [NEW,
            ["Tapin", "2024", "B04", "1", "Layanan bantuan hukum", "lengkap", "85", "laporan dan foto lengkap"],
            ["Tapin", "2024", "B04", "2", "", "tidak lengkap", "40,5", "foto kegiatan belum ada"],
            ["Tapin", "2024", "B04", "8", "Pelatihan aparatur", "diajukan", "", ""],
            ["Tapin", "2024", "B04", "3", "", "", "", ""],  # an action's row without a report: nothing
            ["Tapin", "2024", "B08", "", "", "", "77", ""]]  # the period's nilai, as in the old files
    preview = run(catalog, xlsx(rows, sheet="Aksi HAM"), apply=False)
    assert (preview.rows, preview.changed, preview.unchanged) == (5, 5, 1)  # 4 rows change, and the list
    assert [(c.count_before, c.count, c.titles) for c in preview.aksi_lists] == \
        [(6, 8, {1: "Layanan bantuan hukum", 8: "Pelatihan aparatur"})]
    assert state(catalog) == ([], [], [])  # a preview saves nothing
    run(catalog, xlsx(rows, sheet="Aksi HAM"))
    actions, reports, wholes = state(catalog)
    assert [(n, title) for _c, _y, n, title in actions] == \
        [(1, "Layanan bantuan hukum"), *((n, None) for n in range(2, 8)), (8, "Pelatihan aparatur")]
    assert reports == [("63.05", 2024, "B04", 1, "lengkap", 85.0, "laporan dan foto lengkap"),
                       ("63.05", 2024, "B04", 2, "tidak_lengkap", 40.5, "foto kegiatan belum ada"),
                       ("63.05", 2024, "B04", 8, "diajukan", None, None)]
    assert wholes == [("63.05", 2024, "B08", 77.0)]
    with catalog.session() as session:
        (entry,) = session.exec(select(AuditEntry).where(AuditEntry.action == "aksi.import")).all()
        assert '"changed": 5' in entry.after
        assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "aksi.action")).all()) == 3


def test_a_focal_point_hands_in_and_nothing_more(catalog):
    with catalog.session() as session:
        record_action(session, catalog.clock, STAF_KALSEL, TAPIN, 2024, "B04", 1, AksiStatus.LENGKAP, 90, None, 333, 6)
        record_action(session, catalog.clock, STAF_KALSEL, TAPIN, 2024, "B04", 2, AksiStatus.TIDAK_LENGKAP, None,
                      "tanpa foto", 333, 6)
    ok = [NEW, ["Tapin", "2024", "B04", "1", "", "lengkap", "90", ""],  # as it is (a report sent back): passes
          ["Tapin", "2024", "B04", "2", "", "lengkap", "", "foto menyusul"],  # found incomplete: handed in again
          ["Tapin", "2024", "B04", "3", "", "lengkap", "", ""]]
    assert run(catalog, xlsx(ok, sheet="Aksi HAM"), PIC_TAPIN).changed == 2
    assert state(catalog)[1] == [("63.05", 2024, "B04", 1, "lengkap", 90.0, None),
                                 ("63.05", 2024, "B04", 2, "diajukan", None, "foto menyusul"),
                                 ("63.05", 2024, "B04", 3, "diajukan", None, None)]
    before = state(catalog)
    bad = [NEW, ["Tapin", "2024", "B04", "1", "", "lengkap", "", "catatan baru"],  # found complete: closed
           ["Tapin", "2024", "B04", "4", "", "lengkap", "70", ""],  # a nilai
           ["Tapin", "2024", "B04", "5", "", "tidak lengkap", "", ""],
           ["Tapin", "2024", "B04", "9", "", "lengkap", "", ""],  # a longer list
           ["Tapin", "2024", "B04", "6", "Judul baru", "lengkap", "", ""],  # a title
           ["Tapin", "2024", "B12", "", "", "", "", ""],  # a whole period
           ["Banjar", "2024", "B04", "1", "", "lengkap", "", ""]]
    with pytest.raises(ImportRejected) as caught:
        run(catalog, xlsx(bad, sheet="Aksi HAM"), PIC_TAPIN)
    text = messages(caught.value, catalog)
    assert text == [
        "2: Laporan ini sudah dinyatakan lengkap oleh Kanwil; PIC tidak berwenang mengubahnya.",
        "3: PIC tidak berwenang mencatat nilai capaian; nilai capaian dicatat oleh Kanwil.",
        "4: PIC tidak berwenang menyatakan laporan “tidak lengkap”: itu penilaian Kanwil. PIC mencatat laporan aksi "
        "yang sudah diajukan (lengkap).",
        "5: Daftar aksi ditetapkan oleh Kanwil; PIC tidak berwenang mengubahnya (Kabupaten Tapin)",
        "7: Nilai capaian dan laporan seluruh periode ditetapkan oleh Kanwil; PIC tidak berwenang mengubahnya "
        "(Kabupaten Tapin)",
        "8: Anda tidak berwenang mencatat Aksi HAM Kabupaten Banjar",
    ]
    assert state(catalog) == before  # all or nothing


def test_row_errors_name_the_row_and_change_nothing(catalog):
    bad = [NEW, ["Tapin", "2024", "B04", "21", "", "lengkap", "", ""],
           ["Tapin", "2024", "B04", "2", "", "beres", "", ""],
           ["Tapin", "2024", "B04", "3", "", "", "80", ""],
           ["Tapin", "2024", "B05", "1", "", "lengkap", "", ""],
           ["Tapin", "2024", "B04", "", "", "lengkap", "", ""],
           ["Tapin", "2024", "B04", "4", "", "lengkap", "101", ""],
           ["Tapin", "2024", "B04", "5", "Satu", "lengkap", "", ""],
           ["Tapin", "2024", "B08", "5", "Dua", "lengkap", "", ""],
           ["Tapin", "2024", "B08", "5", "", "lengkap", "", ""]]
    with pytest.raises(ImportRejected) as caught:
        run(catalog, xlsx(bad, sheet="Aksi HAM"))
    text = messages(caught.value, catalog)
    assert text == [
        "2: aksi “21” harus nomor 1–20",
        "3: status “beres” tidak dikenal: lengkap, tidak lengkap atau diajukan",
        "4: status kosong: tulis lengkap, tidak lengkap atau diajukan",
        "5: periode “B05” tidak dikenal: B04, B08, B12",
        "6: kolom aksi kosong: status, judul dan catatan hanya untuk laporan satu aksi",
        "7: nilai capaian “101” harus angka 0–100",
        "9: judul aksi 5 berbeda dengan baris 8",
        "10: Kabupaten Tapin B08 2024 aksi 5 sudah ada di baris 9",
    ]
    assert state(catalog) == ([], [], [])


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_report_carries_an_aksi_ham_sheet_that_imports_back_unchanged(catalog, locale):
    with catalog.session() as session:
        set_list(session, catalog.clock, TAPIN, 2024, 8, {2: "Layanan bantuan hukum", 7: "=bukan rumus"}, 6, 333)
        for n, status in ((1, AksiStatus.LENGKAP), (2, AksiStatus.TIDAK_LENGKAP), (7, AksiStatus.DIAJUKAN)):
            record_action(session, catalog.clock, None, TAPIN, 2024, "B04", n, status, 60.0 + n if n < 7 else None,
                          f"catatan aksi {n}", 333, 6)
        record_report(session, catalog.clock, TAPIN, 2024, "B08", 87.5, 333)
        record_report(session, catalog.clock, BANJAR, 2024, "B04", None, 333)
    t = translator(locale)
    with catalog.session() as session:
        book = report(session, catalog.clock, catalog.cycle(session), KALSEL, catalog.thresholds, t, 6)
    wb = load_workbook(io.BytesIO(book.content))
    sheet = list(wb["Aksi HAM"].iter_rows(values_only=True))
    assert sheet[0] == (("wilayah", "nama wilayah", "tahun", "periode", "aksi", "judul", "status", "nilai", "catatan",
                         "diperbarui") if locale == "id" else
                        ("region", "region name", "year", "period", "action", "title", "state", "score", "note",
                         "updated"))
    tapin = [r for r in sheet[1:] if r[0] == "63.05"]
    assert len(tapin) == 3 * 8 + 1  # every action in every period, and B08 as a whole
    assert tapin[1][3:9] == ("B04", 2, "Layanan bantuan hukum", "tidak lengkap" if locale == "id" else "incomplete",
                             62, "catatan aksi 2")
    assert ("63.05", "Kabupaten Tapin", 2024, "B08", None, None, None, 87.5) in [r[:8] for r in tapin]
    assert ("63.03", "Kabupaten Banjar", 2024, "B04", None, None, None, None) in [r[:8] for r in sheet]
    summary = {r[0]: r for r in wb[t.gettext("Ringkasan")].iter_rows(min_row=2, values_only=True)}
    assert summary["63.05"][7:11] == ("2/8 aksi dilaporkan" if locale == "id" else "2/8 actions reported", 87.5,
                                      None, 87.5)
    assert summary["63.03"][7] == ("dilaporkan" if locale == "id" else "reported")
    before = state(catalog)
    outcome = run(catalog, book.content, name=book.filename)
    assert outcome.changed == 0 and outcome.rows == len(sheet) - 1
    assert state(catalog) == before
    with catalog.session() as session:  # a focal point's own region, sent back: nothing to refuse
        own = report(session, catalog.clock, catalog.cycle(session), TAPIN, catalog.thresholds, t, 6)
    assert run(catalog, own.content, PIC_TAPIN, name=own.filename).changed == 0
    assert state(catalog) == before


def test_the_cli_imports_the_aksi_ham_sheet(catalog, tmp_path, monkeypatch, capsys):
    from bot.cli.main import main

    monkeypatch.setenv("DATABASE_URL", str(catalog.engine.url))
    year = datetime.now(UTC).year  # the CLI runs on the system's clock
    path = tmp_path / "aksi.xlsx"
    path.write_bytes(xlsx([NEW, ["Tapin", str(year), "B04", "1", "", "lengkap", "80", ""]], sheet="Aksi HAM"))
    assert main(["import", "aksi", str(path), "--dry-run"]) == 0
    assert state(catalog)[1] == []
    assert main(["import", "aksi", str(path)]) == 0
    assert state(catalog)[1] == [("63.05", year, "B04", 1, "lengkap", 80.0, None)]
    assert "1 berubah" in capsys.readouterr().out


def _edited(content: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    edit(wb["Aksi HAM"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def test_the_report_filled_in_and_sent_to_the_bot_imports_both_sheets_together(bot):
    from tests.conftest import STAF, replies
    from tests.test_files import send_file

    await bot.say("/aksi Tapin 2024 jumlah 7", STAF)
    calls = await bot.say("/ekspor Tapin", STAF)
    (doc,) = [c for c in calls if c.method == "sendDocument"]
    (content,) = doc.files.values()
    (same,) = replies(await send_file(bot, STAF, content, name="laporan.xlsx"))
    assert "120 baris sah: 0 berubah, 120 tetap." in same.params["text"]
    assert "<b>Pratinjau impor Aksi HAM</b>" in same.params["text"] and "21 baris sah: 0 berubah, 21 tetap." \
        in same.params["text"]
    assert "Tidak ada yang berubah" in same.params["text"] and not buttons_of(same)

    def fill(ws) -> None:  # the Kanwil fills in two actions of B04 in the report's sheet
        for row in ws.iter_rows(min_row=2):
            if row[3].value == "B04" and row[4].value == 2:
                row[6].value, row[7].value, row[8].value = "lengkap", 85, "laporan lengkap"
            if row[3].value == "B04" and row[4].value == 7:
                row[5].value, row[6].value = "Pelatihan aparatur", "tidak lengkap"

    (preview,) = replies(await send_file(bot, STAF, _edited(content, fill), name="laporan.xlsx"))
    assert "• Kabupaten Tapin B04 2024 Aksi 2: belum dilaporkan → lengkap, nilai capaian 85" in preview.params["text"]
    assert "• Kabupaten Tapin B04 2024 Aksi 7: belum dilaporkan → tidak lengkap" in preview.params["text"]
    (done,) = replies(await bot.press(preview, "✅ Kirim", STAF))
    assert "3 baris berubah" in done.params["text"]  # two reports and a title
    assert state(bot.runtime)[1] == [("63.05", 2024, "B04", 2, "lengkap", 85.0, "laporan lengkap"),
                                     ("63.05", 2024, "B04", 7, "tidak_lengkap", None, None)]

    def spoil(ws) -> None:
        ws.cell(row=3, column=7).value = "beres"

    before = state(bot.runtime)
    (rejected,) = replies(await send_file(bot, STAF, _edited(content, spoil), name="laporan.xlsx"))
    assert "• Lembar “Aksi HAM”:\n• baris 3: status “beres” tidak dikenal" in rejected.params["text"]
    assert state(bot.runtime) == before
    assert not bot.api.refusals


def test_a_report_for_a_period_that_has_not_begun_refuses_the_whole_file(catalog):
    """25 January 2024: B04 2025 covers January–April 2025; as /aksi, the file is refused, nothing changes; a title
    alone for next year may be set ahead."""
    ahead = [NEW, ["Tapin", "2024", "B04", "1", "", "lengkap", "80", ""],
             ["Tapin", "2025", "B04", "2", "", "lengkap", "", ""],
             ["Tapin", "2025", "B08", "", "", "", "70", ""]]
    with pytest.raises(ImportRejected) as caught:
        run(catalog, xlsx(ahead, sheet="Aksi HAM"))
    assert messages(caught.value, catalog) == [
        "3: Periode B04 2025 belum dimulai; laporannya dapat dicatat mulai 1 Januari 2025.",
        "4: Periode B08 2025 belum dimulai; laporannya dapat dicatat mulai 1 Januari 2025.",
    ]
    assert state(catalog) == ([], [], [])
    run(catalog, xlsx([NEW, ["Tapin", "2025", "B04", "1", "Layanan ramah disabilitas", "", "", ""]], sheet="Aksi HAM"))
    assert state(catalog)[0][0] == ("63.05", 2025, 1, "Layanan ramah disabilitas")
