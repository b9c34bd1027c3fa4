"""Dates as people type them: ``2026-12-03``, ``03-12-2026``, ``3/12/2026``, ``3 Des 2026``,
``3 Desember 2026``, ``besok``, ``lusa``, ``Senin depan``.

Relative words are read against "today" in the region's zone. Month and weekday names come from Babel
(Indonesian and English), plus the usual Indonesian short forms (``Agt``, ``Nop``). A date must lie
between 1 January of last year and 31 December five years ahead (``bot.core.limits``): anything else is a typo.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache

from babel import Locale
from babel.dates import format_date

from bot.core import limits
from bot.core.errors import UserError
from bot.core.i18n import N_

ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DMY_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
WORDS_RE = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")
RELATIVE = {"hari ini": 0, "hari-ini": 0, "today": 0, "besok": 1, "tomorrow": 1, "lusa": 2}
EXTRA_MONTHS = {"agt": 8, "agust": 8, "sept": 9, "nop": 11, "pebruari": 2, "nopember": 11}
EXTRA_WEEKDAYS = {"jum'at": 4, "jumat": 4, "ahad": 6}
NEXT_WORDS = ("depan", "next")


@cache
def month_names() -> dict[str, int]:
    names: dict[str, int] = dict(EXTRA_MONTHS)
    for code in ("id", "en"):
        locale = Locale.parse(code)
        for width in ("wide", "abbreviated"):
            for number, name in locale.months["format"][width].items():
                names[name.lower().rstrip(".")] = number
    return names


@cache
def weekday_names() -> dict[str, int]:
    names: dict[str, int] = dict(EXTRA_WEEKDAYS)
    for code in ("id", "en"):
        for number, name in Locale.parse(code).days["format"]["wide"].items():
            names[name.lower()] = number
    return names


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise UserError(N_("Tanggal “{value}” tidak ada di kalender."), value=text) from None


def _read(text: str, today: date) -> date | None:
    low = " ".join(text.lower().split())
    if low in RELATIVE:
        return today + timedelta(days=RELATIVE[low])
    words = low.split()
    if words and words[0] in weekday_names() and (len(words) == 1 or (len(words) == 2 and words[1] in NEXT_WORDS)):
        # "Senin depan": the first Monday after today (a week ahead when today is Monday)
        ahead = (weekday_names()[words[0]] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if words and words[0] == "next" and len(words) == 2 and words[1] in weekday_names():
        ahead = (weekday_names()[words[1]] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    m = ISO_RE.match(low)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    m = DMY_RE.match(low)
    if m:
        return _make(int(m.group(3)), int(m.group(2)), int(m.group(1)), text)
    m = WORDS_RE.match(low)
    if m and m.group(2) in month_names():
        return _make(int(m.group(3)), month_names()[m.group(2)], int(m.group(1)), text)
    return None


def example_day(today: date) -> date:
    """A date for examples that never goes stale: the first Wednesday three weeks or more after ``today``."""
    day = today + timedelta(days=21)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def spelled(day: date, locale: str) -> str:
    """``3 Desember 2026`` (``3 December 2026`` in English): a date as people type it."""
    return format_date(day, "d MMMM y", locale=locale)


def examples(today: date) -> dict[str, object]:
    """The values of the "tulis mis. …" hint: one date, a few weeks ahead, in the forms the bot reads (the
    ``date`` itself is spelled in the reader's language by ``Translator``)."""
    day = example_day(today)
    return {"example": day, "dmy": day.strftime("%d-%m-%Y"), "iso": day.isoformat()}


def parse_date(text: str, today: date) -> date:
    """One date; ``today`` is today in the zone of the region concerned."""
    found = _read(text.strip(), today)
    if found is None:
        raise UserError(N_("Tanggal “{value}” tidak dikenali: tulis mis. {example}, {dmy}, {iso}, besok, lusa "
                           "atau Senin depan."), value=text.strip(), **examples(today))
    first, last = limits.date_window(today)
    if not first <= found <= last:
        raise UserError(N_("Tanggal “{value}” di luar rentang yang diterima: {first} sampai {last}."),
                        value=text.strip(), first=first, last=last)
    return found


def is_date(text: str, today: date) -> bool:
    """True when ``text`` reads as a date (in range or not): used to find where a date begins in a line."""
    try:
        return _read(text.strip(), today) is not None
    except UserError:
        return True


def split_date(tokens: list[str], today: date) -> int:
    """How many of the leading ``tokens`` form a date (3, 2 or 1), or 0 when they do not start with one."""
    for n in (3, 2, 1):
        if len(tokens) >= n and is_date(" ".join(tokens[:n]), today):
            return n
    return 0
