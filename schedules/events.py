"""Changing the calendar, with the ledger kept in step: add, move, edit, confirm, cancel (and what a change
needs to know first: the event's today, who must be allowed to manage it)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlmodel import Session

from bot.core import limits, zones
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.models import Event, EventStatus, ScopeKind
from bot.core.offsets import canonical_offsets
from bot.core.settings import Settings
from bot.domain import audit
from bot.reference import ProvinceRef, RegionRef
from schedules.calendar import EventDraft, anchor_of, create_event, get_event, reschedule, scope_of
from schedules.planner import CANCELLED, MOVED, notify_reminded, sync_event

EDITABLE = ("judul", "lokasi", "catatan", "ingatkan")


def snapshot(event: Event) -> dict[str, object]:
    return {"title": event.title, "kind": event.kind, "start": event.start_date, "time": event.start_time,
            "end": event.end_date, "status": event.status, "offsets": event.offsets, "location": event.location}


def _audit(session: Session, clock: Clock, actor: int | None, action: str, event: Event,
           before: dict[str, object] | None) -> None:
    """One entry per province or kab/kota of the scope, so each one's /riwayat shows it."""
    scope = scope_of(event)
    places = [(None, None)] if scope.kind is ScopeKind.NATIONAL else [
        (None, c) if scope.kind is ScopeKind.PROVINCES else (c, None) for c in scope.codes]
    for region_code, province_code in places:
        audit.record(session, clock, actor, action, f"event#{event.id}", region_code, province_code,
                     before=before, after=snapshot(event))


def refuse_past(clock: Clock, event: Event) -> None:
    """A new event, or a new date, must still be ahead (the close of a reporting window or deadline, else the
    start): one already past would list reminders that can never go out. The yearly template's drafts are not
    checked here (they are dated by the year, and confirmed later)."""
    anchor = anchor_of(event)
    now = clock.now()
    if isinstance(anchor, datetime):
        if anchor <= now:
            raise UserError(N_("Waktu {value} pukul {time} sudah lewat: acara hanya dapat dijadwalkan pada waktu yang "
                               "akan datang."), value=anchor.date(), time=f"{anchor:%H.%M}")
    elif anchor < now.astimezone(zones.zone(event.timezone)).date():
        raise UserError(N_("Tanggal {value} sudah lewat: acara hanya dapat dijadwalkan pada hari ini atau "
                           "sesudahnya."), value=anchor)


def add(session: Session, clock: Clock, settings: Settings, draft: EventDraft, actor: int | None) -> Event:
    event = create_event(session, clock, draft, settings.timezone, actor)
    refuse_past(clock, event)  # the caller's transaction is rolled back: nothing is saved
    sync_event(session, clock, event, settings)
    _audit(session, clock, actor, "event.create", event, None)
    return event


def _find(session: Session, event_id: int) -> Event | None:
    """The event with that number, or None (an id no database holds is simply not there)."""
    return session.get(Event, event_id) if 0 < event_id <= limits.MAX_ID else None


def event_today(session: Session, clock: Clock, event_id: int, national_zone: str) -> date:
    """Today in the event's zone, against which "besok", "Senin depan" and the accepted range of a new date are
    read; in ``national_zone`` for an id no event has (the change itself then says so)."""
    event = _find(session, event_id)
    return clock.now().astimezone(zones.zone(event.timezone if event else national_zone)).date()


def managed_targets(session: Session, event_id: int) -> tuple[RegionRef | ProvinceRef | str, ...]:
    """What a person must be allowed to manage to change the event: every province or kab/kota of its scope, or
    "nasional"; nothing for an id no event has (the change itself then says so)."""
    event = _find(session, event_id)
    return scope_of(event).targets() if event else ()


def _open(session: Session, event_id: int) -> Event:
    event = get_event(session, event_id)
    if event.status == EventStatus.CANCELLED:
        raise UserError(N_("Acara #{id} sudah dibatalkan."), id=str(event_id))
    return event


def move(session: Session, clock: Clock, settings: Settings, event_id: int, start: date, at: time | None,
         end: date | None = None, actor: int | None = None) -> tuple[Event, bool]:
    """New date/time: obsolete reminders are cancelled, those already reminded hear that it moved."""
    event = _open(session, event_id)
    before = snapshot(event)
    changed = reschedule(session, clock, event, start, at, end)
    if changed:
        refuse_past(clock, event)  # the caller's transaction is rolled back: the event keeps its date
    if changed and event.status == EventStatus.CONFIRMED:
        notify_reminded(session, clock, event, MOVED)
    sync_event(session, clock, event, settings)
    if changed:
        _audit(session, clock, actor, "event.move", event, before)
    return event, changed


def edit(session: Session, clock: Clock, settings: Settings, event_id: int, field: str, value: str,
         actor: int | None = None) -> Event:
    event = _open(session, event_id)
    before = snapshot(event)
    value = value.strip()
    if field == "judul":
        if not value:
            raise UserError(N_("Judul acara kosong."))
        event.title = limits.text(value, "title", limits.MAX_TITLE)
    elif field == "lokasi":
        event.location = limits.text(value, "place", limits.MAX_PLACE) or None
    elif field == "catatan":
        event.notes = limits.text(value, "note", limits.MAX_NOTE) or None
    elif field == "ingatkan":
        event.offsets = canonical_offsets(value, event.start_time is not None) if value else None
    else:
        raise UserError(N_("Bagian “{value}” tidak dapat diubah."), value=field)
    if snapshot(event) == before:
        return event  # a change that changes nothing is not recorded
    event.updated_at = clock.now()
    session.flush()
    sync_event(session, clock, event, settings)
    _audit(session, clock, actor, "event.edit", event, before)
    return event


def confirm(session: Session, clock: Clock, settings: Settings, event_id: int, actor: int | None = None) -> Event:
    """A draft from the yearly template becomes real: its reminders are planned."""
    event = _open(session, event_id)
    if event.status == EventStatus.CONFIRMED:
        return event  # already confirmed: nothing changes, nothing is recorded
    before = snapshot(event)
    event.status = EventStatus.CONFIRMED.value
    event.updated_at = clock.now()
    session.flush()
    sync_event(session, clock, event, settings)
    _audit(session, clock, actor, "event.confirm", event, before)
    return event


def cancel(session: Session, clock: Clock, settings: Settings, event_id: int, actor: int | None = None) -> Event:
    event = _open(session, event_id)
    before = snapshot(event)
    was_confirmed = event.status == EventStatus.CONFIRMED
    event.status = EventStatus.CANCELLED.value
    event.updated_at = clock.now()
    session.flush()
    sync_event(session, clock, event, settings)  # cancels everything pending
    if was_confirmed:
        notify_reminded(session, clock, event, CANCELLED)
    _audit(session, clock, actor, "event.cancel", event, before)
    return event
