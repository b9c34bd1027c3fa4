"""One claim per one-time thing.

Several copies of the bot may share one PostgreSQL (webhook behind a load balancer), and one copy handles
updates concurrently. Whatever may happen only once (an invitation accepted, a previewed import applied, a
broadcast confirmed, a conversation step taken) is claimed by **one conditional statement** (``UPDATE ...
WHERE <still unclaimed>`` or ``DELETE ... WHERE <as it was read>``) whose row count decides: 1, this
update won and goes on in the same transaction; 0, another one was first, and the caller tells the person
so in plain Indonesian. Reading first and then writing is never the decision.

Why this holds: on PostgreSQL (READ COMMITTED) a second ``UPDATE``/``DELETE`` of the same row waits for
the first transaction and then re-checks its ``WHERE`` against the committed row, so it matches nothing;
SQLite lets one writer at a time evaluate its ``WHERE``. Tests: ``tests/test_claims.py`` (two sessions on
PostgreSQL behind a barrier, many trials) and ``tests/test_claims_replicas.py`` (two real webhook copies).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.sql.dml import Delete, Update
from sqlmodel import Session


def claimed(session: Session, statement: Update | Delete) -> bool:
    """Run one conditional UPDATE/DELETE; True when it changed exactly one row (this caller won)."""
    return rowcount(session.execute(statement.execution_options(synchronize_session=False))) == 1


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched (executing one always gives a :class:`CursorResult`)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def dialect_insert(session: Session) -> Any:
    """INSERT with ON CONFLICT (``on_conflict_do_nothing``/``_do_update``) for the session's database."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
