"""Results broadcasts: what the preview shows, and who gets it once confirmed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import not_, update
from sqlmodel import Session, select

from bot import audit
from bot.checklist import ProvinceProgress, RegionProgress, Thresholds, province_progress
from bot.claims import claimed
from bot.clock import Clock
from bot.errors import UserError
from bot.i18n import N_
from bot.models import Broadcast, Chat, Cycle, Event, Outbox, Role, RoleBinding, Subscription
from bot.reference import ProvinceRef, regions
from bot.telegram_text import fits_caption
from schedules.calendar import upcoming
from schedules.ledger import enqueue

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
    events = [e for e in upcoming(session, clock, codes, include_drafts=False)
              if e.starts_at <= clock.now() + timedelta(days=60)][:NEXT_EVENTS]
    return BroadcastView(progress, behind, tuple(events))


def group_chats(session: Session, province: ProvinceRef) -> list[int]:
    """Groups bound to the province or to one of its kab/kota."""
    codes = {province.code} | {c for c, r in regions().items() if r.province_code == province.code}
    rows = session.exec(select(Subscription.chat_id).where(
        Subscription.active, Subscription.target_code.in_(codes), Subscription.chat_id < 0)).all()
    return sorted(set(rows))


def focal_points(session: Session, province: ProvinceRef) -> list[tuple[int, str]]:
    """(user id, kab/kota code) of every focal point in the province."""
    rows = session.exec(select(RoleBinding).where(RoleBinding.role == Role.PIC.value)).all()
    return sorted((b.user_id, b.target_code) for b in rows
                  if b.target_code in regions() and regions()[b.target_code].province_code == province.code)


def create(session: Session, clock: Clock, province: ProvinceRef, actor: int | None, text: str,
           chart: bytes) -> Broadcast:
    broadcast = Broadcast(province_code=province.code, created_by=actor, created_at=clock.now(), text=text,
                          chart=chart)
    session.add(broadcast)
    session.flush()
    return broadcast


ALREADY_DONE = N_("Pengumuman ini sudah dikirim atau dibatalkan.")


def _open(session: Session, broadcast_id: int) -> Broadcast:
    broadcast = session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None or broadcast.status != "preview":
        raise UserError(ALREADY_DONE)
    return broadcast


def _still_preview(session: Session, broadcast_id: int, **values) -> None:
    """One conditional UPDATE of a broadcast still in preview (``bot.claims``); refused when another
    press (on this copy or another) confirmed or cancelled it first."""
    if not claimed(session, update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.status == "preview")
                   .values(**values)):
        raise UserError(ALREADY_DONE)


def toggle_pics(session: Session, broadcast_id: int) -> Broadcast:
    _still_preview(session, broadcast_id, to_pics=not_(Broadcast.to_pics))
    return _open(session, broadcast_id)


def confirm(session: Session, clock: Clock, broadcast_id: int, actor: int | None, province: ProvinceRef,
            pic_text: Callable[[], dict[str, str]] | dict[str, str]) -> int:
    """Queue one outbox row per group (and focal point); returns how many.

    Confirmed once: the broadcast is claimed by one conditional UPDATE (preview -> confirmed); a second
    "Kirim" (a double tap, or the same button on another copy of the bot) gets :data:`ALREADY_DONE` and
    queues and audits nothing. ``pic_text`` (or a function giving it, called only when focal points are to
    get their line) is each kab/kota's line."""
    _still_preview(session, broadcast_id, status="confirmed")
    broadcast = session.get(Broadcast, broadcast_id, populate_existing=True)
    now = clock.now()
    # a row is one Telegram message, so a crash doubles at most one: the chart with the text as its caption
    # when the text fits one (1024 characters), else the chart (captioned with the title) and then the text
    title = broadcast.text.split("\n", 1)[0]
    one_message = fits_caption(broadcast.text)
    rows = []
    for chat in group_chats(session, province):
        if not one_message:
            rows.append(dict(key=f"broadcast:{broadcast.id}:{chat}:chart", chat_id=chat,
                             broadcast_id=broadcast.id, text=title, with_chart=True, due_at=now))
        rows.append(dict(key=f"broadcast:{broadcast.id}:{chat}", chat_id=chat, broadcast_id=broadcast.id,
                         text=broadcast.text, with_chart=one_message, due_at=now))
    if broadcast.to_pics:
        lines = pic_text() if callable(pic_text) else pic_text
        rows += [dict(key=f"broadcast:{broadcast.id}:{user}", chat_id=user, broadcast_id=broadcast.id,
                      text=lines[code], with_chart=False, due_at=now)
                 for user, code in focal_points(session, province) if code in lines]
    queued = len({r["chat_id"] for r in rows}) if enqueue(session, rows) else 0
    audit.record(session, clock, actor, "broadcast.confirm", f"broadcast#{broadcast.id}", None, province.code,
                 after={"groups": len(group_chats(session, province)), "to_pics": broadcast.to_pics})
    return queued


def cancel(session: Session, broadcast_id: int) -> None:
    _still_preview(session, broadcast_id, status="cancelled")


@dataclass(frozen=True)
class DeliveryReport:
    broadcast: Broadcast
    sent: list[str]
    failed: list[str]
    blocked: list[str]


def report(session: Session, broadcast_id: int) -> tuple[DeliveryReport, bool]:
    """The delivery report (one entry per recipient, whatever the number of its messages) and whether
    every row has reached a final state."""
    broadcast = session.get(Broadcast, broadcast_id)
    rows = session.exec(select(Outbox).where(Outbox.broadcast_id == broadcast_id).order_by(Outbox.id)).all()
    chats = {c.id: c for c in session.exec(select(Chat).where(Chat.id.in_([r.chat_id for r in rows])))}
    names = {r.chat_id: (chats[r.chat_id].title if r.chat_id in chats and chats[r.chat_id].title else str(r.chat_id))
             for r in rows}
    blocked_chats = {r.chat_id for r in rows if r.status == "failed" and (r.last_error or "").startswith("blocked")}
    texts = [r for r in rows if not is_chart_row(r)]
    sent = [names[r.chat_id] for r in texts if r.status == "sent" and r.chat_id not in blocked_chats]
    blocked = [names[c] for c in dict.fromkeys(r.chat_id for r in texts) if c in blocked_chats]
    failed = [names[r.chat_id] for r in texts if r.status == "failed" and r.chat_id not in blocked_chats]
    final = all(r.status in ("sent", "failed") for r in rows)
    return DeliveryReport(broadcast, sent, failed, blocked), final


def is_chart_row(row: Outbox) -> bool:
    return row.key.endswith(":chart")
