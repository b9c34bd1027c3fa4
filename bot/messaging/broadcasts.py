"""Results broadcasts: what the preview shows, and who gets it once confirmed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import not_, update
from sqlmodel import Session, col, select

from bot.core.claims import claimed, rowcount
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.ids import key_of
from bot.core.models import (
    Broadcast,
    Outbox,
    ReminderStatus,
    Role,
    RoleBinding,
    Subscription,
)
from bot.core.telegram_text import fits_caption
from bot.domain import audit
from bot.messaging.ledger import enqueue
from bot.reference import ProvinceRef, regions
from bot.views.broadcast import UNSETTLED

# the sender's delivery report comes when every message has settled, at the latest this long after Kirim
# (plus the time Telegram's 28 messages a second take); then it lists what is still pending
REPORT_GRACE = timedelta(minutes=2)
SENDING_RATE = 28.0  # messages a second: the delivery engine's pace, a little under Telegram's 30


def group_chats(session: Session, province: ProvinceRef) -> list[int]:
    """Groups bound to the province or to one of its kab/kota."""
    codes = {province.code} | {c for c, r in regions().items() if r.province_code == province.code}
    rows = session.exec(select(Subscription.chat_id).where(
        Subscription.active, col(Subscription.target_code).in_(codes), Subscription.chat_id < 0)).all()
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


def find(session: Session, broadcast_id: int) -> Broadcast | None:
    """The broadcast a button names, or None when there is none (a forged or very old button)."""
    return session.get(Broadcast, broadcast_id)


ALREADY_DONE = N_("Pengumuman ini sudah dikirim atau dibatalkan.")


def _open(session: Session, broadcast_id: int) -> Broadcast:
    broadcast = session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None or broadcast.status != "preview":
        raise UserError(ALREADY_DONE)
    return broadcast


def _still_preview(session: Session, broadcast_id: int, **values: object) -> None:
    """One conditional UPDATE of a broadcast still in preview (``bot.core.claims``); refused when another
    press (on this copy or another) confirmed or cancelled it first."""
    if not claimed(session, update(Broadcast).where(col(Broadcast.id) == broadcast_id,
                                                    col(Broadcast.status) == "preview").values(**values)):
        raise UserError(ALREADY_DONE)


def toggle_pics(session: Session, broadcast_id: int) -> Broadcast:
    _still_preview(session, broadcast_id, to_pics=not_(col(Broadcast.to_pics)))
    return _open(session, broadcast_id)


def confirm(session: Session, clock: Clock, broadcast_id: int, actor: int | None, province: ProvinceRef,
            pic_text: Callable[[], dict[str, str]] | dict[str, str],
            report_grace: timedelta = REPORT_GRACE) -> int:
    """Queue one outbox row per group (and focal point); returns how many.

    Confirmed once: the broadcast is claimed by one conditional UPDATE (preview -> confirmed); a second
    "Kirim" (a double tap, or the same button on another copy of the bot) gets :data:`ALREADY_DONE` and
    queues and audits nothing. ``pic_text`` (or a function giving it, called only when focal points are to
    get their line) is each kab/kota's line."""
    _still_preview(session, broadcast_id, status="confirmed")
    broadcast = session.get(Broadcast, broadcast_id, populate_existing=True)
    assert broadcast is not None  # claimed just above
    now = clock.now()
    # a row is one Telegram message, so a crash doubles at most one: the chart with the text as its caption
    # when the text fits one (1024 characters), else the chart (captioned with the title) and then the text
    title = broadcast.text.split("\n", 1)[0]
    one_message = fits_caption(broadcast.text)
    rows: list[dict[str, object]] = []
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
    if queued:
        queue_report(session, broadcast, now + report_grace + timedelta(seconds=len(rows) / SENDING_RATE))
    audit.record(session, clock, actor, "broadcast.confirm", f"broadcast#{broadcast.id}", None, province.code,
                 after={"groups": len(group_chats(session, province)), "to_pics": broadcast.to_pics})
    return queued


def cancel(session: Session, broadcast_id: int) -> None:
    _still_preview(session, broadcast_id, status="cancelled")


# -- the sender's delivery report (an outbox row of its own, composed when it is sent) ------------------------
def report_keys(broadcast_id: int) -> tuple[str, str]:
    """The report due at the deadline, and the final one that follows an interim report."""
    return f"report:{broadcast_id}", f"report:{broadcast_id}:final"


def report_of(key: str) -> int | None:
    """The broadcast a report row is for (None: not a report row)."""
    kind, _, rest = key.partition(":")
    return int(rest.split(":")[0]) if kind == "report" else None


def queue_report(session: Session, broadcast: Broadcast, deadline: datetime) -> None:
    """Queue the sender's delivery report, due at ``deadline``; brought forward when everything settles."""
    if broadcast.created_by is not None:
        enqueue(session, [dict(key=report_keys(key_of(broadcast))[0], chat_id=broadcast.created_by, broadcast_id=None,
                               text="", with_chart=False, due_at=deadline)])


def settle(session: Session, clock: Clock, broadcast_id: int) -> bool:
    """When every message of the broadcast has settled, its report is due now; True then."""
    unsettled = session.exec(select(Outbox.id).where(
        Outbox.broadcast_id == broadcast_id, col(Outbox.status).in_(UNSETTLED)).limit(1)).first()
    if unsettled is not None:
        return False
    now = clock.now()
    keys = report_keys(broadcast_id)
    rows = session.exec(select(Outbox).where(col(Outbox.key).in_(keys))).all()
    if not rows:  # confirmed before reports were queued at Kirim
        broadcast = session.get(Broadcast, broadcast_id)
        if broadcast is not None and broadcast.reported_at is None:
            queue_report(session, broadcast, now)
        return True
    moved = rowcount(session.execute(update(Outbox).where(
        col(Outbox.key).in_(keys), col(Outbox.status) == ReminderStatus.PENDING.value, col(Outbox.due_at) > now,
    ).values(due_at=now).execution_options(synchronize_session=False)))
    if moved:
        from bot.core import wakeup  # noqa: PLC0415 - the delivery engine's timer, told after the commit

        wakeup.after_commit(session)
    return True


def reported(session: Session, clock: Clock, broadcast_id: int, key: str) -> None:
    """The final report is being sent (row ``key``): the other report rows of the broadcast are not needed."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is not None and broadcast.reported_at is None:
        broadcast.reported_at = clock.now()
    session.execute(update(Outbox).where(
        col(Outbox.key).in_(report_keys(broadcast_id)), col(Outbox.key) != key,
        col(Outbox.status) == ReminderStatus.PENDING.value,
    ).values(status=ReminderStatus.CANCELLED.value).execution_options(synchronize_session=False))


def follow_up(session: Session, clock: Clock, broadcast_id: int, chat_id: int) -> None:
    """An interim report is being sent: the final one follows when the rest settles (at the latest a day later)."""
    enqueue(session, [dict(key=report_keys(broadcast_id)[1], chat_id=chat_id, broadcast_id=None, text="",
                           with_chart=False, due_at=clock.now() + timedelta(days=1))])


def acknowledge_later(session: Session, clock: Clock, broadcast_id: int, chat_id: int, text: str) -> None:
    """The answer to Kirim could not be shown (Telegram failed): the delivery engine sends it, with retries."""
    enqueue(session, [dict(key=f"kirim:{broadcast_id}", chat_id=chat_id, broadcast_id=None, text=text,
                           with_chart=False, due_at=clock.now())])
