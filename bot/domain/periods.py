"""Aksi HAM reporting periods (B04, B08, B12) as data: ``bot/reference/aksi_periods.csv``.

One row per period and generation of RANHAM: its code, the months its cumulative report covers
(``first_month``..``last_month``), the *usual* reporting window as month-day (the real dates arrive
by letter every year, so a window in the calendar is a draft to confirm), an Indonesian label, the
years the row applies to (``valid_from``, ``valid_until``; empty: open), its ``basis`` (the Perpres)
and the last year that basis covers (``basis_until``), and a note.

RANHAM 2021–2025 (Perpres 53/2021) has ended and no Perpres for the next generation was found:
years after ``basis_until`` use the same rows, *assumed* to continue (:meth:`Period.assumed_in`),
and the bot says so. A new generation is added as rows with a later ``valid_from``: from that year
a row replaces the older row of the same code; a code that ends gets ``valid_until``. A year before
every row's ``valid_from`` is read with the oldest rows (B08 2020 had the same shape).

The API is small on purpose (Aksi HAM by action builds on it): :func:`periods`, :func:`period_of`,
:func:`codes`, :func:`period_for_month`, :func:`period_for_deadline`, :func:`current_or_next`,
:func:`last_closed`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

PERIODS_CSV = Path(__file__).resolve().parent.parent / "reference" / "aksi_periods.csv"
CODE_RE = re.compile(r"^B\d{2}$")  # stored in Event.period / AksiReport.period (3 characters)
MONTH_DAY_RE = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    code: str
    first_month: int
    last_month: int
    window_start: tuple[int, int]  # (month, day) of the usual reporting window's first day
    window_end: tuple[int, int]  # (month, day) of its last day (in the next year when before the start)
    label: str  # "Januari–April": for files and notes; renderers name the months in the reader's language
    valid_from: int
    valid_until: int | None
    basis: str  # "Perpres 53/2021 (RANHAM 2021–2025)"
    basis_until: int | None  # the last year the basis covers; later years are assumed
    note: str

    @property
    def months(self) -> range:
        """The months the report covers (cumulative from ``first_month``)."""
        return range(self.first_month, self.last_month + 1)

    def window(self, year: int) -> tuple[date, date]:
        """The usual reporting window of ``year``, before moving it off non-working days."""
        start = date(year, *self.window_start)
        end = date(year, *self.window_end)
        return start, end if end >= start else date(year + 1, *self.window_end)

    def starts(self, year: int) -> date:
        """The first day of the months the report of ``year`` covers: before it, there is nothing to report."""
        return date(year, self.first_month, 1)

    def applies_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_until is None or year <= self.valid_until)

    def assumed_in(self, year: int) -> bool:
        """Whether ``year`` lies after what the period's basis covers (assumed to continue)."""
        return self.basis_until is not None and year > self.basis_until


def _month_day(text: str, where: str) -> tuple[int, int]:
    m = MONTH_DAY_RE.match(text.strip())
    if not m:
        raise ValueError(f"{where}: month-day {text!r} is not MM-DD")
    month, day = int(m.group(1)), int(m.group(2))
    date(2024, month, day)  # a leap year: 02-29 is allowed, 02-30 is not
    return month, day


def _year(text: str) -> int | None:
    return int(text) if text.strip() else None


def read(path: Path = PERIODS_CSV) -> tuple[Period, ...]:
    """Every row of ``path``, checked; a broken file fails loudly on first use (and in the tests)."""
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name}:{n}"
            code = row["code"].strip().upper()
            if not CODE_RE.match(code):
                raise ValueError(f"{where}: code {code!r} is not like B04")
            first, last = int(row["first_month"]), int(row["last_month"])
            if not 1 <= first <= last <= 12:
                raise ValueError(f"{where}: months {first}..{last}")
            valid_from = _year(row["valid_from"])
            if valid_from is None:
                raise ValueError(f"{where}: valid_from is empty")
            valid_until = _year(row["valid_until"])
            if valid_until is not None and valid_until < valid_from:
                raise ValueError(f"{where}: valid_until before valid_from")
            rows.append(Period(
                code, first, last, _month_day(row["window_start"], where), _month_day(row["window_end"], where),
                row["label"].strip(), valid_from, valid_until, row["basis"].strip(), _year(row["basis_until"]),
                row["note"].strip(),
            ))
    if not rows:
        raise ValueError(f"{path.name}: no periods")
    return tuple(rows)


@cache
def _rows() -> tuple[Period, ...]:
    return read()


@cache
def periods(year: int | None = None) -> tuple[Period, ...]:
    """The periods of ``year`` in reporting order (by last month); None: those of the newest rows."""
    rows = _rows()
    if year is None:
        year = max(p.valid_from for p in rows)
    if year < min(p.valid_from for p in rows):
        year = min(p.valid_from for p in rows)
    chosen: dict[str, Period] = {}
    for p in sorted(rows, key=lambda p: p.valid_from):
        if p.valid_from <= year:
            chosen[p.code] = p  # a later generation's row replaces the older one
    found = [p for p in chosen.values() if p.applies_in(year)]
    return tuple(sorted(found, key=lambda p: (p.last_month, p.code)))


def codes(year: int | None = None) -> tuple[str, ...]:
    """``("B04", "B08", "B12")``."""
    return tuple(p.code for p in periods(year))


def period_of(code: str, year: int | None = None) -> Period | None:
    """The period ``code`` (any case) of ``year``, or None when there is no such period."""
    code = code.strip().upper()
    return next((p for p in periods(year) if p.code == code), None)


def period_for_month(month: int, year: int | None = None) -> Period:
    """The first report that covers what was done in ``month`` (April: B04, May: B08)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month}")
    found = [p for p in periods(year) if month in p.months]
    return found[0] if found else periods(year)[-1]


def period_for_deadline(day: date) -> Period:
    """The report a deadline on ``day`` most likely belongs to: the period whose usual window is nearest
    by month, the earlier one on a tie (June: B04, July: B08, October: B08, November: B12)."""
    def distance(p: Period) -> int:
        start, end = p.window(day.year)
        window_months = range(start.month, end.month + 1) if end.year == start.year else range(start.month, 13)
        return min(abs(day.month - m) for m in window_months)

    found = periods(day.year)
    return min(found, key=lambda p: (distance(p), found.index(p)))


def current_or_next(today: date) -> tuple[Period, int]:
    """The period being reported on ``today`` or the next one, with its year: the first period of this year
    whose usual window has not closed, else the first period of next year (after B12: B04 of next year)."""
    for p in periods(today.year):
        if p.window(today.year)[1] >= today:
            return p, today.year
    return periods(today.year + 1)[0], today.year + 1


def last_closed(today: date) -> tuple[Period, int, date] | None:
    """The period of ``today``'s year whose usual window closed last before ``today``, with its year and
    closing day; None before the first window of the year has closed."""
    closed = [(p, end) for p in periods(today.year) if (end := p.window(today.year)[1]) < today]
    if not closed:
        return None
    period, end = max(closed, key=lambda found: found[1])
    return period, today.year, end


def is_assumed(year: int) -> bool:
    """Whether the periods of ``year`` are assumed to continue beyond their basis (after RANHAM 2021–2025)."""
    return any(p.assumed_in(year) for p in periods(year))


def basis(year: int) -> str:
    """The basis of the periods of ``year`` ("Perpres 53/2021 (RANHAM 2021–2025)"), each named once."""
    return "; ".join(dict.fromkeys(p.basis for p in periods(year)))
