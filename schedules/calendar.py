"""The calendar: events with a kind, a scope and local dates; the one-line form; the yearly template.

Dates and times are typed in the scope's own zone (a Kalsel rakor at 09:00 is 09:00 WITA); a
national event uses ``PANTAU_TIMEZONE``. ``starts_at`` keeps the UTC instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from sqlmodel import Session, col, select

from bot.core import limits, zones
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.models import Event, EventKind, EventStatus, ScopeKind
from bot.core.offsets import canonical_offsets
from bot.core.settings import parse_clock
from bot.domain import periods
from bot.domain.regions import label, province_named, resolve
from bot.reference import ProvinceRef, RegionRef, provinces, regions
from schedules.dates import is_date, parse_date, split_date
from schedules.policy import anchor_day, offsets_for

KIND_WORDS = {k.value: k for k in EventKind}
NATIONAL_WORDS = {"nasional", "national", "semua"}
FORM = "/jadwal_tambah <jenis> <wilayah|provinsi|nasional> <tanggal> [HH.MM] <judul> [| ingatkan H-3, H-1, 2 jam]"
EXAMPLE = "/jadwal_tambah rakor Kalsel {date} 09.00 Rakor Aksi HAM B08 | ingatkan H-3, H-1, 2 jam"  # a date ahead


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    codes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return ",".join(self.codes)

    def region_codes(self) -> set[str]:
        """Every kab/kota the scope covers."""
        if self.kind is ScopeKind.NATIONAL:
            return set(regions())
        if self.kind is ScopeKind.PROVINCES:
            return {c for c, r in regions().items() if r.province_code in self.codes}
        return set(self.codes)

    def zone(self, national_zone: str) -> str:
        if self.kind is ScopeKind.NATIONAL or not self.codes:
            return national_zone
        if self.kind is ScopeKind.PROVINCES:
            return provinces()[self.codes[0]].timezone
        return regions()[self.codes[0]].timezone

    def targets(self) -> tuple[RegionRef | ProvinceRef | str, ...]:
        """What access control checks: the provinces or kab/kota, or "nasional"."""
        if self.kind is ScopeKind.NATIONAL:
            return ("nasional",)
        table = provinces() if self.kind is ScopeKind.PROVINCES else regions()
        return tuple(table[c] for c in self.codes)

    def covers(self, region: RegionRef) -> bool:
        if self.kind is ScopeKind.NATIONAL:
            return True
        if self.kind is ScopeKind.PROVINCES:
            return region.province_code in self.codes
        return region.code in self.codes


def scope_of(event: Event) -> Scope:
    codes = tuple(c for c in event.scope_codes.split(",") if c)
    return Scope(ScopeKind(event.scope_kind), codes)


def region_with_province(parts: list[str]) -> RegionRef | None:
    """``Tapin, Kalsel``: one kab/kota followed by its own province, as addresses are written."""
    if len(parts) != 2:
        return None
    # "Gorontalo" after a comma is the province (not asked); "63" or a typo as the resolver reads it
    province = province_named(parts[1].strip()) or resolve(parts[1].strip()).province
    if province is None:
        return None
    region = resolve(parts[0].strip(), prefer_province=province.code).target
    return region if isinstance(region, RegionRef) and region.province_code == province.code else None


def parse_scope(text: str) -> Scope:
    """``nasional``, ``Kalsel``, ``Kalsel,Kaltim``, ``Tapin, HSS`` or ``Tapin, Kalsel`` (one kab/kota)."""
    text = text.strip()
    if not text:
        raise UserError(N_("Sebutkan wilayah, provinsi atau “nasional”."))
    if text.lower() in NATIONAL_WORDS:
        return Scope(ScopeKind.NATIONAL)
    found: list[ProvinceRef | RegionRef] = []
    parts = text.split(",")
    named = region_with_province(parts)
    if named is not None:
        found.append(named)
        parts = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        resolution = resolve(part)
        if resolution.target is None:
            if resolution.is_ambiguous:
                raise UserError(N_("“{name}” bisa berarti beberapa wilayah: {choices}. Tulis nama lengkapnya, mis. "
                                   "“{example}”."), name=part, choices="; ".join(map(label, resolution.candidates)),
                                example=label(resolution.candidates[0]).split(" (")[0])
            raise UserError(N_("Wilayah “{name}” tidak ditemukan."), name=part)
        if resolution.target not in found:
            found.append(resolution.target)
    kinds = {type(t) for t in found}
    if len(kinds) > 1:
        raise UserError(N_("Cakupan berisi provinsi atau kab/kota, tidak campuran."))
    kind = ScopeKind.PROVINCES if kinds == {ProvinceRef} else ScopeKind.REGIONS
    return Scope(kind, tuple(t.code for t in found))


def period_for(kind: str, title: str, day: date) -> str | None:
    """Aksi HAM period: ``B04``/``B08``/``B12`` from the title, else the period whose usual reporting window
    is nearest to the deadline's month (``bot/domain/periods.py``: June is B04, July B08, November B12)."""
    if kind != EventKind.AKSIHAM:
        return None
    named = {w.upper() for w in re.findall(r"\b[Bb]\d{2}\b", title)}
    found = next((code for code in periods.codes(day.year) if code in named), None)
    return found or periods.period_for_deadline(day).code


@dataclass(frozen=True)
class EventDraft:
    """An event as understood from the one-line form or the guided conversation, not yet saved."""

    kind: str
    scope: Scope
    start_date: date
    start_time: time | None
    title: str
    end_date: date | None = None
    offsets: str | None = None
    location: str | None = None
    notes: str | None = None


TIME_RE = re.compile(r"^\d{1,2}[:.]\d{2}$")
RANGE_WORDS = ("..", "s.d.", "s/d", "sampai", "hingga")


def _date(text: str, today: date | None) -> date:
    if today is None:  # programmatic use (tests, the template): ISO only, no window
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise UserError(N_("Tanggal “{value}” tidak dikenali: tulis sebagai TTTT-BB-HH."), value=text) from None
    return parse_date(text, today)


def _take_when(tokens: list[str], today: date | None) -> tuple[date, date | None, int] | None:
    """A date (or ``A..B`` window) at the start of ``tokens``: (start, end, tokens used), or None."""
    probe = today or date(2000, 1, 1)
    if tokens and ".." in tokens[0] and all(tokens[0].split("..")):
        first, _, second = tokens[0].partition("..")
        if is_date(first, probe) and is_date(second, probe):
            return _date(first, today), _date(second, today), 1
    n = split_date(tokens, probe)
    if not n:
        return None
    start = _date(" ".join(tokens[:n]), today)
    rest = tokens[n:]
    if rest and rest[0].lower() in RANGE_WORDS:
        m = split_date(rest[1:], probe)
        if m:
            return start, _date(" ".join(rest[1 : 1 + m]), today), n + 1 + m
    return start, None, n


def _starts_with_date(tokens: list[str], probe: date) -> bool:
    if tokens and ".." in tokens[0]:
        return all(is_date(part, probe) for part in tokens[0].split("..", 1))
    return split_date(tokens, probe) > 0


def parse_when(text: str, today: date | None = None) -> tuple[date, time | None, date | None]:
    """``3 Desember 2026``, ``2026-12-03 09:00``, ``28-08-2026..05-09-2026``, ``besok 09.00`` -> (start, time, end).

    ``today`` (in the region's zone) enables ``besok``/``lusa``/``Senin depan`` and the allowed range.
    """
    tokens = text.split()
    at = None
    if tokens and TIME_RE.match(tokens[-1]):
        at = _clock(tokens.pop())
    taken = _take_when(tokens, today)
    if taken is None or taken[2] != len(tokens):
        return _date(" ".join(tokens), today), at, None  # says why the date is not understood
    start, end, _ = taken
    if end is not None and end < start:
        raise UserError(N_("Tanggal akhir sebelum tanggal mulai."))
    return start, at, end


def parse_time(text: str) -> time:
    """``09.00`` or ``9:00``; a clear error for anything else."""
    if not TIME_RE.match(text.strip()):
        raise UserError(N_("Jam “{value}” tidak sah: pakai mis. 09.00."), value=text.strip())
    return _clock(text.strip())


def _clock(text: str) -> time:
    try:
        return parse_clock(text)
    except ValueError:
        raise UserError(N_("Jam “{value}” tidak sah: pakai mis. 09.00."), value=text) from None


def today_in(now: datetime | None, zone: str) -> date | None:
    return None if now is None else now.astimezone(zones.zone(zone)).date()


def parse_line(text: str, now: datetime | None = None, national_zone: str = "Asia/Jakarta") -> EventDraft:
    """``rakor Kalsel 3 Des 2026 09:00 Rakor Aksi HAM B12 | ingatkan H-3, H-1, 2 jam`` -> a draft.

    ``now`` (the clock) lets dates be relative (``besok``, in the scope's zone) and checks their range.
    """
    head, *options = [p.strip() for p in text.split("|")]
    tokens = head.split()
    if len(tokens) < 4:
        raise UserError(N_("Baris belum lengkap."))
    kind = KIND_WORDS.get(tokens[0].lower())
    if kind is None:
        raise UserError(N_("Jenis “{value}” tidak dikenal: rakor, aksiham, kkpham, verifikasi, hariham, lain."),
                        value=tokens[0])
    probe = (now.date() if now else date(2000, 1, 1))
    date_at = next((i for i in range(2, len(tokens)) if _starts_with_date(tokens[i:], probe)), None)
    if date_at is None:
        raise UserError(N_("Tanggal tidak ditemukan setelah jenis dan wilayah."))
    scope = parse_scope(" ".join(tokens[1:date_at]))
    when = _take_when(tokens[date_at:], today_in(now, scope.zone(national_zone)))
    if when is None:  # cannot be: a date starts there
        raise UserError(N_("Tanggal tidak ditemukan setelah jenis dan wilayah."))
    start, end, used = when
    if end is not None and end < start:
        raise UserError(N_("Tanggal akhir sebelum tanggal mulai."))
    rest = tokens[date_at + used :]
    start_time = None
    if rest and TIME_RE.match(rest[0]):
        start_time = _clock(rest.pop(0))
    title = " ".join(rest).strip()
    if not title:
        raise UserError(N_("Judul acara kosong."))
    offsets = location = notes = None
    for option in options:
        word, _, value = option.partition(" ")
        word = word.lower()
        if word in ("ingatkan", "pengingat"):
            offsets = canonical_offsets(value, start_time is not None)
        elif word == "lokasi":
            location = limits.text(value, "place", limits.MAX_PLACE)
        elif word == "catatan":
            notes = limits.text(value, "note", limits.MAX_NOTE)
        else:
            raise UserError(N_("Bagian “{value}” tidak dikenal: pakai “| ingatkan …”, “| lokasi …” atau "
                               "“| catatan …”."),
                            value=option)
    return EventDraft(kind.value, scope, start, start_time, limits.text(title, "title", limits.MAX_TITLE), end,
                      offsets, location, notes)


def local_instant(day: date, at: time | None, zone: str) -> datetime:
    return datetime.combine(day, at or time(0, 0), tzinfo=zones.zone(zone))


def anchor_of(event: Event) -> datetime | date:
    """What reminders count down to: the end of a reporting window or deadline, else the start (a window
    is also reminded before it opens: :func:`opening_of`)."""
    zone = zones.zone(event.timezone)
    end = event.end_date if event.kind in (EventKind.AKSIHAM, EventKind.KKPHAM) else None
    day, at = (end, event.end_time) if end is not None else (event.start_date, event.start_time)
    if at is None:
        return day
    return datetime.combine(day, at, tzinfo=zone)


def is_window(event: Event) -> bool:
    """A reporting window (Aksi HAM, KKP HAM from one date to another): it counts down to its opening,
    then to its close."""
    return event.end_date is not None and event.end_date != event.start_date and \
        event.kind in (EventKind.AKSIHAM, EventKind.KKPHAM)


def opening_of(event: Event) -> datetime | date:
    """When a reporting window opens: its first day (or the instant, when it has a time)."""
    if event.start_time is None:
        return event.start_date
    return datetime.combine(event.start_date, event.start_time, tzinfo=zones.zone(event.timezone))


def event_day(event: Event, zone: str) -> date:
    return anchor_day(anchor_of(event), zone)


def build_event(draft: EventDraft, national_zone: str, now: datetime, actor: int | None,
                status: EventStatus = EventStatus.CONFIRMED) -> Event:
    """The event a draft describes, not yet saved (the guided conversation previews it)."""
    zone = draft.scope.zone(national_zone)
    for day in (draft.start_date, draft.end_date):
        if day is not None:
            limits.check_date(day, now)
    return Event(
        kind=draft.kind, title=draft.title, timezone=zone, start_date=draft.start_date, start_time=draft.start_time,
        end_date=draft.end_date, starts_at=local_instant(draft.start_date, draft.start_time, zone),
        scope_kind=draft.scope.kind.value, scope_codes=draft.scope.text,
        period=period_for(draft.kind, draft.title, draft.end_date or draft.start_date),
        location=draft.location, notes=draft.notes, offsets=draft.offsets, status=status.value,
        created_by=actor, created_at=now, updated_at=now,
    )


def create_event(session: Session, clock: Clock, draft: EventDraft, national_zone: str, actor: int | None,
                 status: EventStatus = EventStatus.CONFIRMED) -> Event:
    event = build_event(draft, national_zone, clock.now(), actor, status)
    session.add(event)
    session.flush()
    return event


def get_event(session: Session, event_id: int) -> Event:
    """The event with that number; an id no database holds (0, negative, beyond 64 bits) is simply not there."""
    event = session.get(Event, event_id) if 0 < event_id <= limits.MAX_ID else None
    if event is None:
        raise UserError(N_("Acara #{id} tidak ada."), id=str(event_id))
    return event


def reschedule(session: Session, clock: Clock, event: Event, start: date, at: time | None,
               end: date | None = None) -> bool:
    """Move an event; True when its date or time really changed (its reminders must be re-planned)."""
    if end is not None and end < start:
        raise UserError(N_("Tanggal akhir sebelum tanggal mulai."))
    for day in (start, end):
        if day is not None:
            limits.check_date(day, clock.now())
    if event.end_date and end is None:
        end = start + (event.end_date - event.start_date)
    if at is None:
        at = event.start_time  # a new date without a time keeps the time it had, as a window keeps its span
    if event.offsets:
        offsets_for(event.kind, event.offsets, at is not None)
    changed = (start, at, end) != (event.start_date, event.start_time, event.end_date)
    event.start_date, event.start_time, event.end_date = start, at, end
    event.starts_at = local_instant(start, at, event.timezone)
    event.period = period_for(event.kind, event.title, end or start)
    if changed:
        event.version += 1
    event.updated_at = clock.now()
    session.flush()
    return changed


def upcoming(session: Session, clock: Clock, region_codes: set[str] | Literal["nasional"] | None = None,
             include_drafts: bool = True, limit: int = 30) -> list[Event]:
    """Events not over yet, soonest first; only those touching ``region_codes`` when given, only the national
    ones for ``"nasional"``."""
    since = clock.now() - timedelta(days=1)
    stmt = (select(Event).where(Event.status != EventStatus.CANCELLED.value)
            .order_by(col(Event.starts_at), col(Event.id)))
    out = []
    for event in session.exec(stmt):
        anchor = anchor_of(event)
        ends = anchor if isinstance(anchor, datetime) else local_instant(anchor + timedelta(days=1), None,
                                                                          event.timezone)
        if ends < since:
            continue
        if not include_drafts and event.status == EventStatus.DRAFT:
            continue
        if region_codes == "nasional":
            if scope_of(event).kind is not ScopeKind.NATIONAL:
                continue
        elif region_codes is not None and not (scope_of(event).region_codes() & region_codes):
            continue
        out.append(event)
        if len(out) >= limit:
            break
    return out
