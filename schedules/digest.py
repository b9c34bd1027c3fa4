"""The weekly digest to each province's staf (Monday 08:00 local by default): regions behind, checklist
changes of the week, reminders nobody answered, events of the next two weeks. Queued in the outbox under a
key per (province, ISO week, person), so it goes out once a week even across restarts; a bot that was down
on Monday sends it when it comes back that week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.audit import changes_since
from bot.checklist import ProvinceProgress, Thresholds, province_progress
from bot.clock import Clock
from bot.cycles import current_cycle
from bot.i18n import Translator, translator
from bot.language import reader_language
from bot.models import Event, Outbox, Reminder, ReminderStatus, Role, RoleBinding
from bot.reference import ProvinceRef, RegionRef, provinces, regions
from bot.settings import Settings
from bot.subscriptions import active_subscriptions
from schedules.calendar import scope_of, upcoming
from schedules.ledger import enqueue
from schedules.planner import ESCALATE, NOTICES, is_opening_key

BEHIND = 5


@dataclass(frozen=True)
class DigestView:
    province: ProvinceRef
    progress: ProvinceProgress
    behind: tuple
    changes: dict[str, int]  # kab/kota code -> checklist changes this week
    unanswered: tuple[tuple[Event, RegionRef], ...]
    events: tuple[Event, ...]
    since: datetime


def due_week(now: datetime, tz: str, weekday: int, at) -> str | None:
    """The ISO week label when this week's digest is due (it is past the digest moment), else None."""
    local = now.astimezone(ZoneInfo(tz))
    moment = datetime.combine(local.date() - timedelta(days=local.weekday() - weekday), at, tzinfo=ZoneInfo(tz))
    if local < moment:
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def build(session: Session, clock: Clock, settings: Settings, province: ProvinceRef, thresholds: Thresholds
          ) -> DigestView:
    now = clock.now()
    since = now - timedelta(days=7)
    progress = province_progress(session, current_cycle(session, clock, settings.cycle), province, thresholds)
    behind = progress.needing_assistance(BEHIND)
    codes = {r.region.code for r in progress.rows}
    region_chats: dict[int, list[RegionRef]] = {}
    for sub in active_subscriptions(session):
        if sub.target_code in codes:
            region_chats.setdefault(sub.chat_id, []).append(regions()[sub.target_code])
    unanswered: list[tuple[Event, RegionRef]] = []
    rows = session.exec(select(Reminder).where(
        Reminder.status == ReminderStatus.SENT.value, Reminder.acknowledged_at.is_(None),
        Reminder.deadline_at > now, Reminder.chat_id.in_(list(region_chats) or [0]))).all()
    acked = {(r.event_id, r.chat_id) for r in session.exec(select(Reminder).where(
        Reminder.acknowledged_at.is_not(None), Reminder.chat_id.in_(list(region_chats) or [0])))}
    seen: set[tuple[int, str]] = set()
    for row in rows:
        if row.offset_key in NOTICES or row.offset_key == ESCALATE or is_opening_key(row.offset_key) \
                or (row.event_id, row.chat_id) in acked:
            continue
        event = session.get(Event, row.event_id)
        for region in region_chats[row.chat_id]:
            if (event.id, region.code) not in seen and scope_of(event).covers(region):
                seen.add((event.id, region.code))
                unanswered.append((event, region))
    events = tuple(e for e in upcoming(session, clock, codes, include_drafts=False)
                   if e.starts_at <= now + timedelta(days=14))
    return DigestView(province, progress, behind, changes_since(session, province.code, since),
                      tuple(unanswered), events, since)


def enqueue_due(session: Session, clock: Clock, settings: Settings, thresholds: Thresholds, t: Translator,
                render) -> int:
    """Queue this week's digest for every staf whose province's digest moment has passed."""
    staff: dict[str, list[int]] = {}
    for b in session.exec(select(RoleBinding).where(RoleBinding.role == Role.STAF.value)):
        staff.setdefault(b.target_code, []).append(b.user_id)
    rows: list[dict] = []
    for code, users in sorted(staff.items()):
        province = provinces()[code]
        week = due_week(clock.now(), province.timezone, settings.digest_weekday, settings.digest_time)
        if week is None:
            continue
        keys = {u: f"digest:{code}:{week}:{u}" for u in users}
        known = set(session.exec(select(Outbox.key).where(Outbox.key.in_(list(keys.values())))))
        todo = [u for u, k in keys.items() if k not in known]
        if not todo:
            continue
        view = build(session, clock, settings, province, thresholds)
        texts: dict[str, str] = {}  # one rendering per language the staf read
        for u in todo:
            locale = reader_language(session, u, t.locale)
            if locale not in texts:
                texts[locale] = render(t if locale == t.locale else translator(locale), view)
            rows.append(dict(key=keys[u], chat_id=u, text=texts[locale], due_at=clock.now()))
    # written at the end, in one statement: SQLite has one writer, and the bot's event loop must not wait
    # on a lock held while every province's digest is being put together
    return enqueue(session, rows)
