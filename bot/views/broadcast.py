"""A results broadcast as previewed (a province's progress, who needs assistance, next events) and its
delivery report (one entry per recipient)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.models import (
    Broadcast,
    Chat,
    Cycle,
    Event,
    Outbox,
    Person,
    ReminderStatus,
    Role,
    RoleBinding,
)
from bot.domain.checklist import ProvinceProgress, RegionProgress, Thresholds, province_progress
from bot.reference import ProvinceRef, regions
from schedules.calendar import anchor_of, upcoming
from schedules.policy import deadline_in

BEHIND = 3


NEXT_EVENTS = 3


@dataclass(frozen=True)
class BroadcastView:
    progress: ProvinceProgress
    behind: tuple[RegionProgress, ...]  # the furthest behind, worst first
    next_events: tuple[Event, ...]


def view(session: Session, clock: Clock, cycle: Cycle, province: ProvinceRef, thresholds: Thresholds) -> BroadcastView:
    progress = province_progress(session, cycle, province, thresholds)
    # a kab/kota with no data yet is not "furthest behind" (it is listed as "belum ada data"), nor is one whose
    # data dukung only wait for the Kanwil's verification
    behind = progress.needing_assistance(BEHIND)
    codes = {r.region.code for r in progress.rows}
    now = clock.now()
    # "Jadwal berikutnya": what is still ahead (a rakor that began this morning is not; a deadline today is)
    events = [e for e in upcoming(session, clock, codes, include_drafts=False)
              if deadline_in(anchor_of(e), e.timezone) > now and e.starts_at <= now + timedelta(days=60)]
    events = events[:NEXT_EVENTS]
    return BroadcastView(progress, behind, tuple(events))


@dataclass(frozen=True)
class DeliveryReport:
    broadcast: Broadcast
    sent: list[str]
    failed: list[str]
    blocked: list[str]
    pending: list[str]  # still being sent (or retried)

    @property
    def final(self) -> bool:
        return not self.pending


UNSETTLED = (ReminderStatus.PENDING.value, ReminderStatus.CLAIMED.value)


def report(session: Session, broadcast_id: int) -> tuple[DeliveryReport, bool] | None:
    """The delivery report (one entry per recipient, whatever the number of its messages) and whether
    every row has reached a final state; None when the broadcast is gone."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        return None
    rows = session.exec(select(Outbox).where(Outbox.broadcast_id == broadcast_id).order_by(col(Outbox.id))).all()
    ids = list({r.chat_id for r in rows})
    regions_of_pic: dict[int, list[str]] = {}  # a focal point is named with their kab/kota: names repeat
    for binding in session.exec(select(RoleBinding).where(col(RoleBinding.user_id).in_(ids),
                                                          RoleBinding.role == Role.PIC.value)):
        place = regions().get(binding.target_code)
        if place is not None:
            regions_of_pic.setdefault(binding.user_id, []).append(place.short_name)
    names = {p.id: p.first_name for p in session.exec(select(Person).where(col(Person.id).in_(ids)))
             if p.first_name}
    names |= {c.id: c.title for c in session.exec(select(Chat).where(col(Chat.id).in_(ids))) if c.title}
    names = {chat: names.get(chat) or str(chat) for chat in ids}  # a group's title, a focal point's name
    for user, places in regions_of_pic.items():
        names[user] = f"{names[user]} ({', '.join(sorted(places))})"
    blocked_chats = {r.chat_id for r in rows if r.status == "failed" and (r.last_error or "").startswith("blocked")}
    pending_chats = {r.chat_id for r in rows if r.status in UNSETTLED} - blocked_chats
    texts = [r for r in rows if not is_chart_row(r)]
    done = blocked_chats | pending_chats
    sent = [names[r.chat_id] for r in texts if r.status == "sent" and r.chat_id not in done]
    blocked = [names[c] for c in dict.fromkeys(r.chat_id for r in texts) if c in blocked_chats]
    pending = [names[c] for c in dict.fromkeys(r.chat_id for r in texts) if c in pending_chats]
    failed = [names[r.chat_id] for r in texts if r.status == "failed" and r.chat_id not in done]
    delivery = DeliveryReport(broadcast, sent, failed, blocked, pending)
    return delivery, delivery.final


def is_chart_row(row: Outbox) -> bool:
    return row.key.endswith(":chart")
