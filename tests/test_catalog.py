"""Catalog import: documented columns, CSV and XLSX, row-level errors, all or nothing."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook
from sqlmodel import select

from bot.catalog import CatalogImportError, active_indicators, catalog_in_force, import_catalog, import_sample
from bot.models import Catalog, Indicator


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


GOOD = [
    ["kode", "kriteria", "jenis", "indikator", "bobot"],
    ["1.1", "1", "struktur", "Perda bantuan hukum", "2"],
    ["1.2", "1", "Proses", "Sosialisasi bantuan hukum", ""],
    ["10.1", "10", "hasil", "Layanan perlindungan anak", "1,5"],
]


def test_sample_catalog_has_120_indicators_over_10_criteria(runtime):
    with runtime.session() as session:
        result = import_sample(session, runtime.clock)
        inds = active_indicators(session)
        cat = catalog_in_force(session)
    assert result.total == 120
    assert {i.criterion_number for i in inds} == set(range(1, 11))
    assert {i.kind for i in inds} == {"struktur", "proses", "hasil"}
    assert all(i.text.startswith("[CONTOH]") for i in inds)
    assert cat.is_sample


def test_import_csv(runtime, tmp_path):
    with runtime.session() as session:
        result = import_catalog(session, runtime.clock, write_csv(tmp_path / "k.csv", GOOD))
    assert (result.total, result.added) == (3, 3)
    with runtime.session() as session:
        inds = {i.code: i for i in active_indicators(session)}
        assert not catalog_in_force(session).is_sample
    assert inds["1.1"].weight == 2.0 and inds["1.2"].weight == 1.0 and inds["10.1"].weight == 1.5
    assert inds["1.2"].kind == "proses"


def test_import_xlsx_with_english_headers(runtime, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Code", "Criterion", "Kind", "Text", "Weight"])
    ws.append(["2.1", 2, "struktur", "PPID ditetapkan", 1])
    ws.append(["2.2", 2.0, "hasil", "Informasi publik tersedia", 3])
    path = tmp_path / "k.xlsx"
    wb.save(path)
    with runtime.session() as session:
        result = import_catalog(session, runtime.clock, path)
    assert result.total == 2
    with runtime.session() as session:
        assert session.get(Indicator, "2.2").weight == 3.0


def test_bad_rows_are_all_reported_and_nothing_changes(runtime, tmp_path):
    with runtime.session() as session:
        import_sample(session, runtime.clock)
    bad = GOOD + [
        ["1.1", "1", "struktur", "duplikat", "1"],
        ["3.1", "11", "struktur", "kriteria salah", "1"],
        ["3.2", "3", "keluaran", "jenis salah", "1"],
        ["3.3", "3", "hasil", "", "1"],
        ["3 4", "3", "hasil", "kode berspasi", "1"],
        ["3.5", "3", "hasil", "bobot salah", "-1"],
    ]
    with pytest.raises(CatalogImportError) as err:
        with runtime.session() as session:
            import_catalog(session, runtime.clock, write_csv(tmp_path / "bad.csv", bad))
    assert [e.row for e in err.value.errors] == [5, 6, 7, 8, 9, 10]
    with runtime.session() as session:
        assert len(active_indicators(session)) == 120
        assert len(session.exec(select(Catalog)).all()) == 1


def test_missing_columns(runtime, tmp_path):
    with pytest.raises(CatalogImportError) as err:
        with runtime.session() as session:
            import_catalog(session, runtime.clock, write_csv(tmp_path / "x.csv", [["kode", "teks"], ["1", "a"]]))
    assert err.value.errors[0].values["columns"] == "criterion, kind, text"


def test_reimport_deactivates_missing_codes_and_keeps_them(runtime, tmp_path):
    with runtime.session() as session:
        import_sample(session, runtime.clock)
    with runtime.session() as session:
        result = import_catalog(session, runtime.clock, write_csv(tmp_path / "k.csv", GOOD))
    assert result.deactivated == 120
    with runtime.session() as session:
        assert len(active_indicators(session)) == 3
        assert session.get(Indicator, "1.01").active is False


def test_unknown_format(runtime, tmp_path):
    path = tmp_path / "k.txt"
    path.write_text("x")
    with pytest.raises(CatalogImportError):
        with runtime.session() as session:
            import_catalog(session, runtime.clock, path)


def test_semicolon_csv_from_indonesian_excel(runtime, tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("kode;kriteria;jenis;indikator;bobot\n1.1;1;struktur;Perda bantuan hukum;1,5\n", encoding="utf-8")
    with runtime.session() as session:
        import_catalog(session, runtime.clock, path)
    with runtime.session() as session:
        assert session.get(Indicator, "1.1").weight == 1.5
