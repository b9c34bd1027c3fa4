"""When a reminder falls due: offsets, the recipient's own 08:00, quiet hours, weekends, holidays.

Pure functions of their arguments (no database, no clock), so they are tested in every zone.

* A **day-level** offset (``3d``, ``0d``) means the recipient's ``PANTAU_REMINDER_HOUR`` on the day
  N days before the event's day (the event's day as seen in the recipient's zone). If that hour lies in
  the quiet hours it moves to their end; if the day is a weekend or a public holiday it moves to the
  previous working day; it is dropped if it would not come before the deadline.
* A reporting window (Aksi HAM, KKP HAM ``A..B``) is also reminded before it **opens**: the opening
  offsets (``PANTAU_OPENING_REMINDERS``, default ``H-3, H``: three days before and on the opening
  morning) follow the same day-level rules, counted from the first day of the window.
* An **hour- or minute-level** offset (``2h``, ``15m``) of a timed event is sent exactly then, quiet
  hours or not: the meeting is about to start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from bot.core import zones
from bot.core.models import EventKind
from bot.core.offsets import Offset, parse_offsets
from bot.reference import holidays_by_year

log = logging.getLogger(__name__)

DAY_OFFSETS = {
    EventKind.RAKOR: (7, 3, 1, 0),
    EventKind.AKSIHAM: (7, 3, 1, 0),
    EventKind.KKPHAM: (7, 3, 1, 0),
    EventKind.VERIFIKASI: (3, 1),
    EventKind.HARIHAM: (3, 1),
    EventKind.LAIN: (3, 1),
}
TIMED_EXTRA = ("2h",)  # timed events are also reminded two hours before
OPENING_DEFAULT = "H-3, H"  # a reporting window: three days before it opens, and on its opening morning


# commemorations: their reminders announce (the predikat is announced on Hari HAM); nothing to do or answer
ANNOUNCED = frozenset({EventKind.HARIHAM})


def needs_answer(kind: str) -> bool:
    """Whether the reminders of an event of ``kind`` ask for an answer ("Sudah dikerjakan", "Ingatkan besok"),
    list the kab/kota they are for, and lead to an escalation of those that did not answer. Hari HAM
    (10 December) is a commemoration, not a deadline: no. ``lain`` keeps them: staf use it for work too (a
    letter to answer, a form to send), and a reminder without buttons could not be stopped."""
    return EventKind(kind) not in ANNOUNCED


def default_offsets(kind: str, timed: bool) -> tuple[Offset, ...]:
    days = tuple(Offset("d", n) for n in DAY_OFFSETS[EventKind(kind)])
    extra = tuple(parse_offsets(",".join(TIMED_EXTRA), True)) if timed else ()
    return days + extra


def offsets_for(kind: str, custom: str | None, timed: bool) -> tuple[Offset, ...]:
    """The offsets of an event (``custom`` is what is stored)."""
    return parse_offsets(custom, timed, strict=False) if custom else default_offsets(kind, timed)


@dataclass(frozen=True)
class Policy:
    reminder_time: time = time(8, 0)
    quiet: tuple[time, time] | None = (time(21, 0), time(7, 0))
    skip_weekends: bool = True
    skip_holidays: bool = True
    opening: tuple[Offset, ...] = (Offset("d", 3), Offset("d", 0))  # before a reporting window opens

    def in_quiet_hours(self, t: time) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        if start <= end:
            return start <= t < end
        return t >= start or t < end

    def is_working_day(self, day: date) -> bool:
        if self.skip_weekends and day.weekday() >= 5:
            return False
        if self.skip_holidays and day in indonesian_holidays(day.year):
            return False
        return True

    def morning_of(self, day: date, zone: str) -> datetime:
        """The reminder hour of ``day`` in ``zone``, pushed past the quiet hours, moved back to a working day."""
        clock = self.reminder_time
        if self.quiet is not None and self.in_quiet_hours(clock):
            clock = self.quiet[1]
        for _ in range(31):  # a long holiday season is far shorter than a month
            if self.is_working_day(day):
                break
            day -= timedelta(days=1)
        return datetime.combine(day, clock, tzinfo=zones.zone(zone))

    def day_level_due(self, anchor_day: date, days_before: int, zone: str, deadline: datetime) -> datetime | None:
        due = self.morning_of(anchor_day - timedelta(days=days_before), zone)
        return due if due < deadline else None


@cache
def indonesian_holidays(year: int) -> frozenset[date]:
    """Public holidays and *cuti bersama* of ``year``: ``bot/reference/holidays.csv``, generated from the
    ``holidays`` package (``bot/reference/build_holidays.py``). A year the table does not cover has none:
    only weekends are skipped then, and the log says so once per year."""
    known = holidays_by_year()
    if year not in known:
        log.warning("no holidays known for %d (bot/reference/holidays.csv covers %d-%d): reminders that year "
                    "skip weekends only; regenerate the table with python -m bot.reference.build_holidays",
                    year, min(known), max(known))
        return frozenset()
    return known[year]


def anchor_day(anchor: datetime | date, zone: str) -> date:
    """The day of the event (or deadline) as the recipient in ``zone`` sees it."""
    if isinstance(anchor, datetime):
        return anchor.astimezone(zones.zone(zone)).date()
    return anchor


def start_in(anchor: datetime | date, zone: str) -> datetime:
    """The instant something begins: a timed start, else the day's first minute in ``zone``."""
    if isinstance(anchor, datetime):
        return anchor
    return datetime.combine(anchor, time(0, 0), tzinfo=zones.zone(zone))


def deadline_in(anchor: datetime | date, zone: str) -> datetime:
    """The instant after which reminding is useless: the start of a timed event, else the day's end."""
    if isinstance(anchor, datetime):
        return anchor
    return datetime.combine(anchor + timedelta(days=1), time(0, 0), tzinfo=zones.zone(zone))
