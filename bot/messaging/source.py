"""What a source of the delivery engine is (the reminder ledger, ``reminders.py``; the outbox, ``outbox.py``),
what it hands the engine (``Job``, ``Item``) and what it sees of the engine (``EngineHandle``).

The sources and the engine (``engine.py``) both import this module, so imports run one way: the engine knows
its sources, a source knows only this contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Engine
from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.models import ReminderStatus
from bot.core.settings import Settings
from bot.messaging import ledger
from bot.messaging.delivery import Photo, Report
from bot.render import Reply

PER_CHAT = 50  # reminders of one chat claimed at once (a "terlewat" summary folds at most these)
MAX_ATTEMPTS = 8


class Stopping(Exception):
    """The process is shutting down: send nothing more; claimed rows are given back on the way out."""


def backoff(attempts: int, base: float = 30.0) -> timedelta:
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), timedelta(minutes=30))


@dataclass
class Item:
    """One message (or a chart, then its text) to ``chat_id``; when it goes out, ``ids`` are settled."""

    source: Source
    row: Any  # the (detached) row it is for
    ids: list[int]
    parts: list[Reply | Photo]
    success: ReminderStatus = ReminderStatus.SENT
    report_of: int | None = None  # the broadcast whose final delivery report this is

    @property
    def chat_id(self) -> int:
        chat_id: int = self.row.chat_id
        return chat_id


@dataclass
class Job:
    """Claimed rows waiting in their chat's queue; ``make`` builds the message from the database as it is
    when its turn comes (None: nothing to send, the rows were settled)."""

    source: Source
    ids: list[int]
    make: Callable[[], Item | None]


class EngineHandle(Protocol):
    """What a source sees of the delivery engine: the database, the clock and settings, this run's report and
    memo (what one run looks up once), and how to settle rows or ask for another claim."""

    @property
    def engine(self) -> Engine: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def settings(self) -> Callable[[], Settings]: ...
    @property
    def worker_id(self) -> str: ...
    @property
    def report(self) -> Report: ...
    @property
    def memo(self) -> dict[object, object]: ...

    def finish(self, source: Source, ids: list[int], status: ReminderStatus, **values: object) -> int:
        """Settle ``ids`` (claimed by this copy) with ``status``; the number of rows settled."""

    def poke(self) -> None:
        """Something new may be due: claim now."""


class Source(Protocol):
    @property
    def model(self) -> ledger.Model: ...  # a table with the ``bot.core.models.Delivery`` columns
    @property
    def per_chat(self) -> int: ...  # rows of one chat claimed at once
    @property
    def rank(self) -> ColumnElement[Any] | None: ...  # orders due rows (lowest first); None: by due time

    def jobs(self, engine: EngineHandle, chat_id: int, rows: list[Any]) -> list[Job]: ...  # rows of its model

    def give_up(self, engine: EngineHandle, item: Item, retry_at: datetime) -> ReminderStatus | None:
        """A status instead of another try at ``retry_at`` (the try would be useless), or None."""

    def blocked(self, engine: EngineHandle, session: Session, item: Item, chat_id: int) -> None: ...

    def settled(self, engine: EngineHandle, item: Item) -> None:
        """After ``item``'s rows reached a final state."""
