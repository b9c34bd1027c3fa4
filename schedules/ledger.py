"""Claiming and finishing rows of a send-once table (the reminder ledger, the outbox).

A claim is one conditional UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED): on PostgreSQL two
workers never take the same row; SQLite serialises writers. A row claimed by a worker that died becomes
claimable again after ``lease``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module

from sqlalchemy import Engine, and_, or_, select, update
from sqlmodel import Session

from bot.db import session_scope
from bot.models import Outbox, ReminderStatus
from schedules import wakeup


def dialect_insert(session: Session):
    """INSERT with ON CONFLICT support for the session's database: ``sqlalchemy.dialects.sqlite.insert`` or
    ``...postgresql.insert``, looked up by name so that SQLite never loads the PostgreSQL dialect (2 MiB)."""
    return import_module(f"sqlalchemy.dialects.{session.get_bind().dialect.name}").insert


def enqueue(session: Session, rows: list[dict]) -> int:
    """Insert outbox rows, keeping any with the same key (queueing twice queues nothing new)."""
    if not rows:
        return 0
    stmt = dialect_insert(session)(Outbox).on_conflict_do_nothing(index_elements=["key"]).returning(Outbox.id)
    values = [dict(status=ReminderStatus.PENDING.value, attempts=0, **r) for r in rows]
    added = len(session.connection().execute(stmt, values).all())
    if added:
        wakeup.after_commit(session)
    return added


def claim(engine: Engine, model, now: datetime, lease: timedelta, worker: str, batch: int) -> list[int]:
    claimable = or_(
        model.status == ReminderStatus.PENDING.value,
        and_(model.status == ReminderStatus.CLAIMED.value, model.claimed_at < now - lease),
    )
    due = (
        select(model.id).where(model.due_at <= now, claimable).order_by(model.due_at, model.id)
        .limit(batch).with_for_update(skip_locked=True)
    )
    stmt = (
        update(model).where(model.id.in_(due.scalar_subquery()), claimable)
        .values(status=ReminderStatus.CLAIMED.value, claimed_by=worker, claimed_at=now)
        .returning(model.id).execution_options(synchronize_session=False)
    )
    with session_scope(engine) as session:
        return sorted(row[0] for row in session.execute(stmt))


def finish(engine: Engine, model, ids: list[int], worker: str, status: ReminderStatus, **values) -> None:
    """Set the final status of rows this worker still holds."""
    if not ids:
        return
    with session_scope(engine) as session:
        session.execute(
            update(model)
            .where(model.id.in_(ids), model.claimed_by == worker, model.status == ReminderStatus.CLAIMED.value)
            .values(status=status.value, **values).execution_options(synchronize_session=False)
        )


def release(engine: Engine, model, ids: list[int], worker: str, due_at: datetime, attempts: int,
            error: str | None) -> None:
    """Give rows back for a later try."""
    with session_scope(engine) as session:
        session.execute(
            update(model).where(model.id.in_(ids), model.claimed_by == worker)
            .values(status=ReminderStatus.PENDING.value, due_at=due_at, attempts=attempts, claimed_by=None,
                    claimed_at=None, last_error=(error or "")[:500])
            .execution_options(synchronize_session=False)
        )
        wakeup.after_commit(session)
