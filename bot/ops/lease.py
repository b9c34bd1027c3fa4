"""The polling lease: of the copies sharing a database, exactly one fetches Telegram's updates (long polling).

Telegram keeps one waiting ``getUpdates`` per token: a second one ends the first with 409 Conflict, so two
pollers knock each other out. Copies that share a database therefore take turns through one row of
``polling_lease``. Every change of that row is a single conditional UPDATE whose row count decides:

- **renew** (the holder, every quarter of the lease time): ``WHERE holder = me``; 0 rows means another copy
  took the lease (or it was released), and this copy stops polling;
- **take** (a copy standing by): ``WHERE version = v``, the version it read; of two copies that read the same
  version, exactly one gets the row (SQLite serialises writers; PostgreSQL re-checks the condition after the
  first one's commit);
- **release** (a clean stop): ``WHERE holder = me``, so a copy standing by takes over at its next look.

A copy standing by takes the lease when it is free, when its holder is known to be dead (its worker row says
it stopped, or it ran on this host and its pid is gone), or when the row has not changed for the whole lease
time *as this copy saw it*: measured on its own monotonic clock from the moment it last saw the version
change, and restarted whenever it could not read the database. So the hosts' clocks need not agree, and a
database outage that hid every renewal from everyone hands nothing over.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from bot.core.claims import rowcount
from bot.core.clock import Clock
from bot.core.db import session_scope
from bot.core.models import PollingLease

NAME = "polling"


@dataclass(frozen=True)
class LeaseState:
    holder: str | None
    version: int


def ensure(engine: Engine) -> None:
    """The row exists (the migration inserts it; this puts it back if someone deleted it)."""
    with session_scope(engine) as session:
        if session.execute(select(col(PollingLease.name)).where(col(PollingLease.name) == NAME)).first() is not None:
            return
    try:
        with session_scope(engine) as session:
            session.execute(insert(PollingLease).values(name=NAME, holder=None, version=0))
    except IntegrityError:  # another copy put it back at the same moment
        pass


def read(engine: Engine) -> LeaseState:
    with session_scope(engine) as session:
        row = session.execute(select(col(PollingLease.holder), col(PollingLease.version))
                              .where(col(PollingLease.name) == NAME)).one()
    return LeaseState(row.holder, row.version)


def _write(engine: Engine, condition: ColumnElement[bool], **values: object) -> bool:
    stmt = (update(PollingLease).where(col(PollingLease.name) == NAME, condition)
            .values(version=col(PollingLease.version) + 1, **values).execution_options(synchronize_session=False))
    with session_scope(engine) as session:
        return rowcount(session.execute(stmt)) == 1


def take(engine: Engine, clock: Clock, me: str, seen_version: int) -> bool:
    """Take the lease if nobody changed it since this copy read ``seen_version``."""
    now = clock.now()
    return _write(engine, col(PollingLease.version) == seen_version, holder=me, acquired_at=now, renewed_at=now)


def renew(engine: Engine, clock: Clock, me: str) -> bool:
    """Still mine? (and tell the copies standing by that this one is alive)."""
    return _write(engine, col(PollingLease.holder) == me, renewed_at=clock.now())


def release(engine: Engine, clock: Clock, me: str) -> bool:
    return _write(engine, col(PollingLease.holder) == me, holder=None, renewed_at=clock.now())


class Observer:
    """What a copy standing by has seen of the lease: how long it has stayed unchanged."""

    def __init__(self, ttl_seconds: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.monotonic = ttl_seconds, monotonic
        self.version: int | None = None
        self.since = 0.0

    def see(self, state: LeaseState) -> None:
        if state.version != self.version:
            self.version, self.since = state.version, self.monotonic()

    def lost_sight(self) -> None:
        """The database did not answer: whatever the holder did meanwhile was not seen."""
        self.version = None

    def expired(self) -> bool:
        return self.version is not None and self.monotonic() - self.since >= self.ttl

    def may_take(self, state: LeaseState, me: str, dead: Collection[str]) -> bool:
        self.see(state)
        return state.holder is None or state.holder == me or state.holder in dead or self.expired()
