"""Catalog import: documented columns, CSV and XLSX, row-level errors, all or nothing."""

from __future__ import annotations

import csv
import re
from contextlib import contextmanager

import pytest
from openpyxl import Workbook
from sqlmodel import select

from bot.core.models import Catalog, Indicator
from bot.domain.catalog import CatalogImportError, active_indicators, catalog_in_force, import_sample
from bot.io.catalog_import import import_catalog


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def env_cli(monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("PANTAU_CYCLE", "2024/2025")
    return sqlite_url


@contextmanager
def runtime_of(url):
    from sqlmodel import Session

    from bot.core.db import make_engine

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


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
    assert err.value.errors[0].values["columns"] == "kriteria, jenis, indikator"


@pytest.mark.parametrize("header", [
    ["kode", "kriteria", "jenis", "indikator", "bobot"],
    ["code", "criterion", "type", "text", "weight"],  # the English names of the documented columns
    ["Code", "Criterion", "Kind", "Indicator", "Weight"],
    ["Kode Indikator", "Nomor Kriteria", "Jenis_Indikator", "Uraian Indikator", "Bobot"],
    ["\ufeffkode", "kriteria", "jenis", "uraian", "bobot"],  # a BOM before the first header, as Excel writes
])
def test_documented_headers_in_either_language_are_read(runtime, tmp_path, header):
    with runtime.session() as session:
        result = import_catalog(session, runtime.clock, write_csv(tmp_path / "k.csv", [header, *GOOD[1:]]))
    assert result.total == 3
    with runtime.session() as session:
        assert session.get(Indicator, "1.2").text == "Sosialisasi bantuan hukum"


def test_column_errors_name_the_columns_as_the_operator_writes_them(env_cli, tmp_path, capsys):
    from bot.cli.main import main

    cases = [
        (["kode", "kriteria", "jenis", "keterangan", "bobot"],
         "baris 1: Kolom wajib tidak ada: indikator. Kolom: kode, kriteria, jenis, indikator, bobot."),
        (["kode", "code", "kriteria", "jenis", "indikator"], "baris 1: Kolom ganda: kode, code. Setiap kolom hanya "
                                                             "boleh ada sekali."),
        (["code", "criterion", "kind"], "baris 1: Kolom wajib tidak ada: indikator."),
        (["kode"], "baris 1: Kolom wajib tidak ada: kriteria, jenis, indikator."),
    ]
    for header, expected in cases:
        path = write_csv(tmp_path / "k.csv", [header, ["1.1", "1", "struktur", "Perda", "1"]])
        assert main(["import", "catalog", str(path)]) == 1
        err = capsys.readouterr().err
        assert expected in err, err
        assert not re.search(r"\b(code|criterion|kind|text|weight)\b", err.replace("kode, code", "")), err
    with runtime_of(env_cli) as session:
        assert catalog_in_force(session) is None


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


def _fails(runtime, path) -> list[str]:
    """Import ``path`` expecting a refusal; the messages, with the database unchanged."""
    with runtime.session() as session:
        before = len(session.exec(select(Indicator)).all())
    with pytest.raises(CatalogImportError) as info:
        with runtime.session() as session:
            import_catalog(session, runtime.clock, path)
    with runtime.session() as session:
        assert len(session.exec(select(Indicator)).all()) == before
    return [e.message.format(**e.values) for e in info.value.errors]


@pytest.mark.parametrize("name,content,expected", [
    ("acak.xlsx", bytes(range(256)) * 40, "rusak"),
    ("acak.csv", bytes(range(256)) * 40, "UTF-8"),
    ("latin1.csv", "kode,kriteria,jenis,indikator\n1.1,1,struktur,Perda Bantuan Hukum Désa\n".encode("latin-1"),
     "UTF-8"),
    ("rusak.xlsx", b"PK\x03\x04" + b"\x00" * 200, "rusak"),
])
def test_files_that_are_not_spreadsheets_get_a_message(runtime, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    (message,) = _fails(runtime, path)
    assert expected in message


def test_bad_values_are_refused(runtime, tmp_path):
    rows = [GOOD[0], ["1.1", "1", "struktur", "Perda", "inf"], ["1.2", "1", "proses", "Sosialisasi", "nan"],
            ["1.3", "1", "hasil", "x" * 2001, "1"]]
    messages = _fails(runtime, write_csv(tmp_path / "bad.csv", rows))
    assert sum("bobot" in m for m in messages) == 2 and any("terlalu panjang" in m for m in messages)


def test_formulas_and_doubled_columns_are_refused(runtime, tmp_path):
    rows = [GOOD[0], ["1.1", "1", "struktur", '=HYPERLINK("https://contoh.id","Perda")', "1"]]
    (message,) = _fails(runtime, write_csv(tmp_path / "formula.csv", rows))
    assert "D2" in message and "rumus" in message
    wb = Workbook()
    wb.active.append(["kode", "kriteria", "jenis", "indikator", "indikator"])
    wb.active.append(["1.1", "1", "struktur", "Perda", "Perda lain"])
    wb.save(tmp_path / "ganda.xlsx")
    (message,) = _fails(runtime, tmp_path / "ganda.xlsx")
    assert "Kolom ganda: indikator." in message


def test_huge_files_are_refused_quickly(runtime, tmp_path):
    rows = [GOOD[0]] + [[f"1.{i}", "1", "struktur", f"Indikator {i}", "1"] for i in range(20_000)]
    (message,) = _fails(runtime, write_csv(tmp_path / "besar.csv", rows))
    assert "Terlalu banyak baris" in message
    big = tmp_path / "besar.xlsx"
    big.write_bytes(b"0" * (6 * 1024 * 1024))
    (message,) = _fails(runtime, big)
    assert "terlalu besar" in message


def test_the_cli_shows_the_first_50_errors_then_a_count(runtime, tmp_path, monkeypatch, capsys):
    from bot.cli.main import main

    rows = [GOOD[0]] + [[f"1.{i}", "11", "struktur", "Perda", "1"] for i in range(80)]
    path = write_csv(tmp_path / "salah.csv", rows)
    monkeypatch.setenv("DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("PANTAU_CYCLE", "2024/2025")
    assert main(["import", "catalog", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("  baris ") == 50 and "… dan 30 kesalahan lain." in err


def test_status_sees_a_new_catalog_at_once(runtime, tmp_path):
    """The catalog is cached for the status views; an import replaces it (no stale totals)."""
    from bot.domain.checklist import region_progress
    from bot.reference import regions

    tapin = regions()["63.05"]
    with runtime.session() as session:
        import_sample(session, runtime.clock)
    with runtime.session() as session:
        before = region_progress(session, runtime.cycle(session), tapin, runtime.thresholds)
        again = region_progress(session, runtime.cycle(session), tapin, runtime.thresholds)
    assert before.total == again.total == 120 and before.sample_catalog
    with runtime.session() as session:
        import_catalog(session, runtime.clock, write_csv(tmp_path / "k.csv", GOOD))
    with runtime.session() as session:
        after = region_progress(session, runtime.cycle(session), tapin, runtime.thresholds)
    assert after.total == 3 and not after.sample_catalog
    assert sum(c.total for c in after.criteria) == 3
