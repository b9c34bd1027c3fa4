"""Importing the indicator catalog from a file (``pantau-ham import catalog``): the bounded spreadsheet reader
(size, zip bombs, damaged files, encoding, row count, formulas refused), then ``bot.domain.catalog``."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.i18n import N_
from bot.domain.catalog import CatalogImportError, ImportResult, RowError, replace_catalog
from bot.io.spreadsheets import MAX_BYTES, SpreadsheetError, read_table


def read_rows(path: Path) -> list[list[str]]:
    """All rows of the first sheet (XLSX) or of the CSV file, read by the bounded reader of
    ``bot.io.spreadsheets`` (size, zip bombs, damaged files, encoding, row count); formulas are refused."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SpreadsheetError(N_("Berkas terlalu besar ({size} MB); batasnya 5 MB."),
                                   size=f"{path.stat().st_size / 1024 / 1024:.1f}")
        table = read_table(path.read_bytes(), path.name, ())
    except SpreadsheetError as exc:
        raise CatalogImportError([RowError(0, exc.message, exc.values)]) from None
    if table.formulas:
        raise CatalogImportError([
            RowError(cell.row, N_("sel {cell} berisi rumus; simpan nilainya saja (salin, tempel sebagai nilai)"),
                     {"cell": f"{cell.column}{cell.row}"}) for cell in table.formulas])
    return table.rows


def import_catalog(session: Session, clock: Clock, path: Path, label: str | None = None) -> ImportResult:
    """Validate ``path`` and make it the catalog in force, in the caller's transaction."""
    return replace_catalog(session, clock, read_rows(path), label or path.name)
