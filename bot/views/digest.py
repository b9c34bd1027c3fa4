"""The weekly digest of a province for its staf: who is behind, what changed this week, reminders nobody
answered, what waits for the Kanwil's verification, events of the next two weeks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from bot.core import zones
from bot.core.clock import Clock
from bot.core.models import Event, Reminder, ReminderStatus
from bot.core.settings import Settings
from bot.domain.audit import changes_since
from bot.domain.checklist import ProvinceProgress, RegionProgress, Thresholds, province_progress
from bot.domain.cycles import current_cycle
from bot.domain.subscriptions import active_subscriptions
from bot.domain.verification import Waiting, waiting
from bot.reference import ProvinceRef, RegionRef, regions
from schedules.calendar import scope_of, upcoming
from schedules.planner import ESCALATE, ESCALATION_DELAY, NOTICES, is_opening_key

BEHIND = 5


@dataclass(frozen=True)
class DigestView:
    province: ProvinceRef
    progress: ProvinceProgress
    behind: tuple[RegionProgress, ...]
    changes: dict[str, int]  # kab/kota code -> checklist changes this week
    unanswered: tuple[tuple[Event, RegionRef], ...]
    events: tuple[Event, ...]
    since: datetime
    waiting: Waiting = Waiting()  # handed in, not yet verified: the verification queue's own count


def due_week(now: datetime, tz: str, weekday: int, at: time,
             working: Callable[[date], bool] | None = None) -> str | None:
    """The ISO week label when this week's digest is due (it is past the digest moment), else None. With
    ``working``, a digest that missed its moment (the bot was not running, the moment fell on a holiday) goes out
    on a working day of the same week only: not on a Saturday, and next week's comes on its own day."""
    local = now.astimezone(zones.zone(tz))
    moment = datetime.combine(local.date() - timedelta(days=local.weekday() - weekday), at, tzinfo=zones.zone(tz))
    if local < moment:
        return None
    if working is not None and not working(local.date()):
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def build(session: Session, clock: Clock, settings: Settings, province: ProvinceRef, thresholds: Thresholds
          ) -> DigestView:
    now = clock.now()
    since = now - timedelta(days=7)
    cycle = current_cycle(session, clock, settings.cycle)
    progress = province_progress(session, cycle, province, thresholds)
    behind = progress.needing_assistance(BEHIND)
    codes = {r.region.code for r in progress.rows}
    region_chats: dict[int, list[RegionRef]] = {}  # a chat and the kab/kota it is reminded for
    for sub in active_subscriptions(session):
        if sub.target_code in codes:
            region_chats.setdefault(sub.chat_id, []).append(regions()[sub.target_code])
        elif sub.target_code == province.code:  # a group of the whole province: every kab/kota
            region_chats.setdefault(sub.chat_id, []).extend(r.region for r in progress.rows)
    unanswered: list[tuple[Event, RegionRef]] = []
    rows = session.exec(select(Reminder).where(  # sent long enough ago to have been answered (as for escalation)
        Reminder.status == ReminderStatus.SENT.value, col(Reminder.acknowledged_at).is_(None),
        col(Reminder.sent_at) <= now - ESCALATION_DELAY,
        Reminder.deadline_at > now, col(Reminder.chat_id).in_(list(region_chats) or [0]))).all()
    acked_rows = session.exec(select(Reminder).where(
        col(Reminder.acknowledged_at).is_not(None), col(Reminder.chat_id).in_(list(region_chats) or [0]))).all()
    acked = {(r.event_id, r.chat_id) for r in acked_rows}
    # a kab/kota answered when a chat of its own did (its group, its PIC): not when the province's group did
    answered = {(r.event_id, region.code) for r in acked_rows for region in region_chats[r.chat_id]
                if len(region_chats[r.chat_id]) == 1}
    seen: set[tuple[int, str]] = set()
    for row in rows:
        if row.offset_key in NOTICES or row.offset_key == ESCALATE or is_opening_key(row.offset_key) \
                or (row.event_id, row.chat_id) in acked:
            continue
        event = session.get(Event, row.event_id)
        assert event is not None  # the reminder's foreign key
        for region in region_chats[row.chat_id]:
            if (row.event_id, region.code) not in seen | answered and scope_of(event).covers(region):
                seen.add((row.event_id, region.code))
                unanswered.append((event, region))
    events = tuple(e for e in upcoming(session, clock, codes, include_drafts=False)
                   if e.starts_at <= now + timedelta(days=14))
    return DigestView(province, progress, behind, changes_since(session, province.code, since),
                      tuple(unanswered), events, since, waiting(session, cycle, province))
