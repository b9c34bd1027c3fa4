"""The fields every callback parser reads (``callbacks.py``, ``review_callbacks.py``): the separator, the
in-place marker, a place (a kab/kota or a province), a bounded number, a date inside a window, the fields
after a prefix, and the parser of a button that names one place."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.reference import Place, provinces, regions

SEP = "|"
IN_PLACE = "e"  # last field of buttons that navigate within the same message


@dataclass(frozen=True)
class PlaceButton:
    """st, ck, ex, tp, jd, kl, lg, ak: one kab/kota or province."""

    action: str
    place: Place
    in_place: bool = False


def place_of(text: str) -> Place | None:
    """``r:63.05``, ``p:63`` or a bare ``63.05``/``63``; None for anything else."""
    kind, _, code = text.rpartition(":")
    if kind == "p":
        return provinces().get(code)
    if kind == "r":
        return regions().get(code)
    if kind:
        return None
    return provinces().get(code) or regions().get(code)


def number(text: str, low: int, high: int) -> int | None:
    """A plain decimal integer within [low, high] (no sign, spaces or other digits)."""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if low <= value <= high else None


def day_in(text: str, window: tuple[date, date]) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    if not window[0] <= day <= window[1]:
        return None
    return day


def split_fields(data: str, arities: tuple[int, ...], in_place: bool) -> tuple[tuple[str, ...], bool] | None:
    """The fields after the prefix when their number is one of ``arities`` (plus ``e`` when allowed)."""
    fields = tuple(data.split(SEP)[1:])
    moved = in_place and bool(fields) and fields[-1] == IN_PLACE and len(fields) - 1 in arities
    if moved:
        fields = fields[:-1]
    if len(fields) not in arities:
        return None
    return fields, moved


def place_parser(action: str) -> Callable[[str, tuple[date, date]], PlaceButton | None]:
    def parse_place(data: str, _window: tuple[date, date]) -> PlaceButton | None:
        split = split_fields(data, (1,), in_place=True)
        if split is None:
            return None
        place = place_of(split[0][0])
        return PlaceButton(action, place, split[1]) if place is not None else None

    return parse_place
