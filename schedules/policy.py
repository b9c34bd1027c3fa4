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

import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot import limits
from bot.errors import UserError
from bot.i18n import N_
from bot.models import EventKind

OFFSET_RE = re.compile(r"^(\d{1,4})([dhm])$")
# Indonesian forms: "H-3" (three days before), "H" or "H-0" (the day itself), "2 jam", "30 menit".
H_RE = re.compile(r"^h(?:\s*-\s*(\d{1,4}))?$")
WORD_RE = re.compile(r"^(\d{1,4})\s*(hari|jam|menit)$")
WORD_UNITS = {"hari": "d", "jam": "h", "menit": "m"}
# "2h" stays the short form of "2 jam" (the default reminder before a meeting); from 3 up "Nh" may
# just as well mean "H-N" (N hari), so it is refused with both readings.
AMBIGUOUS_HOURS_FROM = 3
LIMITS = {"d": 90, "h": 72, "m": 24 * 60}

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


@dataclass(frozen=True, order=True)
class Offset:
    unit: str  # "d", "h" or "m"
    amount: int

    @property
    def key(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def is_day_level(self) -> bool:
        return self.unit == "d"

    @property
    def label_id(self) -> str:
        """As a Kanwil writes it: ``H-3``, ``H`` (the day itself), ``2 jam``, ``30 menit``."""
        if self.unit == "d":
            return f"H-{self.amount}" if self.amount else "H"
        return f"{self.amount} {'jam' if self.unit == 'h' else 'menit'}"

    @property
    def delta(self) -> timedelta:
        return {"d": timedelta(days=self.amount), "h": timedelta(hours=self.amount),
                "m": timedelta(minutes=self.amount)}[self.unit]


def _one_offset(part: str, strict: bool) -> Offset:
    m = H_RE.match(part)
    if m:
        return Offset("d", int(m.group(1) or 0))
    m = WORD_RE.match(part)
    if m:
        return Offset(WORD_UNITS[m.group(2)], int(m.group(1)))
    m = OFFSET_RE.match(part)
    if m:
        if strict and m.group(2) == "h" and int(m.group(1)) >= AMBIGUOUS_HOURS_FROM:
            raise UserError(N_("Pengingat “{value}” bisa berarti H-{n} ({n} hari sebelum) atau {n} jam "
                               "sebelum: tulis “H-{n}” atau “{n} jam”."), value=part, n=m.group(1))
        return Offset(m.group(2), int(m.group(1)))
    raise UserError(N_("Pengingat “{value}” tidak sah: pakai mis. H-3, H-1, 2 jam, 30 menit."), value=part)


def parse_offsets(text: str, timed: bool, strict: bool = True) -> tuple[Offset, ...]:
    """``"H-3, H-1, 2 jam, 30 menit"`` or ``"3d,1d,2h,15m"`` -> offsets; a clear error for anything else.

    ``strict=False`` reads what is already stored (``3h`` as hours, as it was before).
    """
    out: list[Offset] = []
    parts = []
    for chunk in (c.strip() for c in text.strip().lower().split(",")):
        whole = H_RE.match(chunk) or WORD_RE.match(chunk)
        parts.extend([chunk] if whole else chunk.split())
    for part in parts:
        if not part:
            continue
        offset = _one_offset(part, strict)
        if offset.amount > LIMITS[offset.unit]:
            raise UserError(N_("Pengingat “{value}” terlalu jauh: paling lama {limit}."), value=part,
                            limit=Offset(offset.unit, LIMITS[offset.unit]).label_id)
        if not offset.is_day_level and not timed:
            raise UserError(N_("Pengingat “{value}” perlu acara yang berjam (HH:MM)."), value=part)
        if offset not in out:
            out.append(offset)
    if not out:
        raise UserError(N_("Daftar pengingat kosong: pakai mis. H-3, H-1, 2 jam."))
    limits.check_offsets(len(out))
    return tuple(out)


def canonical_offsets(text: str, timed: bool) -> str:
    """What is stored: ``"H-3, 2 jam"`` -> ``"3d,2h"`` (validated)."""
    return ",".join(o.key for o in parse_offsets(text, timed))


def default_offsets(kind: str, timed: bool) -> tuple[Offset, ...]:
    days = tuple(Offset("d", n) for n in DAY_OFFSETS[EventKind(kind)])
    extra = tuple(parse_offsets(",".join(TIMED_EXTRA), True)) if timed else ()
    return days + extra


def parse_opening(text: str) -> tuple[Offset, ...]:
    """The opening reminders of a reporting window (day-level only; empty: none)."""
    return parse_offsets(text, timed=False) if text.strip() else ()


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
        if self.in_quiet_hours(clock):
            clock = self.quiet[1]
        for _ in range(31):  # a long holiday season is far shorter than a month
            if self.is_working_day(day):
                break
            day -= timedelta(days=1)
        return datetime.combine(day, clock, tzinfo=ZoneInfo(zone))

    def day_level_due(self, anchor_day: date, days_before: int, zone: str, deadline: datetime) -> datetime | None:
        due = self.morning_of(anchor_day - timedelta(days=days_before), zone)
        return due if due < deadline else None


HOLIDAYS = """
import sys, holidays
found = holidays.country_holidays("ID", years=int(sys.argv[1]), categories=("public", "government"))
print(" ".join(day.isoformat() for day in sorted(found)))
"""


@cache
def indonesian_holidays(year: int) -> frozenset[date]:
    """Public holidays and *cuti bersama* (the ``government`` category of the ``holidays`` package).

    Asked of a short-lived child process (about 0.1 s, once a year per process): to answer for one
    country the package imports every country it knows, some 8 MiB that the bot would keep for good."""
    try:
        out = subprocess.run([sys.executable, "-c", HOLIDAYS, str(year)], capture_output=True, text=True,
                             check=True, timeout=60).stdout
        return frozenset(date.fromisoformat(day) for day in out.split())
    except (OSError, subprocess.SubprocessError):  # no child process possible here: ask in this one
        import holidays

        return frozenset(holidays.country_holidays("ID", years=year, categories=("public", "government")))


def anchor_day(anchor: datetime | date, zone: str) -> date:
    """The day of the event (or deadline) as the recipient in ``zone`` sees it."""
    if isinstance(anchor, datetime):
        return anchor.astimezone(ZoneInfo(zone)).date()
    return anchor


def start_in(anchor: datetime | date, zone: str) -> datetime:
    """The instant something begins: a timed start, else the day's first minute in ``zone``."""
    if isinstance(anchor, datetime):
        return anchor
    return datetime.combine(anchor, time(0, 0), tzinfo=ZoneInfo(zone))


def deadline_in(anchor: datetime | date, zone: str) -> datetime:
    """The instant after which reminding is useless: the start of a timed event, else the day's end."""
    if isinstance(anchor, datetime):
        return anchor
    return datetime.combine(anchor + timedelta(days=1), time(0, 0), tzinfo=ZoneInfo(zone))
