"""Criterion names in a catalog file are checked against the numbers in force, never mapped blindly;
criterion 9's name as the regulation has it, also in a database made before the fix."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook
from sqlmodel import select

from bot.cli.data import error_lines
from bot.cli.main import main
from bot.core.i18n import Translator
from bot.core.models import Catalog, Criterion, Indicator
from bot.domain.catalog import CatalogImportError, import_sample
from bot.domain.seed import sync_reference
from bot.io.catalog_import import import_catalog
from bot.reference import criteria

NINE = "Hak atas lingkungan yang baik dan sehat serta hak atas perumahan yang layak"
TEN = "Hak perempuan dan anak"
HEAD = ["kode", "kriteria", "nama kriteria", "jenis", "indikator"]


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def messages(errors) -> list[str]:
    return error_lines(Translator("id"), errors)


def test_criterion_nine_reads_as_the_regulation():
    assert criteria()[9].name == NINE


def test_a_database_made_before_the_fix_gets_the_name_on_start(runtime):
    with runtime.session() as session:
        session.get(Criterion, 9).name = "Hak atas lingkungan yang baik dan sehat serta perumahan yang layak"
        session.commit()
    with runtime.session() as session:
        sync_reference(session)
        session.commit()
    with runtime.session() as session:
        assert session.get(Criterion, 9).name == NINE


def test_names_in_the_system_order_are_accepted(runtime, tmp_path):
    rows = [HEAD, ["9.01", "9", "Hak atas lingkungan yang baik dan sehat serta perumahan yang layak", "struktur", "A"],
            ["9.02", "9", "HAK ATAS LINGKUNGAN YANG BAIK DAN SEHAT SERTA HAK ATAS PERUMAHAN YANG LAYAK", "proses", "B"],
            ["10.01", "10", "Hak Perempuan dan Anak", "hasil", "C"]]
    with runtime.session() as session:
        result = import_catalog(session, runtime.clock, write_csv(tmp_path / "k.csv", rows))
    assert result.total == 3
    with runtime.session() as session:
        assert session.get(Indicator, "10.01").criterion_number == 10


def test_another_order_is_refused_with_what_the_system_calls_each_number(runtime, tmp_path):
    """Kanwil Babel's 2023 order puts "hak perempuan dan anak" before lingkungan/perumahan."""
    with runtime.session() as session:
        import_sample(session, runtime.clock)
    rows = [HEAD, ["1.01", "1", "Hak atas bantuan hukum", "struktur", "A"],
            ["9.01", "9", TEN, "struktur", "B"], ["9.02", "9", TEN, "proses", "C"],
            ["10.01", "10", "Hak atas lingkungan yang baik dan sehat serta perumahan yang layak", "hasil", "D"]]
    with pytest.raises(CatalogImportError) as err:
        with runtime.session() as session:
            import_catalog(session, runtime.clock, write_csv(tmp_path / "babel.csv", rows))
    lines = messages(err.value.errors)
    assert lines[0].startswith("Nama kriteria di berkas tidak sesuai dengan nomor kriteria di sistem. Urutan kriteria "
                               "berbeda antar sumber")
    assert f"9. {NINE}; 10. {TEN}" in lines[0]
    assert lines[1] == \
        f"baris 3: kriteria 9 di berkas: {TEN}; di sistem: {NINE}. Di sistem, “{TEN}” adalah kriteria 10."
    assert lines[2] == ("baris 5: kriteria 10 di berkas: Hak atas lingkungan yang baik dan sehat serta perumahan yang "
                        f"layak; di sistem: {TEN}. Di sistem, “Hak atas lingkungan yang baik dan sehat serta perumahan "
                        "yang layak” adalah kriteria 9.")
    assert len(lines) == 3  # row 4 repeats row 3's pair: said once
    with runtime.session() as session:  # nothing changed
        assert len(session.exec(select(Catalog)).all()) == 1
        assert session.get(Indicator, "9.01").text.startswith("[CONTOH]")


def test_a_name_that_is_no_criterion_is_refused(runtime, tmp_path):
    rows = [HEAD, ["1.01", "1", "Hak atas air", "struktur", "A"]]
    with pytest.raises(CatalogImportError) as err:
        with runtime.session() as session:
            import_catalog(session, runtime.clock, write_csv(tmp_path / "k.csv", rows))
    assert messages(err.value.errors)[1] == ("baris 2: kriteria 1 di berkas: Hak atas air; di sistem: Hak atas bantuan "
                                             "hukum. Nama itu tidak cocok dengan kriteria mana pun.")


def test_number_and_name_in_one_cell(runtime, tmp_path):
    ok = [["kode", "kriteria", "jenis", "indikator"], ["9.01", f"9. {NINE}", "struktur", "A"],
          ["10.01", "10) Hak perempuan dan anak", "hasil", "B"], ["3.01", "3", "proses", "C"]]
    with runtime.session() as session:
        import_catalog(session, runtime.clock, write_csv(tmp_path / "ok.csv", ok))
    with runtime.session() as session:
        assert {i.code: i.criterion_number for i in session.exec(select(Indicator))} == \
            {"9.01": 9, "10.01": 10, "3.01": 3}
    bad = [["kode", "kriteria", "jenis", "indikator"], ["9.01", f"9. {TEN}", "struktur", "A"]]
    with pytest.raises(CatalogImportError) as err:
        with runtime.session() as session:
            import_catalog(session, runtime.clock, write_csv(tmp_path / "bad.csv", bad))
    assert "Di sistem, “Hak perempuan dan anak” adalah kriteria 10." in messages(err.value.errors)[1]


def test_an_xlsx_with_english_headers_is_checked_too(runtime, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Code", "Criterion", "Criterion name", "Kind", "Text"])
    ws.append(["10.1", 10, "Hak atas pekerjaan", "struktur", "x"])
    path = tmp_path / "k.xlsx"
    wb.save(path)
    with pytest.raises(CatalogImportError) as err:
        with runtime.session() as session:
            import_catalog(session, runtime.clock, path)
    assert "Di sistem, “Hak atas pekerjaan” adalah kriteria 8." in messages(err.value.errors)[1]


def test_the_command_line_import_says_so_and_changes_nothing(monkeypatch, sqlite_url, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    path = write_csv(tmp_path / "babel.csv", [HEAD, ["9.01", "9", TEN, "struktur", "A"]])
    assert main(["import", "catalog", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Impor dibatalkan; katalog tidak berubah" in err
    assert f"baris 2: kriteria 9 di berkas: {TEN}; di sistem: {NINE}. Di sistem, “{TEN}” adalah kriteria 10." in err
