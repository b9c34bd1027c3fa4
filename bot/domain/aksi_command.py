"""What ``/aksi …`` asks, read from its words (pure: no database).

=============================================================  ==============================================
``/aksi Tapin [2024]``                                         the grid of the year (default: this year)
``/aksi Tapin B04 [2024] 2 lengkap [80] [catatan …]``          record action 2's report of B04
``/aksi Tapin B04 [2024] 2 tidak lengkap [40] [catatan …]``    (also ``diajukan``)
``/aksi Tapin B08 [2024] 87,5`` or ``… B08 [2024] nilai 87,5``  the period's nilai capaian (the old form)
``/aksi Tapin [2024] jumlah 8``                                the kab/kota has 8 actions that year
``/aksi Tapin [2024] judul 3 Layanan ramah disabilitas``        the title of action 3
=============================================================  ==============================================

A lone whole number up to ``MAX_ACTIONS`` after the period (``/aksi Tapin B04 2``) could be an action
without its status or a nilai of 2: it is refused with both readings rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.models import AksiStatus
from bot.domain.aksi import MAX_ACTIONS, looks_like_period, parse_nilai, parse_period, parse_status

YEAR_RE = re.compile(r"^[+-]?\d{4}$")
ACTION_RE = re.compile(r"^\d{1,2}$")
NUMBER_RE = re.compile(r"^\d{1,3}([.,]\d+)?$")
Kind = Literal["show", "action", "period", "count", "title", "no_action"]


@dataclass(frozen=True)
class AksiCommand:
    kind: Kind
    query: str  # the kab/kota as typed
    year: int | None = None
    period: str | None = None
    number: int | None = None  # action (action, title) or how many (count)
    status: AksiStatus | None = None
    nilai: float | None = None
    text: str | None = None  # the note (action) or the title (title)


def _year(word: str) -> int:
    year = int(word)
    if year <= 0:
        raise UserError(N_("Tahun {value} tidak sah."), value=word)
    return year


def _status_at(words: list[str], i: int) -> tuple[AksiStatus | None, int]:
    """The status starting at ``words[i]`` (one or two words) and where what follows it starts."""
    if i < len(words) and words[i].lower() == "tidak" and i + 1 < len(words):
        found = parse_status(f"tidak {words[i + 1]}")
        if found is not None:
            return found, i + 2
    if i < len(words) and (found := parse_status(words[i])) is not None:
        return found, i + 1
    return None, i


def _action(query: str, period: str, year: int | None, words: list[str]) -> AksiCommand:
    number = int(words[0])
    if not 1 <= number <= MAX_ACTIONS:
        raise UserError(N_("Nomor aksi harus 1–{limit}; “{value}” tidak sah."), value=words[0], limit=MAX_ACTIONS)
    status, at = _status_at(words, 1)
    if status is None:
        raise UserError(N_("Status “{value}” tidak dikenal: tulis lengkap atau tidak lengkap, mis. /aksi {query} "
                           "{period} {number} lengkap."), value=" ".join(words[1:3])[:40], query=query,
                        period=period, number=number)
    nilai = None
    if at < len(words) and NUMBER_RE.match(words[at]):
        nilai, at = parse_nilai(words[at]), at + 1
    note = " ".join(words[at:]) or None
    return AksiCommand("action", query, year, period, number, status, nilai, note)


def parse(args: list[str]) -> AksiCommand:
    """The words after ``/aksi``; ``UserError`` for what cannot be meant."""
    at = next((i for i, a in enumerate(args) if looks_like_period(a)), None)
    if at is None:
        return _without_period(args)
    head, period = list(args[:at]), args[at].upper()
    rest = list(args[at + 1:])
    year = _year(rest.pop(0)) if rest and YEAR_RE.match(rest[0]) else None
    if year is None and head and YEAR_RE.match(head[-1]):  # /aksi Tapin 2024 B04 ...
        year = _year(head.pop())
    query = " ".join(head)
    period = parse_period(period, year)  # "B13": the period is invalid, say so
    if not rest:
        return AksiCommand("no_action", query, year, period)
    if rest[0].lower() == "nilai":
        if len(rest) != 2:
            raise UserError(N_("Tulis nilai capaian periode sebagai angka 0–100, mis. /aksi {query} {period} nilai "
                               "87,5."), query=query, period=period)
        return AksiCommand("period", query, year, period, nilai=parse_nilai(rest[1]))
    if ACTION_RE.match(rest[0]) and len(rest) > 1:
        return _action(query, period, year, rest)
    if len(rest) == 1 and NUMBER_RE.match(rest[0]):
        if ACTION_RE.match(rest[0]) and 1 <= int(rest[0]) <= MAX_ACTIONS:
            raise UserError(N_("“{value}” bisa berarti aksi {value} atau nilai capaian {value}. Untuk laporan aksi "
                               "tulis statusnya: /aksi {query} {period} {value} lengkap; untuk nilai capaian "
                               "periode: /aksi {query} {period} nilai {value}."), value=rest[0], query=query,
                            period=period)
        return AksiCommand("period", query, year, period, nilai=parse_nilai(rest[0]))
    raise UserError(N_("Tulis nomor aksi lalu statusnya, mis. /aksi {query} {period} 2 lengkap [catatan]; staf "
                       "Kanwil juga: /aksi {query} {period} 2 tidak lengkap [nilai] [catatan]."), query=query,
                    period=period)


def _without_period(args: list[str]) -> AksiCommand:
    lowered = [a.lower() for a in args]
    at = next((i for i, a in enumerate(lowered) if a in ("jumlah", "judul")), None)
    head = list(args if at is None else args[:at])
    year = _year(head.pop()) if head and YEAR_RE.match(head[-1]) else None
    query = " ".join(head)
    if at is None:
        return AksiCommand("show", query, year)
    rest = args[at + 1:]
    if not rest or not ACTION_RE.match(rest[0]):
        raise UserError(N_("Tulis jumlah aksi sebagai angka, mis. /aksi {query} jumlah 8, atau judul aksi dengan "
                           "nomornya, mis. /aksi {query} judul 3 Layanan ramah disabilitas."), query=query)
    number = int(rest[0])
    if lowered[at] == "jumlah":
        if len(rest) != 1:
            raise UserError(N_("Tulis jumlah aksi sebagai angka, mis. /aksi {query} jumlah 8, atau judul aksi "
                               "dengan nomornya, mis. /aksi {query} judul 3 Layanan ramah disabilitas."), query=query)
        return AksiCommand("count", query, year, number=number)
    return AksiCommand("title", query, year, number=number, text=" ".join(rest[1:]))
