"""Aksi HAM reports from a spreadsheet, all or nothing.

The sheet is called ``Aksi HAM`` (XLSX; a CSV is the sheet itself). Columns (first row, any order,
Indonesian or English names, case-insensitive; other columns are ignored):

=========== ========= ===========================================================================
kolom       column    content
=========== ========= ===========================================================================
wilayah     region    the kab/kota: code (``63.05``) or name (``Tapin``)
tahun       year      the year of the report (``2025``)
periode     period    ``B04``, ``B08`` or ``B12``
aksi        action    optional: the action's number (1..20). Empty or no column: the row is about the
                      period as a whole (the old format: its nilai capaian, or "reported" without one)
judul       title     optional: the action's title (sets the list of actions of that year)
status      state     ``lengkap``, ``tidak lengkap`` or ``diajukan`` (also English); empty: no report
nilai       score     optional nilai capaian 0-100 (``87,5`` or ``87.5``); the old name ``skor`` still reads
catatan     note      optional note (at most 1,000 characters); empty keeps the note
=========== ========= ===========================================================================

A report (a row with a status or a nilai, or a whole period) for a period that has not begun yet (B04 2027
before 1 January 2027) is refused, as ``/aksi`` refuses it; a title alone may be set ahead.
An action number beyond a kab/kota's list of that year lengthens the list (the list never shortens here).
A focal point's ``lengkap`` is recorded as ``diajukan``; nilai, ``tidak lengkap``, whole periods and the list
of actions are the Kanwil's (``bot.domain.access``). A row that changes nothing is never refused for rights, so
a report (``/ekspor``: sheet ``Aksi HAM``, the same columns) sent back changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.core import limits, zones
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_, Term
from bot.core.models import AksiActionReport, AksiReport, AksiStatus
from bot.domain import access, audit, periods
from bot.domain.aksi import (
    MAX_ACTIONS,
    action_reports_of,
    actions_of,
    check_title,
    not_started,
    parse_status,
    record_action,
    record_report,
    reports_of,
    set_list,
)
from bot.domain.catalog import RowError
from bot.domain.people import Grants
from bot.io.progress_import import ImportRejected, RegionLookup, body_rows, cell, formula_errors
from bot.io.spreadsheets import Table
from bot.reference import RegionRef, regions

SHEETS = ("Aksi HAM", "AksiHAM", "Aksi")
HEADERS = {
    "wilayah": "region", "region": "region", "kode wilayah": "region",
    "tahun": "year", "year": "year",
    "periode": "period", "period": "period",
    "aksi": "action", "action": "action", "nomor aksi": "action",
    "judul": "title", "title": "title", "judul aksi": "title",
    "status": "status", "state": "status",
    "nilai": "score", "nilai capaian": "score", "skor": "score", "score": "score",
    "catatan": "note", "note": "note",
}
REQUIRED = ("region", "year", "period")
KANWIL_ONLY = N_("{what} ditetapkan oleh Kanwil; PIC tidak berwenang mengubahnya ({region})")


@dataclass(frozen=True)
class AksiRow:
    row: int
    region: RegionRef
    year: int
    period: str
    action: int | None  # None: the period as a whole (the old format)
    status: AksiStatus | None  # an action's report as it will be stored; None: none in this row
    score: float | None  # nilai capaian
    note: str | None
    before_status: AksiStatus | None
    before: float | None  # the nilai before
    reported_before: bool
    changes: bool


@dataclass(frozen=True)
class ListChange:
    row: int  # the first row that asks for it
    region: RegionRef
    year: int
    count_before: int
    count: int
    titles: dict[int, str] = field(default_factory=dict)  # number -> new title


@dataclass(frozen=True)
class AksiPlan:
    rows: list[AksiRow]
    lists: list[ListChange]

    @property
    def changed(self) -> list[AksiRow]:
        return [r for r in self.rows if r.changes]


@dataclass
class _ListAsk:
    """What the rows of one (kab/kota, year) ask of its list of actions."""

    top: int = 0  # the highest action number named
    top_row: int = 0  # the row that names it
    titles: dict[int, tuple[str, int]] = field(default_factory=dict)  # action -> (title, first row)


@dataclass(frozen=True)
class _Parsed:
    """A row that passed the checks of its own."""

    row: int
    region: RegionRef
    year: int
    period: str
    action: int | None
    status: AksiStatus | None
    score: float | None
    note: str | None


def looks_like_aksi(table: Table) -> bool:
    header = next((r for r in table.rows if any(r)), [])
    return any(h.strip().lower() in ("periode", "period") for h in header)


def _number(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def _score(text: str, number: int, errors: list[RowError]) -> float | None:
    if not text:
        return None
    try:
        score = float(text.replace(",", "."))
        if not 0 <= score <= 100:
            raise ValueError
    except ValueError:
        errors.append(RowError(number, N_("nilai capaian “{value}” harus angka 0–100"), {"value": text[:20]}))
        return None
    return score


def _lists(session: Session, g: Grants | None, wanted: dict[tuple[str, int], _ListAsk], default: int,
           errors: list[RowError]) -> list[ListChange]:
    """What the file asks of each (kab/kota, year)'s list of actions: longer, or new titles."""
    out = []
    for (code, year), ask in wanted.items():
        region = regions()[code]
        current = actions_of(session, region, year, default)
        count = max(current.count, ask.top)
        titles = {n: t for n, (t, _row) in ask.titles.items() if t != (current.title(n) or "")}
        if count == current.count and not titles:
            continue
        first = min([ask.top_row] * (count > current.count) + [row for _t, row in ask.titles.values()])
        if g is not None and not access.is_kanwil(g, region):
            errors.append(RowError(first, KANWIL_ONLY, {"what": Term(N_("Daftar aksi")),
                                                        "region": region.official_name}))
            continue
        out.append(ListChange(first, region, year, current.count, count, titles))
    return out


def plan(session: Session, table: Table, grants: Grants | None = None, now: datetime | None = None,
         default_actions: int = 6) -> AksiPlan:
    """Validate every row; ``grants``: the sender's rights (None: the operator at the CLI); ``now`` bounds
    the years (``bot.core.limits``: last year to five years ahead)."""
    errors = formula_errors(table)
    columns, numbered = body_rows(table, HEADERS, REQUIRED)
    lookup = RegionLookup()
    parsed: list[_Parsed] = []
    seen: dict[tuple[str, int, str, int | None], int] = {}
    wanted: dict[tuple[str, int], _ListAsk] = defaultdict(_ListAsk)
    for number, row in numbered:

        def get(name: str, row: list[str] = row) -> str:
            return cell(row, columns, name)

        row_errors: list[RowError] = []
        region = lookup.region(get("region"), number, row_errors)
        if region is not None and grants is not None and not access.allowed(grants, access.Action.RECORD_AKSI, region):
            row_errors.append(RowError(number, N_("Anda tidak berwenang mencatat Aksi HAM {region}"),
                                       {"region": region.official_name}))
        year = _number(get("year"), 1000, 9999)
        if year is None:
            row_errors.append(RowError(number, N_("tahun “{value}” tidak sah"), {"value": get("year")[:20]}))
        elif now is not None:
            try:
                limits.check_year(year, now)
            except UserError as exc:
                row_errors.append(RowError(number, exc.message, exc.values))
                year = None
        period = get("period").upper()
        if periods.period_of(period, year) is None:
            row_errors.append(RowError(number, N_("periode “{value}” tidak dikenal: {choices}"),
                                       {"value": get("period")[:20], "choices": ", ".join(periods.codes(year))}))
        action = _number(get("action"), 1, MAX_ACTIONS) if get("action") else None
        if get("action") and action is None:
            row_errors.append(RowError(number, N_("aksi “{value}” harus nomor 1–{limit}"),
                                       {"value": get("action")[:20], "limit": MAX_ACTIONS}))
        status = parse_status(get("status")) if get("status") else None
        if get("status") and status is None:
            row_errors.append(RowError(number, N_("status “{value}” tidak dikenal: lengkap, tidak lengkap atau "
                                                  "diajukan"), {"value": get("status")[:30]}))
        score = _score(get("score"), number, row_errors)
        note = get("note") or None
        if note is not None and len(note) > limits.MAX_NOTE:
            row_errors.append(RowError(number, N_("catatan terlalu panjang: {length} karakter, paling banyak {limit}"),
                                       {"length": len(note), "limit": limits.MAX_NOTE}))
        title = get("title")
        try:
            title = check_title(title)
        except UserError as exc:
            row_errors.append(RowError(number, exc.message, exc.values))
        if not get("action") and (get("status") or note or title):
            row_errors.append(RowError(number, N_("kolom aksi kosong: status, judul dan catatan hanya untuk laporan "
                                                  "satu aksi")))
        elif get("action") and not get("status") and (score is not None or note):
            row_errors.append(RowError(number, N_("status kosong: tulis lengkap, tidak lengkap atau diajukan")))
        reports = not get("action") or status is not None or score is not None  # not a title alone
        if reports and now is not None and region is not None and year is not None and (
                refused := not_started(now.astimezone(zones.zone(region.timezone)).date(), year, period)):
            row_errors.append(RowError(number, refused[0], refused[1]))  # as /aksi: not before the period begins
        if row_errors or region is None or year is None:  # a missing region or year is among the errors
            errors.extend(row_errors)
            continue
        key = (region.code, year, period, action)
        if key in seen:
            message = (N_("{region} {period} {year} aksi {action} sudah ada di baris {other}") if action
                       else N_("{region} {period} {year} sudah ada di baris {other}"))
            errors.append(RowError(number, message, {"region": region.official_name, "period": period,
                                                     "year": str(year), "action": action, "other": str(seen[key])}))
            continue
        seen[key] = number
        if action is not None:
            ask = wanted[(region.code, year)]
            if action > ask.top:
                ask.top, ask.top_row = action, number
            if title:
                other = ask.titles.get(action)
                if other is not None and other[0] != title:
                    errors.append(RowError(number, N_("judul aksi {action} berbeda dengan baris {other}"),
                                           {"action": action, "other": str(other[1])}))
                ask.titles.setdefault(action, (title, number))
        parsed.append(_Parsed(number, region, year, period, action, status, score, note))
    lists = _lists(session, grants, wanted, default_actions, errors)
    rows = _rows(session, grants, parsed, lists, default_actions, errors)
    if not errors and not rows:
        errors.append(RowError(0, N_("Tidak ada baris data di berkas.")))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return AksiPlan(rows, lists)


def _rows(session: Session, g: Grants | None, parsed: list[_Parsed], lists: list[ListChange], default: int,
          errors: list[RowError]) -> list[AksiRow]:
    """Each valid row against the database as it is: what it changes, and whether the sender may."""
    cache: dict[tuple[str, int], tuple[dict[str, AksiReport], dict[tuple[str, int], AksiActionReport]]] = {}
    out = []
    for p in parsed:
        number, region, year, period, action, status, score, note = (
            p.row, p.region, p.year, p.period, p.action, p.status, p.score, p.note)
        if (region.code, year) not in cache:
            cache[(region.code, year)] = (reports_of(session, region, year), action_reports_of(session, region, year))
        wholes, actions = cache[(region.code, year)]
        if action is None:
            whole = wholes.get(period)
            changes = whole is None or (score is not None and score != whole.score)
            if changes and g is not None and not access.is_kanwil(g, region):
                what = Term(N_("Nilai capaian dan laporan seluruh periode"))
                errors.append(RowError(number, KANWIL_ONLY, {"what": what, "region": region.official_name}))
            out.append(AksiRow(number, region, year, period, None, None, score, None, None,
                               whole.score if whole else None, whole is not None, changes))
            continue
        report = actions.get((period, action))
        current = AksiStatus(report.status) if report is not None else None
        before_score = report.nilai if report else None
        if status is None:  # the action's row without a report: its title only
            out.append(AksiRow(number, region, year, period, action, None, None, None, current, before_score,
                               report is not None, False))
            continue
        stored = status if g is None else access.aksi_status_as(g, region, status, current)
        nilai_changes = score is not None and score != before_score
        note_changes = note is not None and note != (report.note if report else None)
        changes = report is None or stored is not current or nilai_changes or note_changes
        if g is not None and (refused := access.aksi_refusal(g, region, current, stored, nilai_changes, note_changes)):
            errors.append(RowError(number, refused, {"region": region.official_name}))
        out.append(AksiRow(number, region, year, period, action, stored, score, note, current, before_score,
                           report is not None, changes))
    return out


def changed(plan_or_rows: AksiPlan | list[AksiRow]) -> list[AksiRow]:
    rows = plan_or_rows.rows if isinstance(plan_or_rows, AksiPlan) else plan_or_rows
    return [r for r in rows if r.changes]


def apply(session: Session, clock: Clock, plan: AksiPlan, actor: int | None, filename: str,
          default_actions: int = 6) -> int:
    """Save what ``plan`` changes (validated by :func:`plan` in this same transaction); returns how many
    rows and lists changed. One audit entry for the file, besides those of each report."""
    todo = plan.changed
    for change in plan.lists:
        current = actions_of(session, change.region, change.year, default_actions)
        titles = {n: current.title(n) or "" for n in current.numbers} | change.titles
        set_list(session, clock, change.region, change.year, change.count, titles, default_actions, actor)
    for r in todo:
        if r.action is None:
            record_report(session, clock, r.region, r.year, r.period, r.score, actor)
        elif r.status is not None:  # a row without a status gives a title only: saved with the list above
            record_action(session, clock, None, r.region, r.year, r.period, r.action, r.status, r.score, r.note,
                          actor, default_actions)
    province_codes = {regions()[r.region.code].province_code for r in plan.rows}
    changes: list[dict[str, object]] = [
        {"region": c.region.code, "year": c.year, "count": c.count, "count_before": c.count_before,
         "titles": len(c.titles)} for c in plan.lists]
    changes += [{"region": r.region.code, "year": r.year, "period": r.period, "before": r.before, "after": r.score}
                if r.action is None else
                {"region": r.region.code, "year": r.year, "period": r.period, "action": r.action,
                 "status": r.status.value if r.status else None, "status_before": r.before_status, "after": r.score}
                for r in todo]
    audit.record(session, clock, actor, "aksi.import", f"file:{filename}",
                 province_code=next(iter(province_codes)) if len(province_codes) == 1 else None,
                 after={"file": filename, "rows": len(plan.rows), "changed": len(todo) + len(plan.lists),
                        "changes": changes})
    return len(todo) + len(plan.lists)
