"""Aksi HAM scores from a spreadsheet, all or nothing.

The sheet is called ``Aksi HAM`` (XLSX; a CSV is the sheet itself). Columns (first row, any order):

=========== ========= ===========================================================
kolom       column    content
=========== ========= ===========================================================
wilayah     region    the kab/kota: code (``63.05``) or name (``Tapin``)
tahun       year      the year of the report (``2025``)
periode     period    ``B04``, ``B08`` or ``B12``
skor        score     optional score 0-100 (``87,5`` or ``87.5``); empty: reported, no score yet
=========== ========= ===========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot import audit, limits
from bot.aksi import PERIODS, record_report, reports_of
from bot.catalog import RowError
from bot.clock import Clock
from bot.errors import UserError
from bot.i18n import N_
from bot.progress_import import ImportRejected, RegionLookup, body_rows, cell, formula_errors
from bot.reference import RegionRef, regions
from bot.spreadsheets import Table

SHEETS = ("Aksi HAM", "AksiHAM", "Aksi")
HEADERS = {
    "wilayah": "region", "region": "region", "kode wilayah": "region",
    "tahun": "year", "year": "year",
    "periode": "period", "period": "period",
    "skor": "score", "score": "score", "nilai": "score",
}
REQUIRED = ("region", "year", "period")

# may_record(region) -> None when allowed, else a message id (with {region})
RightsCheck = Callable[[RegionRef], str | None]


@dataclass(frozen=True)
class AksiRow:
    row: int
    region: RegionRef
    year: int
    period: str
    score: float | None
    before: float | None
    reported_before: bool


def looks_like_aksi(table: Table) -> bool:
    header = next((r for r in table.rows if any(r)), [])
    return any(h.strip().lower() in ("periode", "period") for h in header)


def plan(session: Session, table: Table, may_record: RightsCheck | None = None,
         now: datetime | None = None) -> list[AksiRow]:
    """Validate every row; ``now`` bounds the years (``bot.limits``: last year to five years ahead)."""
    errors = formula_errors(table)
    col, numbered = body_rows(table, HEADERS, REQUIRED)
    lookup = RegionLookup()
    out: list[AksiRow] = []
    seen: dict[tuple[str, int, str], int] = {}
    for number, row in numbered:

        def get(name: str, row: list[str] = row) -> str:
            return cell(row, col, name)

        row_errors: list[RowError] = []
        region = lookup.region(get("region"), number, row_errors)
        if region is not None and may_record is not None and (refused := may_record(region)):
            row_errors.append(RowError(number, refused, {"region": region.official_name}))
        year_text = get("year")
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
        if year is None:
            row_errors.append(RowError(number, N_("tahun “{value}” tidak sah"), {"value": year_text[:20]}))
        elif now is not None:
            try:
                limits.check_year(year, now)
            except UserError as exc:
                row_errors.append(RowError(number, exc.message, exc.values))
                year = None
        period = get("period").upper()
        if period not in PERIODS:
            row_errors.append(RowError(number, N_("periode “{value}” tidak dikenal: B04, B08 atau B12"),
                                       {"value": get("period")}))
        score_text = get("score")
        score = None
        if score_text:
            try:
                score = float(score_text.replace(",", "."))
                if not 0 <= score <= 100:
                    raise ValueError
            except ValueError:
                row_errors.append(RowError(number, N_("skor “{value}” harus angka 0-100"), {"value": score_text}))
        if not row_errors:
            key = (region.code, year, period)
            if key in seen:
                row_errors.append(RowError(number, N_("{region} {period} {year} sudah ada di baris {other}"),
                                           {"region": region.official_name, "period": period, "year": year,
                                            "other": seen[key]}))
            seen.setdefault(key, number)
        if row_errors:
            errors.extend(row_errors)
            continue
        existing = reports_of(session, region, year).get(period)
        out.append(AksiRow(number, region, year, period, score, existing.score if existing else None,
                           existing is not None))
    if not errors and not out:
        errors.append(RowError(0, N_("Tidak ada baris data di berkas.")))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return out


def changed(rows: list[AksiRow]) -> list[AksiRow]:
    return [r for r in rows if not r.reported_before or (r.score is not None and r.score != r.before)]


def apply(session: Session, clock: Clock, rows: list[AksiRow], actor: int | None, filename: str) -> int:
    todo = changed(rows)
    for r in todo:
        record_report(session, clock, r.region, r.year, r.period, r.score, actor)
    province_codes = {regions()[r.region.code].province_code for r in rows}
    audit.record(session, clock, actor, "aksi.import", f"file:{filename}",
                 province_code=next(iter(province_codes)) if len(province_codes) == 1 else None,
                 after={"file": filename, "rows": len(rows), "changed": len(todo),
                        "changes": [{"region": r.region.code, "year": r.year, "period": r.period,
                                     "before": r.before, "after": r.score} for r in todo]})
    return len(todo)


def rights_of(g) -> RightsCheck:
    from bot import access

    def check(region: RegionRef) -> str | None:
        if not access.allowed(g, access.Action.RECORD_AKSI, region):
            return N_("Anda tidak berwenang mencatat Aksi HAM {region}")
        return None

    return check
