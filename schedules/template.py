"""The yearly template (``pantau-ham calendar template YEAR``): the usual cycle as draft events.

``template.csv`` holds one row per kind of event: ``start``/``end`` are a month-day (``12-10``) or, for
rows marked ``each_period`` (repeated for every Aksi HAM period of the year, ``bot/domain/periods.py``),
``window_start``/``window_end`` (the period's usual reporting window) or ``before_window`` (the window's
first day less ``PANTAU_AKSI_RAKOR_WEEKS_BEFORE`` weeks). ``move`` says where a date on a weekend, a
public holiday or a *cuti bersama* goes: ``previous`` (deadlines and rakor, as practice has it) or
``next`` (Hari HAM, a commemoration that is never held earlier). A row for the provinces is one event per
province at its ``time`` in the Kanwil's own zone. Titles and notes may use ``{year}``, ``{data_year}``,
``{period}``, ``{label}``, ``{periods}`` (``B04/B08/B12``), ``{weeks}`` and ``{periods_note}`` (the basis of
the periods and, after RANHAM 2021–2025, that they are assumed to continue).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

from bot.core import limits, zones
from bot.core.clock import Clock
from bot.core.models import Event, EventStatus, ScopeKind
from bot.core.settings import Settings, parse_clock
from bot.domain import periods
from bot.domain.periods import Period
from bot.reference import provinces
from schedules.calendar import EventDraft, Scope, create_event
from schedules.policy import Policy

TEMPLATE = Path(__file__).parent / "template.csv"
DEFAULT_RAKOR_WEEKS = int(Settings.model_fields["aksi_rakor_weeks_before"].default)
MONTH_DAY_RE = re.compile(r"^(\d{2})-(\d{2})$")
PERIOD_DATES = ("window_start", "window_end", "before_window")


def _move(day: date, step: int) -> date:
    policy = Policy(skip_weekends=True, skip_holidays=True)
    for _ in range(31):  # the longest run of holidays and cuti bersama is far shorter than a month
        if policy.is_working_day(day):
            return day
        day += timedelta(days=step)
    return day


def previous_working_day(day: date) -> date:
    """A deadline or rakor on a weekend, a public holiday or a *cuti bersama* moves back to the working day
    before it."""
    return _move(day, -1)


def next_working_day(day: date) -> date:
    """Hari HAM on a weekend or holiday is commemorated on the next working day (2022: Saturday 10 December,
    ceremonies on Monday 12 December); never earlier."""
    return _move(day, 1)


def periods_note(year: int) -> str:
    """What the template says about the periods of ``year`` (an event note: data, in Indonesian)."""
    basis = periods.basis(year)
    if periods.is_assumed(year):
        return f"Periode Aksi HAM mengikuti {basis}, diasumsikan berlanjut sampai ada Perpres baru."
    return f"Periode Aksi HAM menurut {basis}."


@dataclass(frozen=True)
class TemplateRow:
    kind: str
    scope: str  # "provinsi" (one event per province) or "nasional"
    start: str
    end: str
    time: str
    move: str  # "previous" or "next"
    each_period: bool
    title: str
    notes: str


def read_template(path: Path = TEMPLATE) -> list[TemplateRow]:
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            item = TemplateRow(row["kind"].strip(), row["scope"].strip(), row["start"].strip(), row["end"].strip(),
                               row["time"].strip(), row["move"].strip() or "previous",
                               row["each_period"].strip().lower() in ("yes", "ya", "1"), row["title"].strip(),
                               (row["notes"] or "").strip())
            if item.move not in ("previous", "next") or item.scope not in ("provinsi", "nasional"):
                raise ValueError(f"{path.name}:{n}: move {item.move!r} or scope {item.scope!r}")
            for value in (item.start, item.end):
                if value and not MONTH_DAY_RE.match(value) and not (item.each_period and value in PERIOD_DATES):
                    raise ValueError(f"{path.name}:{n}: date {value!r}")
            rows.append(item)
    return rows


def _day(value: str, year: int, period: Period | None, weeks: int) -> date | None:
    if not value:
        return None
    if period is not None and value in PERIOD_DATES:
        start, end = period.window(year)
        return {"window_start": start, "window_end": end, "before_window": start - timedelta(weeks=weeks)}[value]
    m = MONTH_DAY_RE.match(value)
    if m is None:  # read_template refuses such a row; the image runs without asserts
        raise ValueError(f"template date {value!r}")
    return date(year, int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class PlannedEvent:
    """One event of the template for a year, before scopes and what already exists."""

    kind: str
    province_wide: bool
    start: date
    end: date | None
    time: str
    title: str
    notes: str


def plan_year(year: int, rakor_weeks_before: int = DEFAULT_RAKOR_WEEKS) -> list[PlannedEvent]:
    """The template's events of ``year``, dates moved off non-working days (pure: no database)."""
    out = []
    note = periods_note(year)
    for row in read_template():
        for period in (periods.periods(year) if row.each_period else (None,)):
            values = dict(year=year, data_year=year - 1, weeks=rakor_weeks_before, periods_note=note,
                          periods="/".join(periods.codes(year)),
                          period=period.code if period else "", label=period.label if period else "")
            move = next_working_day if row.move == "next" else previous_working_day
            start_raw = _day(row.start, year, period, rakor_weeks_before)
            if start_raw is None:  # read_template refuses such a row
                raise ValueError(f"template row without a start: {row.title!r}")
            start = move(start_raw)
            end_raw = _day(row.end, year, period, rakor_weeks_before)
            out.append(PlannedEvent(row.kind, row.scope == "provinsi", start,
                                    move(end_raw) if end_raw else None, row.time,
                                    row.title.format(**values), row.notes.format(**values).strip() or ""))
    return out


def load_template(session: Session, clock: Clock, year: int, national_zone: str, actor: int | None,
                  rakor_weeks_before: int | None = None) -> list[Event]:
    """The usual yearly cycle as draft events ("tanggal perlu dikonfirmasi"); skips ones already there
    (same title, scope and year) and ones already past in the scope's zone."""
    limits.check_year(year, clock.now())  # "template 0" or "template 99999": one clear sentence
    weeks = DEFAULT_RAKOR_WEEKS if rakor_weeks_before is None else rakor_weeks_before
    existing = {(e.title, e.scope_codes, e.start_date.year) for e in session.exec(select(Event))}
    created = []
    for planned in plan_year(year, weeks):
        scopes = [Scope(ScopeKind.PROVINCES, (code,)) for code in sorted(provinces())] \
            if planned.province_wide else [Scope(ScopeKind.NATIONAL)]
        for scope in scopes:
            if (planned.title, scope.text, planned.start.year) in existing:
                continue
            if (planned.end or planned.start) < clock.now().astimezone(zones.zone(scope.zone(national_zone))).date():
                continue  # already past
            draft = EventDraft(kind=planned.kind, scope=scope, start_date=planned.start,
                               start_time=parse_clock(planned.time) if planned.time else None,
                               title=planned.title, end_date=planned.end, notes=planned.notes or None)
            created.append(create_event(session, clock, draft, national_zone, actor, EventStatus.DRAFT))
    return created
