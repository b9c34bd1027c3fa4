"""The documented bounds of what people type: lengths, counts, ids, years, dates.

Every check raises a ``UserError`` naming the field and the allowed range, so bad input gets one clear
Indonesian message and changes nothing (instead of a database error, an overflow or silent truncation).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.core.errors import UserError
from bot.core.i18n import N_

MAX_TITLE = 200  # judul acara
MAX_PLACE = 200  # lokasi
MAX_NOTE = 1000  # catatan (acara, indikator)
MAX_LINK = 1000  # tautan data dukung
MAX_OFFSETS = 10  # pengingat per acara
MAX_ID = 2**63 - 1  # database ids
YEARS_BACK = 1  # dates from the start of last year ...
YEARS_AHEAD = 5  # ... to five years ahead


TOO_LONG = {
    "title": N_("Judul acara terlalu panjang: {length} karakter, paling banyak {limit}."),
    "place": N_("Lokasi terlalu panjang: {length} karakter, paling banyak {limit}."),
    "note": N_("Catatan terlalu panjang: {length} karakter, paling banyak {limit}."),
    "link": N_("Tautan terlalu panjang: {length} karakter, paling banyak {limit}."),
}


def text(value: str, field: str, limit: int) -> str:
    """``value`` stripped; ``field`` is a key of ``TOO_LONG`` (which message names it)."""
    value = value.strip()
    if len(value) > limit:
        raise UserError(TOO_LONG[field], length=len(value), limit=limit)
    return value


def event_id(value: str) -> int:
    """``#12`` or ``12`` → 12; anything else, or beyond a database id, → a clear error."""
    digits = value.strip().lstrip("#")
    if not digits.isdigit() or not 0 < int(digits) <= MAX_ID:
        raise UserError(N_("Nomor acara harus berupa angka, misalnya 12; “{value}” tidak sah."), value=value[:40])
    return int(digits)


def date_window(today: date) -> tuple[date, date]:
    return date(today.year - YEARS_BACK, 1, 1), date(today.year + YEARS_AHEAD, 12, 31)


def check_date(day: date, now: datetime) -> date:
    """Dates of events and reports stay within last year .. five years ahead."""
    first, last = date_window(now.date())
    if not first <= day <= last:
        raise UserError(N_("Tanggal {value} di luar rentang yang diterima: {first} sampai {last}."),
                        value=day, first=first, last=last)
    return day


def check_year(year: int, now: datetime) -> int:
    first, last = date_window(now.date())
    if not first.year <= year <= last.year:
        raise UserError(N_("Tahun {value} di luar rentang yang diterima: {first} sampai {last}."),
                        value=str(year), first=str(first.year), last=str(last.year))
    return year


def check_offsets(count: int) -> None:
    if count > MAX_OFFSETS:
        raise UserError(N_("Terlalu banyak pengingat: {count}, paling banyak {limit} per acara."),
                        count=count, limit=MAX_OFFSETS)


