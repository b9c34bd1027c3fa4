"""Claiming and settling rows of the delivery engine's tables (the reminder ledger, the outbox).

A claim takes due rows **a chat at a time**: chats for which any copy of the bot holds a live claim are left
out, so one chat's rows go out in order, from one copy. It picks the chats whose rows fell due first, then
their due rows (at most ``per_chat`` each, ``room`` in all) with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL
(two copies never take the same row; SQLite serialises writers), and flips them from ``pending`` to
``claimed`` with one conditional UPDATE. A row claimed by a copy that died becomes claimable again after
``lease`` (``bot/core/liveness.py`` gives it back sooner).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, func, literal, or_, select, update
from sqlmodel import Session, col

from bot.core import wakeup
from bot.core.claims import dialect_insert, rowcount
from bot.core.db import session_scope
from bot.core.models import Outbox, Reminder, ReminderStatus

PENDING, CLAIMED = ReminderStatus.PENDING.value, ReminderStatus.CLAIMED.value
Model = type[Reminder] | type[Outbox]  # the engine's tables



def enqueue(session: Session, rows: list[dict[str, object]]) -> int:
    """Insert outbox rows, keeping any with the same key (queueing twice queues nothing new)."""
    if not rows:
        return 0
    stmt = dialect_insert(session)(Outbox).on_conflict_do_nothing(index_elements=["key"]).returning(Outbox.id)
    values = [dict(status=PENDING, attempts=0, **r) for r in rows]
    added = len(session.connection().execute(stmt, values).all())
    if added:
        wakeup.after_commit(session)
    return added


def claimable(model: Model, now: datetime, lease: timedelta) -> ColumnElement[bool]:
    return or_(col(model.status) == PENDING, and_(col(model.status) == CLAIMED, col(model.claimed_at) < now - lease))


def claim(engine: Engine, model: Model, now: datetime, lease: timedelta, worker: str, room: int,
          per_chat: int | None = None, rank: ColumnElement[Any] | None = None, tries: int = 5) -> list[int]:
    """Claim due rows for this ``worker``: at most ``room`` rows, at most ``per_chat`` of one chat, in the order
    of ``rank`` (an SQL expression, lowest first: a sender's delivery report before a digest), then due time.
    Rows another copy takes between the look and the claim are looked for again (``tries`` times)."""
    for _ in range(tries):
        found, ids = _claim(engine, model, now, lease, worker, room, per_chat or room, rank)
        if ids or not found:
            return ids
    return []


def _claim(engine: Engine, model: Model, now: datetime, lease: timedelta, worker: str, room: int,
           per_chat: int, rank: ColumnElement[Any] | None) -> tuple[bool, list[int]]:
    if room <= 0:
        return False, []
    order: ColumnElement[Any] = rank if rank is not None else literal(0)
    free = claimable(model, now, lease)
    row_id, chat_id, due_at = col(model.id), col(model.chat_id), col(model.due_at)
    busy = select(chat_id).where(col(model.status) == CLAIMED, col(model.claimed_at) >= now - lease)
    with session_scope(engine) as session:
        chats = list(session.scalars(
            select(chat_id).where(due_at <= now, free, chat_id.not_in(busy))
            .group_by(chat_id).order_by(func.min(order), func.min(due_at), func.min(row_id))
            .limit(room)))
        if not chats:
            return False, []
        candidates = session.execute(
            select(row_id, chat_id).where(chat_id.in_(chats), due_at <= now, free)
            .order_by(order, due_at, row_id).with_for_update(skip_locked=True)).all()
        taken: Counter[int] = Counter()
        chosen: list[int] = []
        for found_id, found_chat in candidates:
            if found_id is not None and taken[found_chat] < per_chat and len(chosen) < room:
                taken[found_chat] += 1
                chosen.append(found_id)
        if not chosen:
            return True, []
        stmt = (
            update(model).where(row_id.in_(chosen), free)
            .values(status=CLAIMED, claimed_by=worker, claimed_at=now)
            .returning(row_id).execution_options(synchronize_session=False)
        )
        return True, sorted(row[0] for row in session.execute(stmt) if row[0] is not None)


def finish(engine: Engine, model: Model, ids: list[int], worker: str, status: ReminderStatus,
           **values: object) -> int:
    """Set the final status of rows this worker still holds; how many it held."""
    if not ids:
        return 0
    with session_scope(engine) as session:
        return rowcount(session.execute(
            update(model)
            .where(col(model.id).in_(ids), col(model.claimed_by) == worker, col(model.status) == CLAIMED)
            .values(status=status.value, **values).execution_options(synchronize_session=False)
        ))


def release(engine: Engine, model: Model, ids: list[int], worker: str, due_at: datetime, attempts: int,
            error: str | None) -> None:
    """Give rows back for a later try."""
    with session_scope(engine) as session:
        session.execute(
            update(model).where(col(model.id).in_(ids), col(model.claimed_by) == worker, col(model.status) == CLAIMED)
            .values(status=PENDING, due_at=due_at, attempts=attempts, claimed_by=None,
                    claimed_at=None, last_error=(error or "")[:500])
            .execution_options(synchronize_session=False)
        )
        wakeup.after_commit(session)
