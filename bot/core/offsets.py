"""Reminder offsets as a Kanwil writes them: ``H-3`` (three days before, at the reminder hour), ``H`` (the
day itself), ``2 jam``, ``30 menit``; the short forms ``3d, 2h, 15m`` are read too. A value of the
settings (``PANTAU_OPENING_REMINDERS``) and of commands (``| ingatkan H-3, H-1, 2 jam``), so it lives below
both; when each offset falls due is ``schedules/policy.py``'s business."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.core import limits
from bot.core.errors import UserError
from bot.core.i18n import N_

OFFSET_RE = re.compile(r"^(\d{1,4})([dhm])$")
# Indonesian forms: "H-3" (three days before), "H" or "H-0" (the day itself), "2 jam", "30 menit".
H_RE = re.compile(r"^h(?:\s*-\s*(\d{1,4}))?$")
WORD_RE = re.compile(r"^(\d{1,4})\s*(hari|jam|menit)$")
WORD_UNITS = {"hari": "d", "jam": "h", "menit": "m"}
# "2h" stays the short form of "2 jam" (the default reminder before a meeting); from 3 up "Nh" may
# just as well mean "H-N" (N hari), so it is refused with both readings.
AMBIGUOUS_HOURS_FROM = 3
LIMITS = {"d": 90, "h": 72, "m": 24 * 60}


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
            raise UserError(N_("Pengingat “{value}” terlalu jauh: paling jauh {limit}."), value=part,
                            limit=Offset(offset.unit, LIMITS[offset.unit]).label_id)
        if not offset.is_day_level and not timed:
            raise UserError(N_("Pengingat “{value}” hanya untuk acara yang memiliki jam (mis. 09.00)."), value=part)
        if offset not in out:
            out.append(offset)
    if not out:
        raise UserError(N_("Daftar pengingat kosong: pakai mis. H-3, H-1, 2 jam."))
    limits.check_offsets(len(out))
    return tuple(out)


def canonical_offsets(text: str, timed: bool) -> str:
    """What is stored: ``"H-3, 2 jam"`` -> ``"3d,2h"`` (validated)."""
    return ",".join(o.key for o in parse_offsets(text, timed))


def parse_opening(text: str) -> tuple[Offset, ...]:
    """The opening reminders of a reporting window (day-level only; empty: none)."""
    return parse_offsets(text, timed=False) if text.strip() else ()
