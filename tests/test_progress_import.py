"""Progress from spreadsheets: all or nothing, bounded, audited; the report imports back unchanged."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlmodel import select

from bot.cli.main import main
from bot.core.models import AuditEntry, ChecklistEntry, IndicatorState
from bot.domain.aksi import record_report, reports_of
from bot.domain.checklist import set_state
from bot.domain.people import Grants
from bot.io import aksi_import, progress_import
from bot.io.export import report, template
from bot.io.progress_import import ImportRejected
from bot.io.spreadsheets import MAX_BYTES, SpreadsheetError, read_table
from bot.reference import provinces, regions

TAPIN = regions()["63.05"]
BANJAR = regions()["63.03"]
KALSEL = provinces()["63"]
HEADER = ["wilayah", "kode", "status", "tautan", "catatan"]


def xlsx(rows: list[list], sheet: str = "Progres", formula_at: str | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    if formula_at:
        ws[formula_at] = "=1+1"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "\n".join(";".join(r) for r in rows).encode()


def snapshot(rt) -> list[tuple]:
    with rt.session() as session:
        return sorted((e.region_code, e.indicator_code, e.state, e.link, e.note)
                      for e in session.exec(select(ChecklistEntry)))


def run_import(rt, content: bytes, name: str = "progres.xlsx", grants: Grants | None = None):
    table = read_table(content, name, progress_import.SHEETS)
    with rt.session() as session:
        cycle = rt.cycle(session)
        plan = progress_import.plan(session, cycle, table, progress_import.rights_of(grants) if grants else None)
        progress_import.apply(session, rt.clock, cycle, plan, 1, name)
    return plan


def messages(exc: ImportRejected, rt) -> list[str]:
    return [f"{e.row}: {rt.t.plain(e.message, **e.values)}" for e in exc.errors]


def test_import_sets_states_links_and_notes_and_audits_once(catalog):
    rows = [HEADER, ["63.05", "1.01", "lengkap", "www.tapinkab.go.id/ppid", ""],
            ["Tapin", "1.02", "proses", "", "menunggu tanda tangan"], ["Kab. Banjar", "2.01", "lengkap", "", ""]]
    plan = run_import(catalog, xlsx(rows))
    assert plan.rows == 3 and len(plan.changes) == 3
    assert snapshot(catalog) == [
        ("63.03", "2.01", "lengkap", None, None),
        ("63.05", "1.01", "lengkap", "https://www.tapinkab.go.id/ppid", None),
        ("63.05", "1.02", "proses", None, "menunggu tanda tangan"),
    ]
    with catalog.session() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "checklist.import")).all()
    assert len(entries) == 1
    after = json.loads(entries[0].after)
    assert after["changed"] == 3 and after["regions"] == {"63.03": 1, "63.05": 2}
    assert {"region": "63.05", "code": "1.02", "before": "belum", "after": "proses",
            "note": "menunggu tanda tangan"} in after["changes"]
    # the same file again changes nothing
    assert run_import(catalog, xlsx(rows)).changes == []


@pytest.mark.parametrize("rows, expected", [
    ([HEADER, ["Atlantis", "1.01", "lengkap", "", ""]], "2: wilayah “Atlantis” tidak dikenal"),
    ([HEADER, ["63.05", "99.99", "lengkap", "", ""]], "2: indikator 99.99 tidak ada di daftar indikator"),
    ([HEADER, ["63.05", "1.01", "selesai", "", ""]], "2: status “selesai” tidak dikenal"),
    ([HEADER, ["Kalsel", "1.01", "lengkap", "", ""]], "2: “Kalsel” adalah provinsi"),
    # a name shared by a province and its capital, or by two kabupaten: ask for the full name, not a code
    ([HEADER, ["Bengkulu", "1.01", "lengkap", "", ""]],
     "2: wilayah “Bengkulu” bisa berarti beberapa wilayah; tulis nama lengkap kab/kotanya, mis. “Kota Bengkulu”"),
    ([HEADER, ["Mura", "1.01", "lengkap", "", ""]],
     "2: wilayah “Mura” bisa berarti beberapa wilayah; tulis nama lengkap kab/kotanya, mis. “Kabupaten Musi Rawas”, "
     "“Kabupaten Murung Raya”"),
    ([HEADER, ["63.05", "1.01", "lengkap", "bukan tautan", ""]], "2: tautan “bukan tautan” bukan alamat web"),
    ([HEADER, ["63.05", "1.01", "lengkap", "https://x.example/" + "a" * 1000, ""]],
     "2: Tautan terlalu panjang: 1.018 karakter, paling banyak 1.000."),
    ([HEADER, ["63.05", "1.01", "lengkap", "", ""], ["Tapin", "1.01", "proses", "", ""]],
     "3: Kabupaten Tapin indikator 1.01 sudah ada di baris 2"),
    ([["wilayah", "kode", "catatan"], ["63.05", "1.01", ""]], "1: Kolom wajib tidak ada: status."),
    ([HEADER], "0: Tidak ada baris data di berkas."),
])
def test_one_bad_row_rejects_the_whole_file(catalog, rows, expected):
    good = [["63.05", "2.01", "lengkap", "", ""]]
    before = snapshot(catalog)
    with pytest.raises(ImportRejected) as exc:
        run_import(catalog, xlsx(rows + good) if len(rows) > 1 else xlsx(rows))
    said = messages(exc.value, catalog)
    assert any(m.startswith(expected) or expected in m for m in said), said
    assert snapshot(catalog) == before


def test_errors_carry_row_numbers_for_every_bad_row(catalog):
    rows = [HEADER] + [["63.05", f"9.{i:02d}", "salah", "", ""] for i in range(1, 13)]
    with pytest.raises(ImportRejected) as exc:
        run_import(catalog, csv_bytes(rows), "progres.csv")
    assert [e.row for e in exc.value.errors] == list(range(2, 14))


def test_formulas_wrong_sheet_big_damaged_and_zip_bomb_files_are_refused(catalog):
    before = snapshot(catalog)
    with pytest.raises(ImportRejected) as exc:
        run_import(catalog, xlsx([HEADER, ["63.05", "1.01", "lengkap", "", ""]], formula_at="E2"))
    assert "sel E2 berisi rumus" in messages(exc.value, catalog)[0]
    with pytest.raises(ImportRejected) as exc:
        run_import(catalog, csv_bytes([HEADER, ["63.05", "1.01", "=HYPERLINK(\"x\")", "", ""]]), "p.csv")
    assert "sel C2 berisi rumus" in " ".join(messages(exc.value, catalog))
    with pytest.raises(SpreadsheetError) as err:
        run_import(catalog, xlsx([HEADER, ["63.05", "1.01", "lengkap", "", ""]], sheet="Lembar1"))
    assert "Lembar “Progres” tidak ada" in catalog.t.plain(err.value.message, **err.value.values)
    with pytest.raises(SpreadsheetError) as err:
        run_import(catalog, b"x" * (MAX_BYTES + 1))
    assert "terlalu besar" in catalog.t.plain(err.value.message, **err.value.values)
    with pytest.raises(SpreadsheetError) as err:
        run_import(catalog, xlsx([HEADER])[:3000])
    assert "rusak" in err.value.message
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    assert len(bomb.getvalue()) < MAX_BYTES
    with pytest.raises(SpreadsheetError) as err:
        run_import(catalog, bomb.getvalue())
    assert "tidak wajar" in err.value.message
    assert snapshot(catalog) == before


PIC_TAPIN = Grants(user_id=444, pic=frozenset({"63.05"}))
STAF_KALSEL = Grants(user_id=333, staf=frozenset({"63"}))


def test_a_focal_point_imports_only_own_region_and_pic_states(catalog):
    with catalog.session() as session:
        set_state(session, catalog.clock, catalog.cycle(session), TAPIN, "1.03",
                  IndicatorState.TERVERIFIKASI, 1)
    before = snapshot(catalog)
    bad = [HEADER, ["63.05", "1.01", "lengkap", "", ""], ["63.03", "1.01", "lengkap", "", ""],
           ["63.05", "1.02", "terverifikasi", "", ""], ["63.05", "1.03", "proses", "", ""]]
    with pytest.raises(ImportRejected) as exc:
        run_import(catalog, xlsx(bad), grants=PIC_TAPIN)
    assert [e.row for e in exc.value.errors] == [3, 4, 5]
    text = messages(exc.value, catalog)
    assert "tidak berwenang mengubah Kabupaten Banjar" in text[0]
    assert "status “terverifikasi” untuk Kabupaten Tapin tidak dapat Anda berikan" in text[1]
    assert snapshot(catalog) == before
    # unchanged verified rows of their own region pass (a template filled in and sent back)
    ok = [HEADER, ["63.05", "1.01", "lengkap", "", ""], ["63.05", "1.03", "terverifikasi", "", ""]]
    assert len(run_import(catalog, xlsx(ok), grants=PIC_TAPIN).changes) == 1
    assert len(run_import(catalog, xlsx(bad[:3] + [["63.05", "1.02", "terverifikasi", "", ""]]),
                          grants=STAF_KALSEL).changes) == 2


def test_export_of_a_province_imports_back_unchanged(catalog):
    run_import(catalog, xlsx([HEADER, ["63.05", "1.01", "lengkap", "https://x.example/a.pdf", "ok"],
                              ["63.71", "3.02", "ditolak", "", "tanpa tanda tangan"]]))
    with catalog.session() as session:  # a note that looks like a formula stays text in the report
        set_state(session, catalog.clock, catalog.cycle(session), BANJAR, "4.01", IndicatorState.PROSES, 1,
                  "=bukan rumus")
        record_report(session, catalog.clock, TAPIN, 2024, "B04", 80.0, 1)
        record_report(session, catalog.clock, TAPIN, 2024, "B08", 90.0, 1)
        record_report(session, catalog.clock, BANJAR, 2024, "B04", None, 1)
    with catalog.session() as session:
        book = report(session, catalog.clock, catalog.cycle(session), KALSEL, catalog.thresholds, catalog.t)
    before = snapshot(catalog)
    plan = run_import(catalog, book.content, book.filename)
    assert plan.rows == 13 * 120 and plan.changes == []
    assert snapshot(catalog) == before
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(book.content))
    assert wb.sheetnames[:3] == ["Ringkasan", "Progres", "Aksi HAM"] and wb.sheetnames[-1] == "Belum lengkap"
    assert len(wb.sheetnames) == 3 + 10 + 1
    summary = wb["Ringkasan"]
    assert summary.freeze_panes == "A2" and summary["F2"].number_format == "0.0%"
    rows = {r[0]: r for r in summary.iter_rows(min_row=2, values_only=True)}
    # Tapin handed 1.01 in; the Kanwil has not verified it: two numbers, and the projection counts neither
    assert rows["63.05"][2:7] == (0, 1, 120, 0, "kurang peduli")
    assert rows["63.05"][7:12] == (80, 90, None, 85, "2024-01-25 10:00 WITA")
    assert rows["63.03"][7:11] == ("dilaporkan", None, None, None)
    assert rows["63.01"][6] == "belum ada data"
    header = next(summary.iter_rows(max_row=1, values_only=True))
    assert header[2:7] == ("terverifikasi Kanwil", "diajukan kab/kota, menunggu verifikasi", "jumlah indikator",
                           "persen terverifikasi", "perkiraan predikat dari kelengkapan data dukung")
    assert header[7:11] == ("Aksi HAM B04 2024", "Aksi HAM B08 2024", "Aksi HAM B12 2024",
                           "rata-rata nilai capaian Aksi HAM 2024")
    progress = wb["Progres"]
    link = next(c for c in progress["G"] if c.value == "https://x.example/a.pdf")
    assert link.hyperlink.target == "https://x.example/a.pdf"
    missing = {(r[0], r[2]) for r in wb["Belum lengkap"].iter_rows(min_row=2, values_only=True)}
    assert ("63.71", "3.02") in missing and ("63.05", "1.01") not in missing and len(missing) == 13 * 120 - 1
    assert "=bukan rumus" in [c.value for c in progress["H"]]
    # the state as a Kanwil says it, never the stored word
    shown = {(r[0], r[2]): r[5] for r in progress.iter_rows(min_row=2, values_only=True)}
    assert shown[("63.71", "3.02")] == "perlu perbaikan"
    assert not [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.strip().lower() == "ditolak"]


def test_template_has_instructions_current_states_and_a_drop_down(catalog):
    run_import(catalog, xlsx([HEADER, ["63.05", "2.03", "proses", "", ""]]))
    with catalog.session() as session:
        book = template(session, catalog.clock, catalog.cycle(session), TAPIN, catalog.t,
                        [IndicatorState.BELUM, IndicatorState.PROSES, IndicatorState.LENGKAP])
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(book.content))
    assert wb.sheetnames == ["Petunjuk", "Progres"]
    assert "Kabupaten Tapin" in wb["Petunjuk"]["A1"].value
    ws = wb["Progres"]
    states = {r[2]: r[5] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(states) == 120 and states["2.03"] == "proses" and states["1.01"] == "belum"
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"belum,proses,lengkap"' and "F2:F121" in str(validation.sqref)
    # filled in and sent back
    ws["F3"] = "lengkap"
    buf = io.BytesIO()
    wb.save(buf)
    plan = run_import(catalog, buf.getvalue(), grants=PIC_TAPIN)
    assert [(c.code, c.after.value) for c in plan.changes] == [("1.02", "lengkap")]


def test_the_template_offers_perlu_perbaikan_and_old_words_still_import(catalog):
    from openpyxl import load_workbook

    with catalog.session() as session:
        book = template(session, catalog.clock, catalog.cycle(session), TAPIN, catalog.t)
    wb = load_workbook(io.BytesIO(book.content))
    (validation,) = wb["Progres"].data_validations.dataValidation
    assert validation.formula1 == '"belum,proses,lengkap,terverifikasi,perlu perbaikan"'
    guide = " ".join(str(row[0].value or "") for row in wb["Petunjuk"].iter_rows())
    assert "perlu perbaikan" in guide and "ditolak)" not in guide and ", ditolak" not in guide
    wb["Progres"]["F2"] = "perlu perbaikan"  # 1.01, picked from the list
    buf = io.BytesIO()
    wb.save(buf)
    plan = run_import(catalog, buf.getvalue(), grants=STAF_KALSEL)
    assert [(c.code, c.after) for c in plan.changes] == [("1.01", IndicatorState.DITOLAK)]
    # files filled in before (the stored word) or in English
    rows = [HEADER, ["Tapin", "1.02", "ditolak", "", ""], ["Tapin", "1.03", "Perlu Perbaikan", "", ""],
            ["Tapin", "1.04", "needs correction", "", ""], ["Tapin", "1.05", "complete", "", ""],
            ["Tapin", "1.06", "perlu-perbaikan", "", ""]]
    plan = run_import(catalog, xlsx(rows), grants=STAF_KALSEL)
    assert [(c.code, c.after.value) for c in plan.changes] == [
        ("1.02", "ditolak"), ("1.03", "ditolak"), ("1.04", "ditolak"), ("1.05", "lengkap"), ("1.06", "ditolak")]
    with pytest.raises(ImportRejected) as caught:
        run_import(catalog, xlsx([HEADER, ["Tapin", "1.07", "ditolak sebagian", "", ""]]))
    (error,) = messages(caught.value, catalog)
    assert "status “ditolak sebagian” tidak dikenal (belum, proses, lengkap; staf Kanwil juga: terverifikasi, perlu " \
        "perbaikan)" in error


def test_aksi_scores_by_spreadsheet(catalog):
    rows = [["wilayah", "tahun", "periode", "skor"], ["Tapin", "2023", "B04", "80"], ["63.03", "2023", "B08", "72,5"]]
    table = read_table(xlsx(rows, sheet="Aksi HAM"), "aksi.xlsx", aksi_import.SHEETS)
    with catalog.session() as session:
        planned = aksi_import.plan(session, table, STAF_KALSEL)
        assert aksi_import.apply(session, catalog.clock, planned, 1, "aksi.xlsx") == 2
    with catalog.session() as session:
        assert reports_of(session, TAPIN, 2023)["B04"].score == 80
        assert reports_of(session, BANJAR, 2023)["B08"].score == 72.5
    bad = rows + [["Tapin", "2025", "B06", "101"], ["Tapin", "2040", "B04", ""]]
    with pytest.raises(ImportRejected) as exc, catalog.session() as session:
        aksi_import.plan(session, read_table(xlsx(bad, sheet="Aksi HAM"), "a.xlsx", aksi_import.SHEETS),
                         PIC_TAPIN, catalog.clock.now())
    text = messages(exc.value, catalog)
    assert text[0].startswith("3: Anda tidak berwenang mencatat Aksi HAM Kabupaten Banjar")
    assert any("periode “B06” tidak dikenal" in m for m in text) and any("nilai capaian “101”" in m for m in text)
    assert "5: Tahun 2040 di luar rentang yang diterima: 2023 sampai 2029." in text


def test_cli_import_export_round_trip(catalog, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", str(catalog.engine.url))
    monkeypatch.setenv("PANTAU_CYCLE", "2024/2025")
    source = tmp_path / "progres.csv"
    source.write_bytes(csv_bytes([HEADER, ["63.05", "1.01", "lengkap", "", ""], ["Tapin", "1.02", "proses", "", ""]]))
    assert main(["import", "progress", str(source), "--dry-run"]) == 0
    assert "2 akan berubah" in capsys.readouterr().out and snapshot(catalog) == []
    assert main(["import", "progress", str(source)]) == 0
    assert "2 baris, 2 berubah" in capsys.readouterr().out
    out = tmp_path / "tapin.xlsx"
    assert main(["export", "Tapin", str(out)]) == 0
    before = snapshot(catalog)
    assert main(["import", "progress", str(out)]) == 0
    assert "120 baris, 0 berubah" in capsys.readouterr().out
    assert snapshot(catalog) == before
    province = tmp_path / "kalsel.xlsx"
    assert main(["export", "Kalsel", str(province)]) == 0
    assert main(["import", "progress", str(province)]) == 0
    assert "Impor selesai: 1.560 baris, 0 berubah, 1.560 tetap." in capsys.readouterr().out  # Indonesian digits
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER] + [["63.05", f"{c}.{i:02d}", "x", "", ""] for c in range(1, 6)
                                          for i in range(1, 13)]))
    assert main(["import", "progress", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "baris 2: status “x” tidak dikenal" in err and "… dan 10 kesalahan lain." in err


def test_import_and_round_trip_on_postgresql(pg_url, clock):
    from bot.domain.catalog import import_sample
    from bot.domain.runtime import Runtime
    from tests.conftest import make_settings

    rt = Runtime.start(make_settings(pg_url), clock)
    try:
        with rt.session() as session:
            import_sample(session, rt.clock)
        run_import(rt, xlsx([HEADER, ["Tapin", "1.01", "lengkap", "www.tapinkab.go.id", ""],
                             ["Tapin", "1.02", "ditolak", "", "ulang"]]))
        with rt.session() as session:
            book = report(session, rt.clock, rt.cycle(session), TAPIN, rt.thresholds, rt.t)
        before = snapshot(rt)
        assert len(before) == 2 and run_import(rt, book.content, book.filename).changes == []
        assert snapshot(rt) == before
    finally:
        rt.engine.dispose()


def test_imported_changes_count_in_the_weekly_changes(catalog):
    from datetime import timedelta

    from bot.domain.audit import changes_since

    run_import(catalog, xlsx([HEADER, ["Tapin", "1.01", "lengkap", "", ""], ["Tapin", "1.02", "proses", "", ""],
                              ["Banjar", "1.01", "lengkap", "", ""], ["Banjar", "1.02", "belum", "", ""]]))
    with catalog.session() as session:
        set_state(session, catalog.clock, catalog.cycle(session), TAPIN, "1.03", IndicatorState.PROSES, 1)
        assert changes_since(session, "63", catalog.clock.now() - timedelta(days=7)) == {"63.05": 3, "63.03": 1}


def test_an_english_report_imports_back_too(catalog):
    from bot.core.i18n import translator

    run_import(catalog, xlsx([HEADER, ["Tapin", "1.01", "lengkap", "https://x.example/a.pdf", "ok"],
                              ["Tapin", "1.02", "ditolak", "", "tanpa tanda tangan"]]))
    with catalog.session() as session:
        book = report(session, catalog.clock, catalog.cycle(session), TAPIN, catalog.thresholds, translator("en"))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(book.content), read_only=True)
    assert wb.sheetnames[:2] == ["Summary", "Progress"]
    shown = [r[5] for r in wb["Progress"].iter_rows(min_row=2, max_row=4, values_only=True)]
    assert shown == ["complete", "needs correction", "not started"]
    before = snapshot(catalog)
    assert run_import(catalog, book.content, book.filename).changes == [] and snapshot(catalog) == before
