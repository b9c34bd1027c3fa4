"""What a due ledger row says: gathered from the database at the moment it is sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.ids import key_of
from bot.core.models import Event, Reminder, ReminderStatus, Role, RoleBinding, Subscription
from schedules.actions import snooze_due
from schedules.planner import ESCALATE, NOTICES, is_opening_key
from schedules.policy import Policy
from schedules.recipients import RegionWork, chat_zone, recipients


@dataclass(frozen=True)
class ReminderView:
    reminder_id: int
    event: Event
    key: str
    zone: str
    pending: tuple[RegionWork, ...]  # kab/kota of the chat that still have work
    now: datetime
    snoozable: bool = True  # "Ingatkan besok" can still remind before the deadline (or the start)

    @property
    def opening(self) -> bool:
        """Before a reporting window opens: it says when it opens and closes, and asks nothing yet."""
        return is_opening_key(self.key)


@dataclass(frozen=True)
class NoticeView:
    event: Event
    key: str  # "moved" or "cancelled"
    zone: str
    now: datetime


@dataclass(frozen=True)
class EscalationView:
    event: Event
    zone: str
    laggards: tuple[RegionWork, ...]  # reminded, did not acknowledge, still have work
    now: datetime


def reminder_view(session: Session, clock: Clock, row: Reminder, event: Event, cycle_setting: str | None,
                  aksi_actions: int | None = None, *, policy: Policy, admins: frozenset[int] = frozenset(),
                  ) -> ReminderView | NoticeView | EscalationView | None:
    """None when there is nothing left to say (every kab/kota of the chat is done). ``aksi_actions``:
    ``PANTAU_AKSI_ACTIONS`` (None: read from the environment); ``policy``: when "Ingatkan besok" would remind;
    ``admins``: ``PANTAU_ADMIN_IDS`` (an escalation shows them every province, a staf member only theirs)."""
    now = clock.now()
    if row.offset_key in NOTICES:
        return NoticeView(event, row.offset_key, chat_zone(session, row.chat_id, event.timezone), now)
    if row.offset_key == ESCALATE:
        return escalation_view(session, clock, event, cycle_setting, aksi_actions,
                               reader=row.chat_id, admins=admins)
    found = recipients(session, clock, event, cycle_setting, only_chat=row.chat_id, aksi_actions=aksi_actions)
    if not found or not found[0].needs_reminder:
        return None
    due = snooze_due(now, policy, chat_zone(session, row.chat_id, event.timezone), row.deadline_at)
    return ReminderView(key_of(row), event, row.offset_key, found[0].zone, found[0].pending, now, due is not None)


def escalation_view(session: Session, clock: Clock, event: Event, cycle_setting: str | None,
                    aksi_actions: int | None = None, *, reader: int | None = None,
                    admins: frozenset[int] = frozenset()) -> EscalationView | None:
    """The kab/kota that were reminded, did not answer and still have work; for ``reader`` (None: everyone's),
    only those of the provinces they are staf of, unless they are an admin. A kab/kota has answered when its
    own chat (a group bound to it, its PIC's private chat) pressed "Sudah dikerjakan", or when every chat
    reminded for it did."""
    rows = session.exec(select(Reminder).where(
        Reminder.event_id == event.id, Reminder.event_version == event.version, Reminder.offset_key != ESCALATE,
        Reminder.status == ReminderStatus.SENT.value,
    )).all()
    acknowledged = {r.chat_id for r in rows if r.acknowledged_at is not None}
    # the reminders before a window opens ask nothing: only those of its close make a chat silent
    silent = {r.chat_id for r in rows if not is_opening_key(r.offset_key)} - acknowledged
    if not silent:
        return None
    answered = set(session.exec(select(Subscription.target_code).where(
        Subscription.active, col(Subscription.chat_id).in_(sorted(acknowledged)))).all()) if acknowledged else set()
    shown = None if reader is None or reader in admins else staf_provinces(session, reader)
    laggards: list[RegionWork] = []
    for recipient in recipients(session, clock, event, cycle_setting, aksi_actions=aksi_actions):
        if recipient.chat_id in silent:
            laggards.extend(w for w in recipient.pending if w not in laggards and w.region.code not in answered
                            and (shown is None or w.region.province_code in shown))
    if not laggards:
        return None
    return EscalationView(event, event.timezone, tuple(sorted(laggards, key=lambda w: w.region.code)), clock.now())


def staf_provinces(session: Session, user: int) -> frozenset[str] | None:
    """The provinces ``user`` is staf of; None when they are an admin by role (they see every province)."""
    rows = session.exec(select(RoleBinding.role, RoleBinding.target_code).where(
        RoleBinding.user_id == user, col(RoleBinding.role).in_([Role.ADMIN.value, Role.STAF.value]))).all()
    if any(role == Role.ADMIN.value for role, _code in rows):
        return None
    return frozenset(code for _role, code in rows)
