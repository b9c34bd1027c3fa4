"""Claiming and settling rows of the delivery engine's tables (the reminder ledger, the outbox).

A claim takes due rows **a chat at a time**: chats for which any copy of the bot holds a live claim are left
out, so one chat's rows go out in order, from one copy. It picks the chats whose rows fell due first, then
their due rows (at most ``per_chat`` each, ``room`` in all) with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL
(two copies never take the same row; SQLite serialises writers), and flips them from ``pending`` to
``claimed`` with one conditional UPDATE. A row claimed by a copy that died becomes claimable again after
``lease`` (``bot/liveness.py`` gives it back sooner).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, func, literal, or_, select, update
from sqlmodel import Session

from bot.core import wakeup
from bot.core.claims import dialect_insert
from bot.core.db import session_scope
from bot.core.models import Outbox, ReminderStatus

PENDING, CLAIMED = ReminderStatus.PENDING.value, ReminderStatus.CLAIMED.value



def enqueue(session: Session, rows: list[dict]) -> int:
    """Insert outbox rows, keeping any with the same key (queueing twice queues nothing new)."""
    if not rows:
        return 0
    stmt = dialect_insert(session)(Outbox).on_conflict_do_nothing(index_elements=["key"]).returning(Outbox.id)
    values = [dict(status=PENDING, attempts=0, **r) for r in rows]
    added = len(session.connection().execute(stmt, values).all())
    if added:
        wakeup.after_commit(session)
    return added


def claimable(model, now: datetime, lease: timedelta):
    return or_(model.status == PENDING, and_(model.status == CLAIMED, model.claimed_at < now - lease))


def claim(engine: Engine, model, now: datetime, lease: timedelta, worker: str, room: int,
          per_chat: int | None = None, rank=None, tries: int = 5) -> list[int]:
    """Claim due rows for this ``worker``: at most ``room`` rows, at most ``per_chat`` of one chat, in the order
    of ``rank`` (an SQL expression, lowest first: a sender's delivery report before a digest), then due time.
    Rows another copy takes between the look and the claim are looked for again (``tries`` times)."""
    for _ in range(tries):
        found, ids = _claim(engine, model, now, lease, worker, room, per_chat or room, rank)
        if ids or not found:
            return ids
    return []


def _claim(engine: Engine, model, now: datetime, lease: timedelta, worker: str, room: int,
           per_chat: int, rank) -> tuple[bool, list[int]]:
    if room <= 0:
        return False, []
    rank = rank if rank is not None else literal(0)
    free = claimable(model, now, lease)
    busy = select(model.chat_id).where(model.status == CLAIMED, model.claimed_at >= now - lease)
    with session_scope(engine) as session:
        chats = list(session.scalars(
            select(model.chat_id).where(model.due_at <= now, free, model.chat_id.not_in(busy))
            .group_by(model.chat_id).order_by(func.min(rank), func.min(model.due_at), func.min(model.id))
            .limit(room)))
        if not chats:
            return False, []
        candidates = session.execute(
            select(model.id, model.chat_id).where(model.chat_id.in_(chats), model.due_at <= now, free)
            .order_by(rank, model.due_at, model.id).with_for_update(skip_locked=True)).all()
        taken: Counter[int] = Counter()
        chosen: list[int] = []
        for row_id, chat_id in candidates:
            if taken[chat_id] < per_chat and len(chosen) < room:
                taken[chat_id] += 1
                chosen.append(row_id)
        if not chosen:
            return True, []
        stmt = (
            update(model).where(model.id.in_(chosen), free)
            .values(status=CLAIMED, claimed_by=worker, claimed_at=now)
            .returning(model.id).execution_options(synchronize_session=False)
        )
        return True, sorted(row[0] for row in session.execute(stmt))


def finish(engine: Engine, model, ids: list[int], worker: str, status: ReminderStatus, **values) -> int:
    """Set the final status of rows this worker still holds; how many it held."""
    if not ids:
        return 0
    with session_scope(engine) as session:
        return session.execute(
            update(model)
            .where(model.id.in_(ids), model.claimed_by == worker, model.status == CLAIMED)
            .values(status=status.value, **values).execution_options(synchronize_session=False)
        ).rowcount


def release(engine: Engine, model, ids: list[int], worker: str, due_at: datetime, attempts: int,
            error: str | None) -> None:
    """Give rows back for a later try."""
    with session_scope(engine) as session:
        session.execute(
            update(model).where(model.id.in_(ids), model.claimed_by == worker, model.status == CLAIMED)
            .values(status=PENDING, due_at=due_at, attempts=attempts, claimed_by=None,
                    claimed_at=None, last_error=(error or "")[:500])
            .execution_options(synchronize_session=False)
        )
        wakeup.after_commit(session)
