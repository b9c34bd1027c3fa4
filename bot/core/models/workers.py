"""The running copies of the bot: heartbeats, and which copy polls Telegram."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bot.core.models.columns import utc_column


class Worker(SQLModel, table=True):
    """A running copy of the bot: its heartbeat tells the others whether the rows it claimed are still in hand."""

    id: str = Field(primary_key=True, max_length=64)  # "host:pid:random", the ``claimed_by`` of its rows
    host: str = Field(max_length=64)
    pid: int
    # the boot and pid namespace the pid belongs to (bot/core/liveness.py, this_machine); None: not known
    machine: str | None = Field(default=None, max_length=80)
    version: str = Field(default="", max_length=20)
    mode: str = Field(default="", max_length=10)  # polling, webhook
    started_at: datetime = Field(sa_column=utc_column())
    beat_at: datetime = Field(sa_column=utc_column())
    last_tick_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_telegram_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    stopped_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class PollingLease(SQLModel, table=True):
    """Which copy polls Telegram (``bot/ops/lease.py``); ``version`` changes with every write."""
    __tablename__ = "polling_lease"
    name: str = Field(primary_key=True, max_length=20)
    holder: str | None = Field(default=None, max_length=64)  # a worker id; None: nobody polls
    version: int = Field(default=0)
    acquired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    renewed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
