"""Callback data of inline buttons: short strings, at most 64 bytes, built and parsed here.

Whatever comes back from a button may be forged (any client can send any callback data), so every
prefix has one parser here that returns a typed value or None: the right number of fields, each one
within its range (a known kab/kota or province, a criterion 1-10, a page, an id a database can hold, a
date inside the accepted window...). ``decode`` picks the parser by prefix; a button whose data does
not decode is answered quietly by ``handlers.buttons`` and reaches no handler. Pure: no database, no
clock (the date window is passed in).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import TypeAlias

from bot.core import limits
from bot.core.models import EventKind, IndicatorState
from bot.domain import periods
from bot.reference import Place as Place
from bot.reference import ProvinceRef, RegionRef, criteria, provinces, regions
from bot.render import review_callbacks

# the fields every parser reads; IN_PLACE, SEP, Place and PlaceButton are read through this module too (cb.IN_PLACE)
from bot.render.callback_fields import IN_PLACE as IN_PLACE
from bot.render.callback_fields import SEP as SEP
from bot.render.callback_fields import PlaceButton as PlaceButton
from bot.render.callback_fields import day_in, number, place_of, place_parser, split_fields
from bot.render.review_callbacks import VerifyButton, VerifyFileButton

STATUS = "st"  # st|r:63.05  or  st|p:63
BELUM = "bl"  # bl|63.05|criterion (0 = all)|page
CHECKLIST = "ck"  # ck|63.05
CRITERION = "kc"  # kc|63.05|criterion|page
INDICATOR = "ki"  # ki|63.05|indicator code
SET_STATE = "ks"  # ks|63.05|indicator code|state
ADD_NOTE = "kn"  # kn|63.05|indicator code
SEND_BACK = "kr"  # kr|63.05|indicator code|r1..r5 (a common reason) or tw (✍️ Tulis alasan): perlu perbaikan
FILES = "kf"  # kf|63.05|indicator code: send the indicator's data-dukung files
EKSPOR = "ex"  # ex|63.05 or ex|63: the XLSX report
TEMPLAT = "tp"  # tp|63.05: the fill-in template (a province: its kab/kota to choose from)
IMPORT = "im"  # im|ok or no|token: confirm or cancel a previewed spreadsheet import
JADWAL = "jd"  # jd|r:63.05  or  jd|p:63
KALENDER = "kl"  # kl|r:63.05  or  kl|p:63
LANGGANAN = "lg"  # lg|r:63.05  or  lg|p:63
AKSI = "ak"  # ak|63.05
AKSI_PERIOD = "ap"  # ap|63.05|2024|B04 (one period's detail) or ap|63.05|2024|- (every period): /aksi
TARGETED = (STATUS, JADWAL, KALENDER, LANGGANAN)  # actions whose argument may be a province or a kab/kota
WIZARD = "wz"  # wz|step|value: the guided /jadwal_tambah
RIWAYAT = "rw"  # rw|63.05|page
UMUMKAN = "um"  # um|step|value
REMINDER_ACK = "ra"  # ra|reminder id
REMINDER_SNOOZE = "rz"  # rz|reminder id

MAX_PAGE = 9_999  # pages of a list; a renderer shows the last one when fewer exist
MAX_CODE = 40  # an indicator code (the catalog's own codes: no spaces)
CODE_RE = re.compile(rf"^[^\s|]{{1,{MAX_CODE}}}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,43}$")
CLOCK_RE = re.compile(r"^([01]\d|2[0-3])([0-5]\d)$")
WIZARD_STEPS = ("kind", "scope", "month", "day", "time", "save", "cancel", "noop")
BROADCAST_STEPS = ("ok", "pic", "no")  # with a broadcast id; "prov" carries a province code
IMPORT_CHOICES = ("ok", "no")
SANE_DATES = (date(1900, 1, 1), date(2999, 12, 1))  # without a clock: still no calendar arithmetic overflows

@dataclass(frozen=True)
class Callback:
    """The raw fields of callback data (no checks): use the typed parsers below for anything acted on."""

    action: str
    args: tuple[str, ...]

    def arg(self, i: int, default: str = "") -> str:
        return self.args[i] if i < len(self.args) else default

    @property
    def in_place(self) -> bool:
        """Whether the answer replaces the message the button sits on."""
        return bool(self.args) and self.args[-1] == IN_PLACE


@dataclass(frozen=True)
class PageButton:
    """bl (criterion 0 = all), kc (criterion 1-10) and rw (no criterion): a place and a page."""

    action: str
    place: Place
    criterion: int
    page: int
    in_place: bool = False


@dataclass(frozen=True)
class IndicatorButton:
    """ki, kn, kf, ks: an indicator of a kab/kota (and, for ks, the state to set)."""

    action: str
    region: RegionRef
    code: str
    state: IndicatorState | None = None
    in_place: bool = False


@dataclass(frozen=True)
class ReasonButton:
    """kr: send an indicator of a kab/kota back (*perlu perbaikan*) with a common reason (``reason``: its 0-based
    index in ``bot.domain.decisions.REASONS``), or ask for a typed one (``reason`` None)."""

    region: RegionRef
    code: str
    reason: int | None
    in_place: bool = False


@dataclass(frozen=True)
class ImportButton:
    confirm: bool
    token: str


@dataclass(frozen=True)
class WizardButton:
    """A step of the guided /jadwal_tambah; ``value`` is typed by step: kind (an ``EventKind`` value),
    scope (``nasional`` or a province code), month and day (a date in the window), time (``None`` for
    "Tanpa jam"), nothing for save, cancel and noop."""

    step: str
    value: str | date | time | None = None


@dataclass(frozen=True)
class BroadcastButton:
    step: str  # "prov", "ok", "pic", "no"
    province: ProvinceRef | None = None  # "prov"
    broadcast_id: int = 0  # the others


@dataclass(frozen=True)
class ReminderButton:
    action: str  # REMINDER_ACK or REMINDER_SNOOZE
    reminder_id: int


@dataclass(frozen=True)
class AksiPeriodButton:
    """ap: a kab/kota's Aksi HAM of a year, every period (``period`` None) or one."""

    region: RegionRef
    year: int
    period: str | None
    in_place: bool = False


# what decode() gives
Decoded: TypeAlias = (PlaceButton | PageButton | IndicatorButton | ReasonButton | ImportButton | WizardButton
                      | BroadcastButton | ReminderButton | AksiPeriodButton | VerifyButton | VerifyFileButton)


def build(action: str, *args: object) -> str:
    data = SEP.join([action, *map(str, args)])
    if len(data.encode()) > 64:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse(data: str | None) -> Callback:
    parts = (data or "").split(SEP)
    return Callback(parts[0], tuple(parts[1:]))


def target(kind: str, code: str) -> str:
    return f"{kind}:{code}"


# -- one parser per prefix ---------------------------------------------------------------------------
def _page(action: str) -> Callable[[str, tuple[date, date]], PageButton | None]:
    def parse_page(data: str, _window: tuple[date, date]) -> PageButton | None:
        split = split_fields(data, (2,) if action == RIWAYAT else (3,), in_place=True)
        if split is None:
            return None
        fields, moved = split
        place = place_of(fields[0])
        if place is None:
            return None
        if action == RIWAYAT:
            page = number(fields[1], 0, MAX_PAGE)
            return PageButton(action, place, 0, page, moved) if page is not None else None
        lowest = 0 if action == BELUM else 1  # /belum: 0 = every criterion
        criterion = number(fields[1], lowest, max(criteria()))
        page = number(fields[2], 0, MAX_PAGE)
        if criterion is None or page is None or (criterion and criterion not in criteria()):
            return None
        if action == CRITERION and not isinstance(place, RegionRef):
            return None
        return PageButton(action, place, criterion, page, moved)

    return parse_page


def _indicator(action: str) -> Callable[[str, tuple[date, date]], IndicatorButton | None]:
    def parse_indicator(data: str, _window: tuple[date, date]) -> IndicatorButton | None:
        split = split_fields(data, (3,) if action == SET_STATE else (2,), in_place=True)
        if split is None:
            return None
        fields, moved = split
        region = regions().get(fields[0])
        if region is None or not CODE_RE.match(fields[1]):
            return None
        state = None
        if action == SET_STATE:
            if fields[2] not in {s.value for s in IndicatorState}:
                return None
            state = IndicatorState(fields[2])
        return IndicatorButton(action, region, fields[1], state, moved)

    return parse_indicator


REASON_CHOICES = {**{f"r{i}": i - 1 for i in range(1, review_callbacks.REASON_COUNT + 1)}, review_callbacks.WRITE: None}


def _send_back(data: str, _window: tuple[date, date]) -> ReasonButton | None:
    split = split_fields(data, (3,), in_place=True)
    if split is None:
        return None
    (code, indicator, what), moved = split
    region = regions().get(code)
    if region is None or not CODE_RE.match(indicator) or what not in REASON_CHOICES:
        return None
    return ReasonButton(region, indicator, REASON_CHOICES[what], moved)


def _aksi_period(data: str, window: tuple[date, date]) -> AksiPeriodButton | None:
    split = split_fields(data, (3,), in_place=True)
    if split is None:
        return None
    (code, raw_year, period), moved = split
    region = regions().get(code)
    year = number(raw_year, window[0].year, window[1].year)
    if region is None or year is None:
        return None
    if period == "-":
        return AksiPeriodButton(region, year, None, moved)
    return AksiPeriodButton(region, year, period, moved) if period in periods.codes(year) else None


def _import(data: str, _window: tuple[date, date]) -> ImportButton | None:
    split = split_fields(data, (2,), in_place=False)
    if split is None:
        return None
    choice, token = split[0]
    if choice not in IMPORT_CHOICES or not TOKEN_RE.match(token):
        return None
    return ImportButton(choice == "ok", token)


def _wizard(data: str, window: tuple[date, date]) -> WizardButton | None:
    fields = tuple(data.split(SEP)[1:])
    if not fields or fields[0] not in WIZARD_STEPS:
        return None
    step, rest = fields[0], fields[1:]
    if step in ("save", "cancel", "noop"):
        return WizardButton(step) if not rest else None
    if len(rest) != 1:
        return None
    value = rest[0]
    if step == "kind":
        return WizardButton(step, value) if value in {k.value for k in EventKind} else None
    if step == "scope":
        return WizardButton(step, value) if value == "nasional" or value in provinces() else None
    if step in ("month", "day"):
        day = day_in(value, window)
        if day is None or (step == "month" and day.day != 1):
            return None
        return WizardButton(step, day)
    if value == "-":  # step == "time"
        return WizardButton(step, None)
    m = CLOCK_RE.match(value)
    return WizardButton(step, time(int(m.group(1)), int(m.group(2)))) if m else None


def _broadcast(data: str, _window: tuple[date, date]) -> BroadcastButton | None:
    fields = tuple(data.split(SEP)[1:])
    if len(fields) == 2 and fields[0] == "prov":
        province = provinces().get(fields[1])
        return BroadcastButton("prov", province) if province is not None else None
    split = split_fields(data, (2,), in_place=True)
    if split is None or split[0][0] not in BROADCAST_STEPS:
        return None
    step, raw_id = split[0]
    broadcast_id = number(raw_id, 1, limits.MAX_ID)
    return BroadcastButton(step, None, broadcast_id) if broadcast_id is not None else None


def _reminder(action: str) -> Callable[[str, tuple[date, date]], ReminderButton | None]:
    def parse_reminder(data: str, _window: tuple[date, date]) -> ReminderButton | None:
        split = split_fields(data, (1,), in_place=False)
        if split is None:
            return None
        reminder_id = number(split[0][0], 1, limits.MAX_ID)
        return ReminderButton(action, reminder_id) if reminder_id is not None else None

    return parse_reminder


PARSERS: dict[str, Callable[[str, tuple[date, date]], Decoded | None]] = {
    **{action: place_parser(action) for action in (STATUS, CHECKLIST, EKSPOR, TEMPLAT, JADWAL, KALENDER, LANGGANAN,
                                             AKSI)},
    **{action: _page(action) for action in (BELUM, CRITERION, RIWAYAT)},
    **{action: _indicator(action) for action in (INDICATOR, SET_STATE, ADD_NOTE, FILES)},
    SEND_BACK: _send_back,
    AKSI_PERIOD: _aksi_period,
    IMPORT: _import,
    WIZARD: _wizard,
    UMUMKAN: _broadcast,
    REMINDER_ACK: _reminder(REMINDER_ACK),
    REMINDER_SNOOZE: _reminder(REMINDER_SNOOZE),
    **review_callbacks.PARSERS,  # the verification queue's buttons (vf, vb, vo), parsed in a module of their own
}


def decode(data: object, today: date | None = None) -> Decoded | None:
    """The typed meaning of a button's data, or None when it is malformed, out of range or unknown.

    ``today`` bounds the dates of the guided /jadwal_tambah to the accepted window (``bot.core.limits``)."""
    if not isinstance(data, str) or not 0 < len(data.encode("utf-8", "surrogatepass")) <= 64:
        return None
    parser = PARSERS.get(data.split(SEP, 1)[0])
    if parser is None:
        return None
    return parser(data, limits.date_window(today) if today is not None else SANE_DATES)

