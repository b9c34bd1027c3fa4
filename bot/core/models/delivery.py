"""What the delivery engine sends (``bot/messaging``): the reminder ledger, broadcasts and the outbox, with
the delivery state they share."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.models.columns import TELEGRAM_ID, UTCDateTime, utc_column


class ReminderStatus(StrEnum):
    """Where a row of the delivery engine stands (the reminder ledger and the outbox share it)."""

    PENDING = "pending"
    CLAIMED = "claimed"  # a copy of the bot took it; see schedules/engine.py for the crash policy
    SENT = "sent"
    SKIPPED = "skipped"  # nothing left to do for the recipient when it fell due
    SUPERSEDED = "superseded"  # a later reminder of the same event went out instead
    MISSED = "missed"  # fell due while the bot was down, after the deadline: in a "terlewat" summary
    CANCELLED = "cancelled"
    FAILED = "failed"  # the chat blocked the bot or does not exist, or Telegram kept refusing


DeliveryStatus = ReminderStatus


class Delivery(SQLModel):
    """The delivery state every row the engine sends carries (``schedules/engine.py``): when it is due, who
    holds it, how it went. Shared by the reminder ledger and the outbox; each table keeps its own key."""

    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    status: str = Field(default=ReminderStatus.PENDING.value, sa_type=String(12), nullable=False)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    message_id: int | None = Field(default=None, sa_type=BigInteger, nullable=True)
    attempts: int = 0
    last_error: str | None = None


class Reminder(Delivery, table=True):
    """The ledger: one row per (event, version, chat, offset); the database is the truth."""

    __table_args__ = (
        UniqueConstraint("event_id", "event_version", "chat_id", "offset_key"),
        Index("ix_reminder_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    event_version: int
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    offset_key: str = Field(max_length=20)  # "7d", "2h", "15m", "open-3d", "snooze-20250618", "moved", "escalate"
    deadline_at: datetime = Field(sa_column=utc_column())  # after this the reminder is useless
    acknowledged_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    acknowledged_by: int | None = Field(default=None, sa_column=Column(TELEGRAM_ID, nullable=True))


class Broadcast(SQLModel, table=True):
    """A results message for one province, previewed, then confirmed and delivered."""

    id: int | None = Field(default=None, primary_key=True)
    province_code: str = Field(max_length=2)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    status: str = Field(default="preview", max_length=12)  # preview, confirmed, cancelled
    to_pics: bool = False
    text: str = ""
    chart: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    reported_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Outbox(Delivery, table=True):
    """Messages that are not reminders (broadcasts, their delivery reports, digests): one row per (key), sent
    once. Keys: "broadcast:12:-100123" (":chart" for a chart of its own), "report:12", "digest:63:2026-W48:555"."""

    __table_args__ = (
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_broadcast_status", "broadcast_id", "status"),  # has a broadcast settled?
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    broadcast_id: int | None = Field(default=None, foreign_key="broadcast.id")
    text: str
    with_chart: bool = False
    buttons: str | None = None  # an inline keyboard, JSON (``bot.messaging.buttons``)
