"""Has the update being handled saved a change? For the last-resort error handler.

A reply that fails after the change it reports was committed must not be followed by "Maaf, terjadi
kesalahan": the person would try again and make the change twice (two events, two reports). A *change*
is what the audit trail records (``bot.domain.audit``: every change, who made it, when); rows the bot writes for
itself along the way (a person's name, the cycle row, the reminder ledger) are not. So every update starts a
fresh record (:func:`begin`, a handler run before all others) and every commit of a transaction that
wrote an audit entry marks it (SQLAlchemy session events). The record lives in a context variable: each
update is handled in its own task, and the error handler runs in that task too.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from bot.core.models import AuditEntry

AUDITED = "pantau_audited"  # key in Session.info: this transaction wrote an audit entry
AUDIT_TABLE = inspect(AuditEntry).local_table


@dataclass
class _Record:
    changed: bool = False


_record: ContextVar[_Record | None] = ContextVar("pantau_committed", default=None)


def begin() -> None:
    """A new update: nothing saved yet."""
    _record.set(_Record())


def changed() -> bool:
    """Whether a change was committed since :func:`begin` (in this update)."""
    record = _record.get()
    return record is not None and record.changed


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    if any(isinstance(row, AuditEntry) for row in session.new):
        session.info[AUDITED] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert and getattr(state.statement, "table", None) is AUDIT_TABLE:
        state.session.info[AUDITED] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(AUDITED, False):
        record = _record.get()
        if record is not None:
            record.changed = True


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(AUDITED, None)
