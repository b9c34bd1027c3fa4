"""Turn the calendar into ledger rows, idempotently.

``plan_rows`` is pure: an event, the chats to remind (with their zones) and the policy in, the rows
out. ``sync_event`` upserts them into the ``reminder`` ledger (INSERT ... ON CONFLICT DO NOTHING on
the UNIQUE (event, version, chat, offset)), moves pending rows whose due time changed, and cancels
pending rows that are no longer wanted (offsets edited, chat unsubscribed, region done, old version).
It may run any number of times, from any number of processes: on start, after every edit, and
periodically from the ticking job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from bot.core import wakeup, zones
from bot.core.claims import dialect_insert
from bot.core.clock import Clock
from bot.core.models import Event, EventStatus, Reminder, ReminderStatus, Role, RoleBinding
from bot.core.settings import Settings
from bot.reference import provinces, regions
from schedules.calendar import Scope, anchor_of, is_window, opening_of, scope_of
from schedules.policy import Policy, anchor_day, deadline_in, needs_answer, offsets_for, start_in
from schedules.recipients import Recipient, chat_zones, recipients

ESCALATE = "escalate"
MOVED = "moved"
CANCELLED = "cancelled"
SNOOZE_PREFIX = "snooze-"
OPEN_PREFIX = "open-"  # "open-3d", "open-0d": before a reporting window opens
NOTICES = (MOVED, CANCELLED)
ESCALATION_DELAY = timedelta(hours=2)
NOTICE_LIFETIME = timedelta(days=2)


def is_planned_key(key: str) -> bool:
    """Keys the planner owns (offsets before the close or the start, offsets before a window opens, the
    escalation), as opposed to snoozes and notices: moved and cancelled with their event."""
    return not key.startswith(SNOOZE_PREFIX) and key not in NOTICES


def is_opening_key(key: str) -> bool:
    """A reminder that a reporting window is about to open: nothing to acknowledge, no escalation."""
    return key.startswith(OPEN_PREFIX)


def policy_from(settings: Settings) -> Policy:
    return Policy(settings.reminder_time, settings.quiet_window, settings.skip_weekends, settings.skip_holidays,
                  settings.opening_offsets)


@dataclass(frozen=True)
class Planned:
    chat_id: int
    offset_key: str
    due_at: datetime
    deadline_at: datetime


def plan_rows(event: Event, chats: list[tuple[int, str]], policy: Policy,
              admins: frozenset[int] | Mapping[int, datetime | None], not_before: datetime | None = None,
              anyone: bool | None = None, since: Mapping[int, datetime | None] | None = None,
              escalation_zones: Mapping[int, str] | None = None) -> list[Planned]:
    """Rows for ``chats`` [(chat id, zone)], plus one escalation per admin (``admins``: ids, or id -> since
    when) when anyone is reminded (``anyone``: when ``chats`` are not all of them); none due before
    ``not_before`` (the event's last change), and none for a chat (or admin) due before it became one
    (``since``): a chat that subscribes after a reminder time is not told about it afterwards.
    ``escalation_zones``: the zone each escalation's reader lives in (default: the event's); an escalation
    that falls in the reader's quiet hours comes at their end, and not at all when that is past the deadline.

    A reporting window is also reminded before it opens (``policy.opening``), unless it was already
    open when planned; a reminder of its close that would come before it opens is not planned (nothing
    can be reported yet), and where an opening and a closing reminder fall on one morning only the
    opening one is sent (it names the close too). The escalation's time: ``escalation_due``.
    """
    anchor = anchor_of(event)
    opening = opening_of(event) if is_window(event) else None
    since = since or {}
    rows: list[Planned] = []
    per_zone: dict[str, tuple[datetime, list[tuple[datetime, str]]]] = {}  # Indonesia has three zones
    for chat_id, zone in chats:
        if zone not in per_zone:
            deadline = deadline_in(anchor, zone)
            seen = {due: key for due, key in close_dues(event, policy, zone)
                    if not (not_before and due < not_before)}
            if opening is not None and not (not_before and not_before >= start_in(opening, zone)):
                seen.update(_opening_dues(policy, opening, zone, deadline, not_before))
            per_zone[zone] = (deadline, sorted(seen.items()))
        deadline, dues = per_zone[zone]
        start = since.get(chat_id)
        rows.extend(Planned(chat_id, key, due, deadline) for due, key in dues if start is None or due >= start)
    if (bool(chats) if anyone is None else anyone) and admins:
        due = escalation_due(event, policy)
        if due is not None and not (not_before and due < not_before):
            deadline = deadline_in(anchor, event.timezone)
            starts = admins if isinstance(admins, Mapping) else dict.fromkeys(admins)
            zones_of = escalation_zones or {}
            for admin, became in sorted(starts.items()):
                at = after_quiet_hours(policy, due, zones_of.get(admin, event.timezone))
                if at < deadline and (became is None or at >= became) and not (not_before and at < not_before):
                    rows.append(Planned(admin, ESCALATE, at, deadline))
    return rows


def after_quiet_hours(policy: Policy, due: datetime, zone: str) -> datetime:
    """``due``, or the end of the quiet hours it falls in, in ``zone`` (a person is not woken by a digest)."""
    if policy.quiet is None:
        return due
    local = due.astimezone(zones.zone(zone))
    if not policy.in_quiet_hours(local.time()):
        return due
    end = datetime.combine(local.date(), policy.quiet[1], tzinfo=local.tzinfo)
    return end if end > local else end + timedelta(days=1)


def close_dues(event: Event, policy: Policy, zone: str) -> list[tuple[datetime, str]]:
    """(due, offset key) of the event's reminders in ``zone``, before its start or close, in order: day-level
    ones at the reminder hour of a working morning, hour and minute ones on time; two moved onto one
    moment keep the nearer label; a window's close reminders that would come before it opens are left out."""
    seen: dict[datetime, str] = {}
    for due, key in _offset_dues(event, policy, zone):
        seen[due] = key  # two offsets moved onto one morning: keep the nearer one
    return sorted(seen.items())


def _offset_dues(event: Event, policy: Policy, zone: str) -> list[tuple[datetime, str]]:
    """(due, offset key) of each of the event's offsets that can be reminded, farthest first, before any two
    that fall on one moment are merged."""
    anchor = anchor_of(event)
    offsets = offsets_for(event.kind, event.offsets, isinstance(anchor, datetime))
    deadline = deadline_in(anchor, zone)
    opening = opening_of(event) if is_window(event) else None
    opens_at = start_in(opening, zone) if opening is not None else None
    out: list[tuple[datetime, str]] = []
    for offset in sorted(offsets, key=lambda o: o.delta, reverse=True):
        if offset.is_day_level:
            due = policy.day_level_due(anchor_day(anchor, zone), offset.amount, zone, deadline)
        elif isinstance(anchor, datetime):
            due = anchor - offset.delta
        else:  # hours or minutes before a day without a time: offsets_for gives none
            continue
        if due is None or due >= deadline or (opens_at is not None and due < opens_at):
            continue
        out.append((due, offset.key))
    return out


def passed_offsets(event: Event, policy: Policy, now: datetime) -> frozenset[str]:
    """The keys of the event's reminders (before its start or close) whose time is over at ``now``, in its own
    zone: a new event or date plans none of them (``plan_rows``'s ``not_before``), so its card says so. Each
    offset counts on its own: H-3 and H-1 moved back onto one past Friday are both over."""
    return frozenset(key for due, key in _offset_dues(event, policy, event.timezone) if due < now)


def escalation_due(event: Event, policy: Policy) -> datetime | None:
    """When the admins and staf hear who was reminded and did not answer; None when nobody is reminded.

    In the event's zone: the reminder hour + 2 h (10.00) of the last working day on or before the deadline
    (a weekend or holiday moves back to the working day before), but never before two hours after the last
    reminder (in any zone of the scope); when that would be at or after the deadline (a meeting that starts
    early, a reminder 30 minutes before), halfway between the last reminder and the deadline. So it always
    follows every reminder, and always comes before the deadline, for every offset and every weekday. None for
    an event nobody answers (Hari HAM: a commemoration, ``needs_answer``)."""
    if not needs_answer(event.kind):
        return None
    zones = {regions()[c].timezone for c in scope_of(event).region_codes()} | {event.timezone}
    last = max((due for zone in sorted(zones) for due, _key in close_dues(event, policy, zone)), default=None)
    if last is None:
        return None
    anchor = anchor_of(event)
    deadline = deadline_in(anchor, event.timezone)
    due = max(policy.morning_of(anchor_day(anchor, event.timezone), event.timezone) + ESCALATION_DELAY,
              last + ESCALATION_DELAY)
    if due >= deadline:
        due = last + (deadline - last) / 2
    return due


def _opening_dues(policy: Policy, opening: datetime | date, zone: str, deadline: datetime, not_before: datetime | None
                  ) -> dict[datetime, str]:
    """The mornings before a window opens (in ``zone``), keyed ``open-3d``...; they are useful until its close."""
    out: dict[datetime, str] = {}
    for offset in sorted(policy.opening, key=lambda o: o.delta, reverse=True):
        due = policy.day_level_due(anchor_day(opening, zone), offset.amount, zone, deadline)
        if due is None or (not_before and due < not_before):
            continue
        out[due] = OPEN_PREFIX + offset.key  # two moved onto one morning: keep the nearer one
    return out


def insert_rows(session: Session, event: Event, rows: list[Planned], known_empty: bool = False) -> int:
    """Insert ledger rows, silently keeping any that exist already (the UNIQUE key decides).
    ``known_empty``: the event has no rows yet (its first plan), so nothing needs counting before."""
    if not rows:
        return 0
    values = [
        dict(event_id=event.id, event_version=event.version, chat_id=r.chat_id, offset_key=r.offset_key,
             due_at=r.due_at, deadline_at=r.deadline_at, status=ReminderStatus.PENDING.value, attempts=0)
        for r in rows
    ]
    stmt = (
        dialect_insert(session)(Reminder)
        .on_conflict_do_nothing(index_elements=["event_id", "event_version", "chat_id", "offset_key"])
    )
    # counted before and after rather than with RETURNING: a plain executemany is about twice as fast
    count = select(func.count()).select_from(Reminder).where(
        Reminder.event_id == event.id, Reminder.event_version == event.version)
    before = 0 if known_empty else session.exec(count).one()
    session.connection().execute(stmt, values)
    added = session.exec(count).one() - before
    if added:
        wakeup.after_commit(session)
    return added


def cancel_pending(session: Session, event: Event, keep_current: bool) -> None:
    stmt = update(Reminder).where(col(Reminder.event_id) == event.id,
                                  col(Reminder.status) == ReminderStatus.PENDING.value)
    if keep_current:
        stmt = stmt.where(col(Reminder.event_version) != event.version)
    session.execute(stmt.values(status=ReminderStatus.CANCELLED.value))


def sync_event(session: Session, clock: Clock, event: Event, settings: Settings,
               only: frozenset[int] | None = None) -> int:
    """Bring the ledger in line with the event; returns how many rows were added.
    ``only``: just these chats' rows (their subscription or role changed, the event did not)."""
    # an event planned for the first time has nothing to cancel or move (one look-up on the UNIQUE key)
    planned_before = session.exec(select(Reminder.id).where(Reminder.event_id == event.id).limit(1)).first()
    if event.status != EventStatus.CONFIRMED:
        if planned_before is not None:
            cancel_pending(session, event, keep_current=False)
        return 0
    if planned_before is not None:
        cancel_pending(session, event, keep_current=True)

    def reminded(some: frozenset[int] | None) -> list[Recipient]:
        return [r for r in recipients(session, clock, event, settings.cycle, some, settings.aksi_actions)
                if r.needs_reminder]

    found = reminded(only)
    anyone = bool(found) or (only is not None and bool(reminded(None)))  # the escalation needs someone reminded
    staff = staff_of(session, scope_of(event))
    escalate_to: dict[int, datetime | None] = {**staff, **dict.fromkeys(settings.admin_ids)}
    readers = chat_zones(session, {**dict.fromkeys(settings.admin_ids, settings.timezone),
                                   **staff_zones(scope_of(event), staff_provinces(session, set(staff) -
                                                                                  settings.admin_ids))})
    planned = plan_rows(event, [(r.chat_id, r.zone) for r in found], policy_from(settings), escalate_to,
                        not_before=event.updated_at, anyone=anyone, since={r.chat_id: r.since for r in found},
                        escalation_zones=readers)
    if planned_before is None:
        return insert_rows(session, event, planned, known_empty=True)
    wanted = {(p.chat_id, p.offset_key): p for p in planned}
    query = select(Reminder).where(
        Reminder.event_id == event.id, Reminder.event_version == event.version,
        Reminder.status == ReminderStatus.PENDING.value,
    )
    if only is not None:  # the escalations too: whether anyone is reminded may have changed
        query = query.where(or_(col(Reminder.chat_id).in_(sorted(only)), col(Reminder.offset_key) == ESCALATE))
    for row in session.exec(query).all():
        if not is_planned_key(row.offset_key):
            continue
        target = wanted.get((row.chat_id, row.offset_key))
        if target is None:
            row.status = ReminderStatus.CANCELLED.value
        elif (row.due_at, row.deadline_at) != (target.due_at, target.deadline_at):
            row.due_at, row.deadline_at = target.due_at, target.deadline_at
            wakeup.after_commit(session)
    session.flush()
    revived = revive(session, event, planned, clock.now())
    return revived + insert_rows(session, event, planned)


def revive(session: Session, event: Event, planned: list[Planned], now: datetime) -> int:
    """Rows wanted again that were cancelled (the chat unsubscribed or removed the bot, the region was done,
    nobody was reminded), due from ``now`` on: pending again, so a chat bound again gets every reminder
    after its new binding; what was sent stays sent. Not for a chat that answered "Sudah dikerjakan"."""
    wanted = {(p.chat_id, p.offset_key): p for p in planned if p.due_at >= now}
    if not wanted:
        return 0
    chats = sorted({chat for chat, _key in wanted})
    rows = session.exec(select(Reminder).where(
        Reminder.event_id == event.id, Reminder.event_version == event.version,
        Reminder.status == ReminderStatus.CANCELLED.value, col(Reminder.chat_id).in_(chats))).all()
    if not rows:
        return 0
    answered = set(session.exec(select(Reminder.chat_id).where(
        Reminder.event_id == event.id, Reminder.event_version == event.version,
        col(Reminder.acknowledged_at).is_not(None))).all())
    revived = 0
    for row in rows:
        target = wanted.get((row.chat_id, row.offset_key))
        if target is None or row.chat_id in answered:
            continue
        row.status, row.due_at, row.deadline_at = ReminderStatus.PENDING.value, target.due_at, target.deadline_at
        row.attempts, row.claimed_by, row.claimed_at, row.last_error = 0, None, None, None
        revived += 1
    if revived:
        session.flush()
        wakeup.after_commit(session)
    return revived


def staff_of(session: Session, scope: Scope) -> dict[int, datetime]:
    """The staf of every province the scope touches (they hear when a region does not respond), each with
    since when they are staf there (nothing is planned for them before)."""
    touched = {regions()[c].province_code for c in scope.region_codes()}
    rows = session.exec(select(RoleBinding.user_id, RoleBinding.created_at).where(
        RoleBinding.role == Role.STAF.value, col(RoleBinding.target_code).in_(touched))).all()
    out: dict[int, datetime] = {}
    for user, since in rows:
        out[user] = min(out.get(user, since), since)
    return out


def staff_provinces(session: Session, users: set[int]) -> dict[int, list[str]]:
    """The provinces each of ``users`` is staf of, by code."""
    out: dict[int, list[str]] = {}
    if users:
        for user, code in session.exec(select(RoleBinding.user_id, RoleBinding.target_code).where(
                RoleBinding.role == Role.STAF.value, col(RoleBinding.user_id).in_(sorted(users)))
                .order_by(col(RoleBinding.target_code))):
            out.setdefault(user, []).append(code)
    return out


def staff_zones(scope: Scope, provinces_of: Mapping[int, list[str]]) -> dict[int, str]:
    """The zone each staf member reads the escalation in, unless a chat of their own is bound to a place: that of
    their first province (by code) the scope touches, as their daily line."""
    touched = {regions()[c].province_code for c in scope.region_codes()}
    out: dict[int, str] = {}
    for user, codes in provinces_of.items():
        mine = [c for c in codes if c in touched and c in provinces()]
        if mine:
            out[user] = provinces()[mine[0]].timezone
    return out


def sync_all(session: Session, clock: Clock, settings: Settings) -> int:
    """Re-plan every confirmed event whose deadline is still ahead."""
    added = 0
    horizon = clock.now() - timedelta(days=1)
    for event in session.exec(select(Event).where(Event.status == EventStatus.CONFIRMED.value)):
        anchor = anchor_of(event)
        if deadline_in(anchor, event.timezone) < horizon:
            continue
        added += sync_event(session, clock, event, settings)
    return added


def notify_reminded(session: Session, clock: Clock, event: Event, key: str) -> int:
    """Queue a "moved" or "cancelled" notice for every chat already reminded of ``event``."""
    chats = session.exec(select(Reminder.chat_id).where(
        Reminder.event_id == event.id, Reminder.status == ReminderStatus.SENT.value,
        Reminder.offset_key != ESCALATE,
    ).distinct()).all()
    now = clock.now()
    rows = [Planned(chat, key, now, now + NOTICE_LIFETIME) for chat in sorted(set(chats))]
    return insert_rows(session, event, rows)
