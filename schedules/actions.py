"""What a person does with a reminder: acknowledge it, or ask for it again tomorrow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core import zones
from bot.core.claims import rowcount
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.models import Event, EventKind, Reminder, ReminderStatus
from bot.core.settings import Settings
from bot.domain import audit
from schedules.planner import SNOOZE_PREFIX, Planned, insert_rows, policy_from
from schedules.policy import Policy
from schedules.recipients import chat_zone


@dataclass(frozen=True)
class Acknowledged:
    event: Event
    cancelled: int  # reminders of this event to this chat that will no longer be sent


def _reminder(session: Session, reminder_id: int, chat_id: int) -> tuple[Reminder, Event]:
    """The reminder behind a button pressed in ``chat_id``: only the chat it was sent to may answer it."""
    row = session.get(Reminder, reminder_id) if 0 < reminder_id < 2**63 else None
    if row is None:
        raise UserError(N_("Pengingat ini sudah tidak ada."))
    if row.chat_id != chat_id:
        raise UserError(N_("Tombol ini hanya berlaku di chat yang menerima pengingatnya."))
    event = session.get(Event, row.event_id)
    assert event is not None  # the reminder's foreign key
    return row, event


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


def acknowledge(session: Session, clock: Clock, reminder_id: int, user_id: int | None,
                chat_id: int) -> Acknowledged:
    """"Sudah dikerjakan": no more reminders of this event to this chat, and no escalation."""
    row, event = _reminder(session, reminder_id, chat_id)
    if row.acknowledged_at is None:
        row.acknowledged_at = clock.now()
        row.acknowledged_by = user_id
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


def snooze(session: Session, clock: Clock, settings: Settings, reminder_id: int, user_id: int | None,
           chat_id: int) -> tuple[Event, Planned]:
    """"Ingatkan besok": one more reminder tomorrow morning (local), never after the deadline.

    Refused once the chat has said "Sudah dikerjakan" for this event (on this or any other of its
    reminders): an older message's button does not bring the reminders back."""
    row, event = _reminder(session, reminder_id, chat_id)
    if is_acknowledged(session, row):
        raise UserError(N_("Acara ini sudah ditandai selesai dikerjakan di chat ini; tidak ada pengingat lagi."))
    zone = chat_zone(session, row.chat_id, event.timezone)
    due = snooze_due(clock.now(), policy_from(settings), zone, row.deadline_at)
    if due is None:  # the button is not offered then; an older message may still carry it
        raise UserError(TOO_LATE.get(EventKind(event.kind), TOO_LATE_EVENT))
    tomorrow = clock.now().astimezone(zones.zone(zone)).date() + timedelta(days=1)
    planned = Planned(row.chat_id, f"{SNOOZE_PREFIX}{tomorrow:%Y%m%d}", due, row.deadline_at)
    insert_rows(session, event, [planned])
    _audit(session, clock, user_id, "reminder.snooze", row, event, {"due_at": due.isoformat()})
    return event, planned
