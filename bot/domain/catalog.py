"""The indicator catalog: import from a spreadsheet (CSV or XLSX), all or nothing.

Columns (first row, Indonesian or English names, any order, case-insensitive; spaces or underscores between
words; other columns are ignored). Errors name a column by its Indonesian name (``LABELS``):

==================================== ======================================= ================================
kolom                                column                                  content
==================================== ======================================= ================================
kode (kode indikator)                code (indicator code)                   indicator code, unique, no spaces
kriteria (nomor kriteria)            criterion                               criterion number 1-10
jenis (jenis indikator)              kind, type                              ``struktur``, ``proses``, ``hasil``
indikator (uraian, uraian indikator) text, indicator                         the indicator text
bobot                                weight                                  optional positive number (default 1)
nama kriteria                        criterion name                          optional: the criterion's name
==================================== ======================================= ================================

The criterion's name may also be written in ``kriteria`` itself: ``9. Hak atas ...``.

Criterion names, where the file gives them, are checked against the criterion numbers in force
(``bot/domain/criterion_names.py``): the order differs between sources, so a name under another number
refuses the import and says which number the system gives it.

An import replaces the catalog in force: new codes are added, known ones updated, and
codes missing from the file are deactivated (kept, with any progress, for the record).
"""

from __future__ import annotations

import csv
import math
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.i18n import N_
from bot.core.ids import key_of
from bot.core.models import Catalog, Indicator, IndicatorKind
from bot.domain import criterion_names
from bot.reference import SAMPLE_CATALOG, criteria

HEADERS = {
    "kode": "code",
    "code": "code",
    "kode indikator": "code",
    "indicator code": "code",
    "kriteria": "criterion",
    "criterion": "criterion",
    "nomor kriteria": "criterion",
    "jenis": "kind",
    "kind": "kind",
    "type": "kind",
    "jenis indikator": "kind",
    "indikator": "text",
    "uraian": "text",
    "uraian indikator": "text",
    "text": "text",
    "indicator": "text",
    "bobot": "weight",
    "weight": "weight",
    "nama kriteria": "criterion_name",
    "criterion name": "criterion_name",
}
# A column as the operator writes it (the Indonesian name; the documented headers list both languages).
LABELS = {"code": "kode", "criterion": "kriteria", "kind": "jenis", "text": "indikator", "weight": "bobot",
          "criterion_name": "nama kriteria"}
REQUIRED = ("code", "criterion", "kind", "text")
MAX_TEXT = 2000  # characters of one indicator's text
MAX_WEIGHT = 100.0
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_/]{0,19}$")


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number (the header is row 1); 0 for the file as a whole
    message: str  # a gettext message id, translated where it is shown
    values: dict[str, object] = field(default_factory=dict)


class RowsRejected(Exception):
    """A file refused as a whole (an import is all or nothing), with every row's reason."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


class CatalogImportError(RowsRejected):
    """An indicator catalog refused."""


@dataclass(frozen=True)
class ImportResult:
    catalog_id: int
    added: int
    updated: int
    deactivated: int
    total: int


@dataclass(frozen=True)
class ParsedIndicator:
    code: str
    criterion: int
    kind: str
    text: str
    weight: float
    position: int


def parse(rows: list[list[str]]) -> list[ParsedIndicator]:
    """Validate every row; raise :class:`CatalogImportError` listing every problem found."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise CatalogImportError([RowError(0, N_("Berkas kosong."))])
    header = [HEADERS.get(_header_key(h)) for h in rows[0]]
    doubled = [h for h in dict.fromkeys(header) if h and header.count(h) > 1]
    if doubled:  # named as the file writes them: "indikator", or "kode, code" (two names of one column)
        written = [", ".join(dict.fromkeys(h.replace("\ufeff", "").strip()
                                           for h, name in zip(rows[0], header, strict=True) if name == d))
                   for d in doubled]
        raise CatalogImportError([RowError(1, N_("Kolom ganda: {columns}. Setiap kolom hanya boleh ada sekali."),
                                           {"columns": "; ".join(written)})])
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CatalogImportError(
            [RowError(1, N_("Kolom wajib tidak ada: {columns}. Kolom: kode, kriteria, jenis, indikator, bobot."),
                      {"columns": ", ".join(LABELS[c] for c in missing)})]
        )
    col = {name: header.index(name) for name in set(header) if name}
    errors: list[RowError] = []
    parsed: list[ParsedIndicator] = []
    seen: dict[str, int] = {}
    known_criteria = criteria()
    named: dict[tuple[int, str], int] = {}  # (criterion number, name in the file) -> first row
    for number, row in enumerate(rows[1:], start=2):
        def get(name: str, row: list[str] = row) -> str:
            i = col.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        code, crit, kind, text, weight_raw = get("code"), get("criterion"), get("kind"), get("text"), get("weight")
        crit, inline_name = criterion_names.split_inline(crit)
        crit_name = get("criterion_name") or inline_name
        row_errors: list[RowError] = []
        if not CODE_RE.match(code):
            row_errors.append(RowError(number, N_("kode “{code}” tidak sah (tanpa spasi, maks. 20 karakter)"),
                                       {"code": code}))
        elif code in seen:
            row_errors.append(RowError(number, N_("kode {code} sudah dipakai di baris {other}"),
                                       {"code": code, "other": str(seen[code])}))
        try:
            crit_number = int(float(crit))
            if crit_number not in known_criteria:
                raise ValueError
        except ValueError:
            crit_number = 0
            row_errors.append(RowError(number, N_("kriteria “{value}” harus nomor 1–10"), {"value": crit}))
        if kind.lower() not in {k.value for k in IndicatorKind}:
            row_errors.append(RowError(number, N_("jenis “{value}” tidak dikenal (struktur, proses, hasil)"),
                                       {"value": kind}))
        if not text:
            row_errors.append(RowError(number, N_("teks indikator kosong")))
        elif len(text) > MAX_TEXT:
            row_errors.append(RowError(number, N_("teks indikator terlalu panjang ({length} karakter, paling banyak "
                                                  "{limit})"), {"length": len(text), "limit": MAX_TEXT}))
        weight = 1.0
        if weight_raw:
            try:
                weight = float(weight_raw.replace(",", "."))
                if not (math.isfinite(weight) and 0 < weight <= MAX_WEIGHT):
                    raise ValueError
            except ValueError:
                row_errors.append(RowError(number, N_("bobot “{value}” harus angka lebih dari 0 dan paling besar 100"),
                                           {"value": weight_raw}))
        if crit_number and crit_name:
            named.setdefault((crit_number, crit_name), number)
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[code] = number
        parsed.append(ParsedIndicator(code, crit_number, kind.lower(), text, weight, len(parsed)))
    errors = _name_errors(named) + errors
    if not errors and not parsed:
        errors.append(RowError(0, N_("Tidak ada indikator di berkas.")))
    if errors:
        raise CatalogImportError(errors)
    return parsed


def _header_key(header: str) -> str:
    """A header cell as ``HEADERS`` knows it: any case, spaces or underscores between words
    (``Nama_Kriteria``, ``uraian  indikator``), a BOM or non-breaking space from Excel ignored."""
    return re.sub(r"[\s_]+", " ", header.replace("\ufeff", "").replace("\xa0", " ")).strip().lower()


def _name_errors(named: dict[tuple[int, str], int]) -> list[RowError]:
    """Criterion names of the file that are not the criterion of their number in force: a summary first
    (always shown), then each at the first row that gives it."""
    known = criteria()
    errors = []
    for (number, name), row in sorted(named.items(), key=lambda item: item[1]):
        wrong = criterion_names.check(number, name, known)
        if wrong is None:
            continue
        values: dict[str, object] = {"number": str(number), "file_name": name, "system_name": wrong.system_name}
        if wrong.system_number is not None:
            errors.append(RowError(row, N_("kriteria {number} di berkas: {file_name}; di sistem: {system_name}. "
                                           "Di sistem, “{file_name}” adalah kriteria {other}."),
                                   {**values, "other": str(wrong.system_number)}))
        else:
            errors.append(RowError(row, N_("kriteria {number} di berkas: {file_name}; di sistem: {system_name}. "
                                           "Nama itu tidak cocok dengan kriteria mana pun."), values))
    if errors:
        listing = "; ".join(f"{n}. {c.name}" for n, c in known.items())
        errors.insert(0, RowError(0, N_("Nama kriteria di berkas tidak sesuai dengan nomor kriteria di sistem. "
                                        "Urutan kriteria berbeda antar sumber, jadi nomor tidak dicocokkan begitu "
                                        "saja: sesuaikan kolom kriteria dengan nomor di sistem ({criteria})."),
                                  {"criteria": listing}))
    return errors


def replace_catalog(session: Session, clock: Clock, rows: list[list[str]], label: str,
                    is_sample: bool = False) -> ImportResult:
    """Validate the rows of a catalog file (header first) and make it the catalog in force, in the caller's
    transaction: codes missing from it are deactivated, not deleted, so their history stays."""
    items = parse(rows)
    existing = {ind.code: ind for ind in session.exec(select(Indicator))}
    added = updated = 0
    for item in items:
        ind = existing.pop(item.code, None)
        values = dict(
            criterion_number=item.criterion, kind=item.kind, text=item.text,
            weight=item.weight, position=item.position, active=True,
        )
        if ind is None:
            session.add(Indicator(code=item.code, criterion_number=item.criterion, kind=item.kind, text=item.text,
                                  weight=item.weight, position=item.position, active=True))
            added += 1
        else:
            if any(getattr(ind, k) != v for k, v in values.items()):
                updated += 1
            for k, v in values.items():
                setattr(ind, k, v)
    deactivated = 0
    for ind in existing.values():
        if ind.active:
            ind.active = False
            deactivated += 1
    catalog = Catalog(label=label, is_sample=is_sample, indicator_count=len(items), imported_at=clock.now())
    session.add(catalog)
    session.flush()
    invalidate_snapshot()
    return ImportResult(key_of(catalog), added, updated, deactivated, len(items))


def import_sample(session: Session, clock: Clock) -> ImportResult:
    """The shipped example catalog (every text starts with ``[CONTOH]``), a CSV file of ours."""
    with open(SAMPLE_CATALOG, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return replace_catalog(session, clock, rows, label="Katalog contoh (bukan daftar resmi)", is_sample=True)


def catalog_in_force(session: Session) -> Catalog | None:
    return session.exec(select(Catalog).order_by(col(Catalog.id).desc())).first()


def active_indicators(session: Session) -> list[Indicator]:
    return list(
        session.exec(
            select(Indicator).where(Indicator.active).order_by(col(Indicator.criterion_number), col(Indicator.position))
        )
    )


# -- the catalog in force, cached ------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorInfo:
    """An active indicator as the status views need it (a plain value, safe to share between updates)."""

    code: str
    criterion_number: int
    kind: str
    text: str
    weight: float
    position: int


@dataclass(frozen=True)
class CatalogSnapshot:
    catalog_id: int | None
    is_sample: bool
    indicators: tuple[IndicatorInfo, ...]  # catalog order

    @property
    def total(self) -> int:
        return len(self.indicators)

    # Worked out once per snapshot (a snapshot never changes): every kab/kota of a /status asks for them.
    @cached_property
    def weight_total(self) -> float:
        return sum(i.weight for i in self.indicators)

    @cached_property
    def criterion_totals(self) -> tuple[tuple[int, int], ...]:
        """(criterion number, active indicators), every criterion in force, by number."""
        out: dict[int, int] = {n: 0 for n in criteria()}
        for ind in self.indicators:
            out[ind.criterion_number] = out.get(ind.criterion_number, 0) + 1
        return tuple(sorted(out.items()))


_snapshots: dict[tuple[str, int | None], CatalogSnapshot] = {}
_snapshot_lock = threading.Lock()


def invalidate_snapshot() -> None:
    """Forget the cached catalogs (an import calls this; a new catalog row also changes the key)."""
    with _snapshot_lock:
        _snapshots.clear()


def catalog_snapshot(session: Session) -> CatalogSnapshot:
    """The active indicators of the catalog in force, read once per catalog import.

    The key is the database and the newest catalog's id (one indexed look-up per call), so an import
    in another process (``pantau-ham import catalog``) is seen at the next call too."""
    catalog_id = session.exec(select(func.max(Catalog.id))).one()
    key = (str(session.get_bind().engine.url), catalog_id)
    cached = _snapshots.get(key)
    if cached is not None:
        return cached
    catalog = session.get(Catalog, catalog_id) if catalog_id is not None else None
    snapshot = CatalogSnapshot(
        catalog_id, bool(catalog and catalog.is_sample),
        tuple(IndicatorInfo(i.code, i.criterion_number, i.kind, i.text, i.weight, i.position)
              for i in active_indicators(session)),
    )
    with _snapshot_lock:
        if len(_snapshots) > 16:
            _snapshots.clear()
        _snapshots[key] = snapshot
    return snapshot
