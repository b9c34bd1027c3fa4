"""What a person does with a reminder: acknowledge it, or ask for it again tomorrow."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core import zones
from bot.core.claims import rowcount
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.models import AuditEntry, Event, EventKind, Person, Reminder, ReminderStatus
from bot.core.settings import Settings
from bot.domain import audit
from bot.domain.access import may_answer_reminder
from bot.domain.people import Grants
from bot.reference import RegionRef, regions
from schedules.calendar import scope_of
from schedules.planner import SNOOZE_PREFIX, Planned, insert_rows, policy_from
from schedules.policy import Policy, needs_answer
from schedules.recipients import chat_zone, covered_regions


class NotAllowed(Exception):
    """The presser has no role for the reminder's kab/kota (``bot.domain.access.may_answer_reminder``)."""


@dataclass(frozen=True)
class Earlier:
    """Someone of the chat gave this answer already (a second press, or an app still showing the original)."""
    by: str  # their name as the bot knows it; "" when unknown


@dataclass(frozen=True)
class Acknowledged:
    event: Event
    cancelled: int  # reminders of this event to this chat that will no longer be sent
    earlier: Earlier | None = None  # already acknowledged: nothing was changed


def _reminder(session: Session, reminder_id: int, chat_id: int, grants: Grants) -> tuple[Reminder, Event]:
    """The reminder behind a button pressed in ``chat_id``: only the chat it was sent to may answer it, only
    someone with a role for its kab/kota, and only a reminder that asks for an answer (not Hari HAM's)."""
    row = session.get(Reminder, reminder_id) if 0 < reminder_id < 2**63 else None
    if row is None:
        raise UserError(N_("Pengingat ini sudah tidak ada."))
    if row.chat_id != chat_id:
        raise UserError(N_("Tombol ini hanya berlaku di chat yang menerima pengingatnya."))
    event = session.get(Event, row.event_id)
    assert event is not None  # the reminder's foreign key
    if not may_answer_reminder(grants, _places(session, event, chat_id)):
        raise NotAllowed()
    if not needs_answer(event.kind):  # an older message, or forged data: its reminders carry no buttons
        raise UserError(N_("Pengingat ini hanya pemberitahuan; tidak ada yang perlu ditandai atau ditunda."))
    return row, event


def _places(session: Session, event: Event, chat_id: int) -> list[RegionRef]:
    """The kab/kota the chat was reminded for: those of the event it is bound to (else all of the event's)."""
    scope = scope_of(event)
    coverage = covered_regions(session, scope, chat_id).get(chat_id)
    return coverage.regions if coverage else [regions()[c] for c in sorted(scope.region_codes())]


def _name(session: Session, user_id: int | None) -> str:
    person = session.get(Person, user_id) if user_id is not None else None
    return person.first_name if person else ""


def _audit(session: Session, clock: Clock, user_id: int | None, action: str, row: Reminder, event: Event,
           after: dict[str, object]) -> None:
    codes = [c for c in event.scope_codes.split(",") if c]
    audit.record(session, clock, user_id, action, f"event:{event.id}",
                 region_code=codes[0] if len(codes) == 1 and "." in codes[0] else None,
                 province_code=codes[0] if len(codes) == 1 and "." not in codes[0] and codes[0] != "nasional"
                 else None,
                 after={"chat": row.chat_id, "event": event.title, **after})


def is_acknowledged(session: Session, row: Reminder) -> bool:
    """Whether the chat of ``row`` answered "Sudah dikerjakan" to any reminder of that event (as it is
    scheduled now: a moved event reminds again, and may be snoozed again)."""
    return session.exec(select(Reminder.id).where(
        Reminder.event_id == row.event_id, Reminder.event_version == row.event_version,
        Reminder.chat_id == row.chat_id, col(Reminder.acknowledged_at).is_not(None),
    ).limit(1)).first() is not None


def _acknowledged_by(session: Session, row: Reminder) -> Earlier | None:
    """Who of the chat said "Sudah dikerjakan" to a reminder of this event (as it is scheduled now), if anyone."""
    done = session.exec(select(Reminder).where(
        Reminder.event_id == row.event_id, Reminder.event_version == row.event_version,
        Reminder.chat_id == row.chat_id, col(Reminder.acknowledged_at).is_not(None),
    ).order_by(col(Reminder.acknowledged_at)).limit(1)).first()
    return Earlier(_name(session, done.acknowledged_by)) if done is not None else None


def acknowledge(session: Session, clock: Clock, reminder_id: int, user_id: int | None, chat_id: int, *,
                grants: Grants) -> Acknowledged:
    """"Sudah dikerjakan": no more reminders of this event to this chat, and no escalation.

    A second answer (on this or another reminder of the event) changes nothing and says who gave the first."""
    row, event = _reminder(session, reminder_id, chat_id, grants)
    earlier = _acknowledged_by(session, row)
    if earlier is not None:
        return Acknowledged(event, 0, earlier)
    claimed = session.execute(  # two presses at once: one of them sets it
        update(Reminder)
        .where(col(Reminder.id) == row.id, col(Reminder.acknowledged_at).is_(None))
        .values(acknowledged_at=clock.now(), acknowledged_by=user_id)
        .execution_options(synchronize_session=False)
    )
    if not rowcount(claimed):
        session.expire(row)
        return Acknowledged(event, 0, _acknowledged_by(session, row) or Earlier(""))
    result = session.execute(
        update(Reminder)
        .where(col(Reminder.event_id) == row.event_id, col(Reminder.chat_id) == row.chat_id,
               col(Reminder.status) == ReminderStatus.PENDING.value)
        .values(status=ReminderStatus.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    cancelled = rowcount(result)
    _audit(session, clock, user_id, "reminder.ack", row, event, {"cancelled": cancelled})
    return Acknowledged(event, cancelled)


TOO_LATE = {
    EventKind.KKPHAM: N_("Tenggatnya sebelum besok pagi, sehingga pengingat tidak dapat ditunda."),
    EventKind.AKSIHAM: N_("Masa pelaporannya ditutup sebelum besok pagi, sehingga pengingat tidak dapat ditunda."),
}
TOO_LATE_EVENT = N_("Acaranya dimulai sebelum besok pagi, sehingga pengingat tidak dapat ditunda.")


def snooze_due(now: datetime, policy: Policy, zone: str, deadline_at: datetime) -> datetime | None:
    """When "Ingatkan besok" reminds again: tomorrow's morning (local), or the next working day's; never after
    the deadline (the close of a window or deadline, else the start of the event). None when even tomorrow
    morning is too late: the reminder then offers no such button."""
    tomorrow = now.astimezone(zones.zone(zone)).date() + timedelta(days=1)
    day = tomorrow
    while not policy.is_working_day(day) and day < tomorrow + timedelta(days=7):
        day += timedelta(days=1)  # "tomorrow" on a Friday means Monday morning
    due = policy.morning_of(day, zone)
    if due >= deadline_at:  # Monday is too late: the last working morning before the deadline
        due = policy.morning_of(tomorrow, zone)
    if due <= now:
        due = now + timedelta(hours=1)
    return None if due >= deadline_at else due


def _snoozed_by(session: Session, event: Event, chat_id: int, due: datetime) -> Earlier:
    """Who asked for the reminder at ``due`` (the audit trail says; "" when it does not)."""
    entries = session.exec(select(AuditEntry).where(
        AuditEntry.action == "reminder.snooze", AuditEntry.subject == f"event:{event.id}",
    ).order_by(col(AuditEntry.id))).all()
    for entry in entries:
        after = json.loads(entry.after or "{}")
        if after.get("chat") == chat_id and after.get("due_at") and datetime.fromisoformat(after["due_at"]) == due:
            return Earlier(_name(session, entry.actor_id))
    return Earlier("")


def snooze(session: Session, clock: Clock, settings: Settings, reminder_id: int, user_id: int | None,
           chat_id: int, *, grants: Grants) -> tuple[Event, Planned, Earlier | None]:
    """"Ingatkan besok": one more reminder tomorrow morning (local), never after the deadline.

    Refused once the chat has said "Sudah dikerjakan" for this event (on this or any other of its
    reminders): an older message's button does not bring the reminders back. A second press for the same
    morning adds nothing and says who asked first (the third value; None when this press planned it)."""
    row, event = _reminder(session, reminder_id, chat_id, grants)
    if is_acknowledged(session, row):
        raise UserError(N_("Acara ini sudah ditandai selesai dikerjakan di chat ini; tidak ada pengingat lagi."))
    zone = chat_zone(session, row.chat_id, event.timezone)
    due = snooze_due(clock.now(), policy_from(settings), zone, row.deadline_at)
    if due is None:  # the button is not offered then; an older message may still carry it
        raise UserError(TOO_LATE.get(EventKind(event.kind), TOO_LATE_EVENT))
    tomorrow = clock.now().astimezone(zones.zone(zone)).date() + timedelta(days=1)
    planned = Planned(row.chat_id, f"{SNOOZE_PREFIX}{tomorrow:%Y%m%d}", due, row.deadline_at)
    if not insert_rows(session, event, [planned]):  # asked for already (the UNIQUE key): nothing new
        kept = session.exec(select(Reminder).where(
            Reminder.event_id == event.id, Reminder.event_version == event.version,
            Reminder.chat_id == row.chat_id, Reminder.offset_key == planned.offset_key)).first()
        if kept is not None:
            planned = Planned(kept.chat_id, kept.offset_key, kept.due_at, kept.deadline_at)
        return event, planned, _snoozed_by(session, event, row.chat_id, planned.due_at)
    _audit(session, clock, user_id, "reminder.snooze", row, event, {"due_at": due.isoformat()})
    return event, planned, None
