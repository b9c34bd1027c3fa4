"""Checklist progress from a spreadsheet: validate every row, preview, then apply all or nothing.

The sheet is called ``Progres`` (XLSX; a CSV is the sheet itself). Columns (first row, any order,
Indonesian or English names, case-insensitive; other columns are ignored):

=========== ========= ==================================================================
kolom       column    content
=========== ========= ==================================================================
wilayah     region    the kab/kota: Kemendagri code (``63.05``) or name (``Tapin``)
kode        code      indicator code (``3.02``)
status      state     ``belum``, ``proses``, ``lengkap``, ``terverifikasi``, ``perlu perbaikan``
                      (as the bot shows them, in Indonesian or English; ``ditolak`` is still read)
tautan      link      optional data-dukung link (``https://…`` or ``www.…``); empty keeps it
catatan     note      optional note; empty keeps it
=========== ========= ==================================================================

The template (``/templat``) and the report (``/ekspor``) carry exactly this sheet, so an
exported report imported again changes nothing. Any invalid row rejects the whole file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from bot.core import limits
from bot.core.clock import Clock
from bot.core.i18n import N_, Term
from bot.core.ids import key_of
from bot.core.models import ChecklistEntry, Cycle, IndicatorState
from bot.domain import audit, decisions
from bot.domain.catalog import RowError, RowsRejected, active_indicators
from bot.domain.checklist import STATE_LABELS, normalise_link, parse_state
from bot.domain.regions import resolve
from bot.io.spreadsheets import Table
from bot.reference import RegionRef, provinces, regions

if TYPE_CHECKING:
    from bot.domain.people import Grants

SHEETS = ("Progres", "Progress")
HEADERS = {
    "wilayah": "region", "region": "region", "kode wilayah": "region",
    "kode": "code", "code": "code", "kode indikator": "code",
    "status": "state", "state": "state",
    "tautan": "link", "link": "link", "tautan data dukung": "link",
    "catatan": "note", "note": "note",
}
REQUIRED = ("region", "code", "state")
MAX_NOTE = limits.MAX_NOTE
SHOWN_ERRORS = 50

# may_change(region, before, after, changes) -> None when allowed, else a message id (with {region}, {code},
# {state}); ``changes``: whether the row changes the state, link or note (or is the same as stored)
RightsCheck = Callable[[RegionRef, IndicatorState, IndicatorState, bool], str | None]


class ImportRejected(RowsRejected):
    """A progress or Aksi HAM file refused."""


@dataclass(frozen=True)
class RowChange:
    row: int
    region: RegionRef
    code: str
    before: IndicatorState
    after: IndicatorState
    link: tuple[str | None, str | None]  # before, after
    note: tuple[str | None, str | None]


@dataclass
class RegionSummary:
    region: RegionRef
    rows: int = 0
    changes: list[RowChange] = field(default_factory=list)

    @property
    def transitions(self) -> Counter[tuple[IndicatorState, IndicatorState]]:
        return Counter((c.before, c.after) for c in self.changes if c.before is not c.after)


@dataclass
class Plan:
    rows: int
    regions: dict[str, RegionSummary]

    @property
    def changes(self) -> list[RowChange]:
        return [c for s in self.regions.values() for c in s.changes]

    @property
    def unchanged(self) -> int:
        return self.rows - len(self.changes)


def header_map(header: list[str], known: dict[str, str], required: tuple[str, ...]) -> dict[str, int]:
    names = [known.get(re.sub(r"\s+", " ", h.strip().lower())) for h in header]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if doubled:  # which of two "status" columns counts? Neither: the file is refused, as the catalog import does
        raise ImportRejected([RowError(1, N_("Kolom ganda: {columns}. Setiap kolom hanya boleh ada sekali."),
                                       {"columns": ", ".join(_column_label(c) for c in doubled)})])
    missing = [c for c in required if c not in names]
    if missing:
        raise ImportRejected([RowError(1, N_("Kolom wajib tidak ada: {columns}."),
                                       {"columns": ", ".join(_column_label(c) for c in missing)})])
    return {name: names.index(name) for name in set(names) if name}


def _column_label(name: str) -> str:
    return {"region": "wilayah", "code": "kode", "state": "status", "link": "tautan", "note": "catatan",
            "year": "tahun", "period": "periode", "score": "skor"}.get(name, name)


def body_rows(table: Table, known: dict[str, str], required: tuple[str, ...],
              ) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The header's columns and the non-empty rows under it, each with its spreadsheet row number
    (leading empty rows skipped); raises :class:`ImportRejected` for an empty file or missing columns."""
    rows = table.rows
    while rows and not any(rows[0]):
        rows = rows[1:]
    if not rows:
        raise ImportRejected([RowError(0, N_("Berkas kosong."))])
    col = header_map(rows[0], known, required)
    first = len(table.rows) - len(rows) + 2
    return col, [(number, row) for number, row in enumerate(rows[1:], start=first) if any(c.strip() for c in row)]


def cell(row: list[str], col: dict[str, int], name: str) -> str:
    """The stripped value of column ``name`` in ``row`` ("" when the column or the cell is missing)."""
    i = col.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""


def formula_errors(table: Table) -> list[RowError]:
    return [RowError(f.row, N_("sel {cell} berisi rumus; isi dengan nilai, bukan rumus"),
                     {"cell": f"{f.column}{f.row}"}) for f in table.formulas]


class RegionLookup:
    """A typed region cell -> a kab/kota, caching each distinct value."""

    def __init__(self) -> None:
        self._cache: dict[str, RegionRef | RowError] = {}

    def __call__(self, text: str, row: int) -> RegionRef | RowError:
        if text not in self._cache:
            self._cache[text] = self._find(text)
        found = self._cache[text]
        if isinstance(found, RowError):
            return RowError(row, found.message, found.values)
        return found

    def region(self, text: str, row: int, errors: list[RowError]) -> RegionRef | None:
        """The kab/kota of a region cell, or None with the reason added to ``errors``."""
        found = self(text, row)
        if isinstance(found, RowError):
            errors.append(found)
            return None
        return found

    @staticmethod
    def _find(text: str) -> RegionRef | RowError:
        if not text:
            return RowError(0, N_("kolom wilayah kosong"))
        code = text.strip()
        if re.fullmatch(r"\d\d\.\d", code):  # 63.1 from a spreadsheet that took 63.10 for a number
            code += "0"
        if code in regions():
            return regions()[code]
        if code in provinces():
            return RowError(0, N_("“{value}” adalah provinsi; sebutkan kab/kota"), {"value": text})
        resolution = resolve(text)
        if resolution.region is not None and not resolution.suggestions:
            return resolution.region
        if resolution.province is not None:
            return RowError(0, N_("“{value}” adalah provinsi; sebutkan kab/kota"), {"value": text})
        if resolution.is_ambiguous:  # "Bengkulu": the province or Kota Bengkulu; "Mura": two kabupaten
            named = [c for c in resolution.candidates if isinstance(c, RegionRef)]
            if not named:
                return RowError(0, N_("“{value}” adalah provinsi; sebutkan kab/kota"), {"value": text})
            return RowError(0, N_("wilayah “{value}” bisa berarti beberapa wilayah; tulis nama lengkap kab/kotanya, "
                                  "mis. {examples}"),
                            {"value": text, "examples": ", ".join(f"“{r.official_name}”" for r in named)})
        return RowError(0, N_("wilayah “{value}” tidak dikenal"), {"value": text})


def plan(session: Session, cycle: Cycle, table: Table, may_change: RightsCheck | None = None) -> Plan:
    """Validate every row against the database as it is now; raise :class:`ImportRejected` listing all problems."""
    errors = formula_errors(table)
    columns, numbered = body_rows(table, HEADERS, REQUIRED)
    codes = {ind.code for ind in active_indicators(session)}
    lookup = RegionLookup()
    entries: dict[tuple[str, str], ChecklistEntry] = {}
    seen: dict[tuple[str, str], int] = {}
    parsed: list[tuple[int, RegionRef, str, IndicatorState, str | None, str | None]] = []
    for number, row in numbered:

        def get(name: str, row: list[str] = row) -> str:
            return cell(row, columns, name)

        row_errors: list[RowError] = []
        region = lookup.region(get("region"), number, row_errors)
        code = get("code")
        if code not in codes and re.fullmatch(r"\d+\.\d", code) and f"{code}0" in codes:
            code += "0"  # 1.1 from a spreadsheet that took 1.10 for a number
        if not code:
            row_errors.append(RowError(number, N_("kode indikator kosong")))
        elif code not in codes:
            row_errors.append(RowError(number, N_("indikator {code} tidak ada di daftar indikator"), {"code": code}))
        state_text = get("state")
        state = parse_state(state_text)
        if state is None:
            row_errors.append(RowError(number, N_("status “{value}” tidak dikenal (belum, proses, lengkap; "
                                                  "staf Kanwil juga: terverifikasi, perlu perbaikan)"),
                                       {"value": state_text}))
        link_text, note = get("link"), get("note")
        link = normalise_link(link_text) if link_text else None
        if link_text and link is None and len(link_text) <= limits.MAX_LINK:
            row_errors.append(RowError(number, N_("tautan “{value}” bukan alamat web (https://… atau www.…)"),
                                       {"value": link_text[:60]}))
        if len(link_text) > limits.MAX_LINK:
            row_errors.append(RowError(number, limits.TOO_LONG["link"],
                                       {"length": len(link_text), "limit": limits.MAX_LINK}))
        elif len(note) > MAX_NOTE:
            row_errors.append(RowError(number, limits.TOO_LONG["note"],
                                       {"length": len(note), "limit": MAX_NOTE}))
        if region is not None and code in codes:
            key = (region.code, code)
            if key in seen:
                row_errors.append(RowError(number, N_("{region} indikator {code} sudah ada di baris {other}"),
                                           {"region": region.official_name, "code": code, "other": str(seen[key])}))
            seen.setdefault(key, number)
        if row_errors or region is None or state is None:  # a missing region or state is among the errors
            errors.extend(row_errors)
            continue
        parsed.append((number, region, code, state, link, note or None))
    region_codes = sorted({p[1].code for p in parsed})
    if region_codes:
        for stored in session.exec(select(ChecklistEntry).where(
                ChecklistEntry.cycle_id == cycle.id, col(ChecklistEntry.region_code).in_(region_codes))):
            entries[(stored.region_code, stored.indicator_code)] = stored
    summaries: dict[str, RegionSummary] = {}
    for number, region, code, state, link, given_note in parsed:
        entry = entries.get((region.code, code))
        before = IndicatorState(entry.state) if entry else IndicatorState.BELUM
        old_link, old_note = (entry.link, entry.note) if entry else (None, None)
        new_link = link if link is not None else old_link
        new_note = given_note if given_note is not None else old_note
        changes = (before, old_link, old_note) != (state, new_link, new_note)
        if may_change is not None:
            refused = may_change(region, before, state, changes)
            if refused:
                errors.append(RowError(number, refused, {"region": region.official_name, "code": code,
                                                         "state": Term(STATE_LABELS[state])}))
                continue
        summary = summaries.setdefault(region.code, RegionSummary(region))
        summary.rows += 1
        if changes:
            summary.changes.append(RowChange(number, region, code, before, state, (old_link, new_link),
                                             (old_note, new_note)))
    if not errors and not parsed:
        errors.append(RowError(0, N_("Tidak ada baris data di berkas.")))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return Plan(len(parsed), dict(sorted(summaries.items())))


def apply(session: Session, clock: Clock, cycle: Cycle, the_plan: Plan, actor: int | None, filename: str) -> None:
    """Write every change of ``the_plan`` and one audit entry for the file, in the caller's transaction."""
    now = clock.now()
    changes = the_plan.changes
    keys = {(c.region.code, c.code) for c in changes}
    existing: dict[tuple[str, str], ChecklistEntry] = {}
    if keys:
        for stored in session.exec(select(ChecklistEntry).where(
                ChecklistEntry.cycle_id == cycle.id,
                col(ChecklistEntry.region_code).in_(sorted({k[0] for k in keys})))):
            existing[(stored.region_code, stored.indicator_code)] = stored
    for c in changes:
        entry = existing.get((c.region.code, c.code))
        if entry is None:
            entry = ChecklistEntry(cycle_id=key_of(cycle), region_code=c.region.code, indicator_code=c.code,
                                   state=c.after.value, updated_at=now)
            session.add(entry)
        entry.state = c.after.value
        entry.link = c.link[1]
        entry.note = c.note[1]
        entry.updated_at = now
        entry.updated_by = actor
        reason = c.note[1] if c.note[0] != c.note[1] else None  # a note given with a sending back is its reason
        decisions.changed(session, clock, entry, c.before, c.after, actor, reason)
    region_codes = list(the_plan.regions)
    province_codes = {regions()[code].province_code for code in region_codes}
    audit.record(
        session, clock, actor, "checklist.import", f"file:{filename}",
        region_code=region_codes[0] if len(region_codes) == 1 else None,
        province_code=next(iter(province_codes)) if len(province_codes) == 1 else None,
        after={
            "file": filename, "rows": the_plan.rows, "changed": len(changes), "unchanged": the_plan.unchanged,
            "regions": {code: len(s.changes) for code, s in the_plan.regions.items()},
            "changes": [{"region": c.region.code, "code": c.code, "before": c.before.value, "after": c.after.value,
                         **({"link": c.link[1]} if c.link[0] != c.link[1] else {}),
                         **({"note": c.note[1]} if c.note[0] != c.note[1] else {})} for c in changes],
        },
    )
    session.flush()


def rights_of(g: Grants) -> RightsCheck:
    """The sender's limits (``bot.domain.access``): their own kab/kota or province, and the changes they may make
    there (``may_set_state``, as for ``/tandai``: the states a PIC may set, and a verified indicator's
    state, link and note are the Kanwil's). A row that changes nothing is not checked against the
    state rights, so a template or report sent back unchanged passes."""
    from bot.domain import access

    def check(region: RegionRef, before: IndicatorState, after: IndicatorState, changes: bool) -> str | None:
        if not access.allowed(g, access.Action.EDIT_CHECKLIST, region):
            return N_("Anda tidak berwenang mengubah {region}")
        if changes and not access.may_set_state(g, region, after, before):
            if before is IndicatorState.TERVERIFIKASI:
                return N_("indikator {code} {region} sudah diverifikasi Kanwil; status, tautan dan catatannya "
                          "hanya dapat diubah staf Bidang HAM")
            return N_("status “{state}” untuk {region} tidak dapat Anda berikan (hanya staf Bidang HAM)")
        return None

    return check
