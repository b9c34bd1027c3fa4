"""Reading spreadsheets people send, defensively, and writing the ones the bot sends.

Reading (progress and Aksi HAM imports) refuses, before anything is parsed: files over
``MAX_BYTES``; XLSX files that are not a sound zip, that unpack to more than ``MAX_UNPACKED``
bytes or compress suspiciously well (zip bombs); sheets over ``MAX_ROWS`` rows; and cells
holding formulas instead of values (in CSV: a cell starting with ``=``). XLSX is streamed
with openpyxl's ``read_only`` mode. openpyxl is imported inside the functions, never at
module import (idle memory of the bot, issue 8).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.core.errors import UserError
from bot.core.i18n import N_

if TYPE_CHECKING:  # openpyxl itself is imported only when a spreadsheet is read or written
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 60 * 1024 * 1024
MAX_RATIO = 150  # uncompressed / compressed size of one member of the zip
MAX_MEMBERS = 2000
MAX_ROWS = 10_000
MAX_COLUMNS = 50


class SpreadsheetError(UserError):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass(frozen=True)
class FormulaCell:
    row: int
    column: str


@dataclass
class Table:
    """The rows of one sheet as stripped strings; ``formulas`` lists cells that held formulas."""

    sheet: str
    rows: list[list[str]]
    formulas: list[FormulaCell] = field(default_factory=list)


def is_spreadsheet(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".csv"))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_size(size: int | None) -> None:
    if size is not None and size > MAX_BYTES:
        raise SpreadsheetError(N_("Berkas terlalu besar ({size} MB); batasnya 5 MB."),
                               size=f"{size / 1024 / 1024:.1f}")


def _check_zip(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise SpreadsheetError(N_("Berkas Excel (.xlsx) tidak wajar (terlalu banyak bagian); tidak diimpor."))
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > MAX_UNPACKED or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                    raise SpreadsheetError(N_("Berkas Excel (.xlsx) tidak wajar (isi terkompresi berlebihan); tidak "
                                              "diimpor."))
    except zipfile.BadZipFile:
        raise SpreadsheetError(N_("Berkas rusak atau bukan berkas Excel (.xlsx); tidak dapat dibaca.")) from None


def sheet_names(content: bytes, filename: str) -> list[str]:
    """The sheets of an XLSX file (a CSV has one, called after the file)."""
    check_size(len(content))
    if not filename.lower().endswith(".xlsx"):
        return []
    _check_zip(content)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise SpreadsheetError(N_("Berkas rusak atau bukan berkas Excel (.xlsx); tidak dapat dibaca.")) from None
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def read_table(content: bytes, filename: str, sheets: tuple[str, ...]) -> Table:
    """The first sheet named one of ``sheets`` (case-insensitive; none given: the first sheet) of an XLSX,
    or the rows of a CSV."""
    check_size(len(content))
    name = filename.lower()
    if name.endswith(".csv"):
        return _read_csv(content)
    if name.endswith(".xlsx"):
        return _read_xlsx(content, sheets)
    raise SpreadsheetError(N_("Jenis berkas tidak dikenal: gunakan berkas Excel (.xlsx) atau CSV (.csv)."))


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(N_("Berkas CSV harus memakai encoding UTF-8 (Excel: Simpan Sebagai → CSV "
                                  "UTF-8).")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table = Table("CSV", [])
    # a cell may be as long as the file (the rows then name what is too long, e.g. a note over 1,000
    # characters), not csv's default 131,072 characters, which would make it "damaged"
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
            if number > MAX_ROWS:
                raise SpreadsheetError(N_("Terlalu banyak baris (lebih dari {n}); bagi berkas menjadi beberapa "
                                          "bagian."), n=MAX_ROWS)
            cells = [c.strip() for c in row[:MAX_COLUMNS]]
            for i, c in enumerate(cells):
                if c.startswith("="):
                    table.formulas.append(FormulaCell(number, _column_letter(i)))
            table.rows.append(cells)
    except csv.Error:  # a stray carriage return or NUL (found by tests/test_fuzz.py)
        raise SpreadsheetError(N_("Berkas CSV rusak; tidak dapat dibaca.")) from None
    return table


def _read_xlsx(content: bytes, sheets: tuple[str, ...]) -> Table:
    _check_zip(content)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - as above
        raise SpreadsheetError(N_("Berkas rusak atau bukan berkas Excel (.xlsx); tidak dapat dibaca.")) from None
    try:
        wanted = {s.lower() for s in sheets}
        sheet = next((s for s in wb.sheetnames if not wanted or s.strip().lower() in wanted), None)
        if sheet is None:
            raise SpreadsheetError(N_("Lembar “{sheet}” tidak ada di berkas (lembar yang ada: {found})."),
                                   sheet=sheets[0], found=", ".join(wb.sheetnames))
        table = Table(sheet, [])
        try:
            for number, row in enumerate(wb[sheet].iter_rows(max_col=MAX_COLUMNS), start=1):
                if number > MAX_ROWS:
                    raise SpreadsheetError(
                        N_("Terlalu banyak baris (lebih dari {n}); bagi berkas menjadi beberapa bagian."), n=MAX_ROWS)
                cells = []
                for i, cell in enumerate(row):
                    if getattr(cell, "data_type", None) == "f":
                        table.formulas.append(FormulaCell(number, _column_letter(i)))
                    cells.append(_cell_text(getattr(cell, "value", None)))
                table.rows.append(cells)
        except SpreadsheetError:
            raise
        except Exception:  # noqa: BLE001 - as above
            raise SpreadsheetError(N_("Berkas rusak atau bukan berkas Excel (.xlsx); tidak dapat dibaca.")) from None
        return table
    finally:
        wb.close()


# -- writing --------------------------------------------------------------------------------------------------
HEADER_FILL = "DDE7F0"


def new_workbook() -> Workbook:
    from openpyxl import Workbook

    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    return wb


def add_table(wb: Workbook, title: str, header: list[str], rows: list[list[object]], widths: list[int] | None = None,
              percent_columns: tuple[int, ...] = (), link_columns: tuple[int, ...] = ()) -> Worksheet:
    """A sheet with a bold, frozen header row, column widths, percent cells and clickable links."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws: Worksheet = wb.create_sheet(safe_title(title))
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if cell.data_type == "f":  # a note that starts with "=" is text, never a formula
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for col in percent_columns:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = "0.0%"
    for col in link_columns:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            if isinstance(cell.value, str) and cell.value.startswith(("http://", "https://")):
                cell.hyperlink = cell.value
                cell.style = "Hyperlink"
    return ws


def safe_title(title: str) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of ``[]:*?/\\``; a longer one is cut after its
    last whole word, with "…" ("3. Hak turut serta dalam…", not "… dalam pemeri")."""
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    title = " ".join(title.split())
    if len(title) > 31:
        head = title[:31]
        cut = head.rfind(" ")
        title = (head[:cut] if cut > 0 else head[:30]).rstrip(" ,.;-") + "…"
    return title or "Sheet"


def to_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
