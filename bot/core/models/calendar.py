"""The calendar: events (rakor, reporting windows, deadlines...) and the chats subscribed to their reminders."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.models.columns import TELEGRAM_ID, utc_column


class EventKind(StrEnum):
    RAKOR = "rakor"
    AKSIHAM = "aksiham"
    KKPHAM = "kkpham"
    VERIFIKASI = "verifikasi"
    HARIHAM = "hariham"
    LAIN = "lain"


class EventStatus(StrEnum):
    DRAFT = "draft"  # from the yearly template: dates still to be confirmed, no reminders
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class ScopeKind(StrEnum):
    NATIONAL = "nasional"
    PROVINCES = "provinsi"
    REGIONS = "wilayah"


class Event(SQLModel, table=True):
    """A rakor, a reporting window, a deadline... Local date/time in ``timezone``; UTC in ``starts_at``."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)
    title: str = Field(max_length=300)
    timezone: str = Field(max_length=40)
    start_date: date
    start_time: time | None = None
    end_date: date | None = None
    end_time: time | None = None
    starts_at: datetime = Field(sa_column=utc_column())
    scope_kind: str = Field(max_length=10)
    scope_codes: str = ""  # comma-separated province or kab/kota codes
    period: str | None = Field(default=None, max_length=3)  # Aksi HAM: B04, B08, B12
    location: str | None = None
    notes: str | None = None
    offsets: str | None = Field(default=None, max_length=100)  # "3d,1d,2h"; None: defaults of the kind
    status: str = Field(default=EventStatus.CONFIRMED.value, max_length=10)
    version: int = 1  # grows whenever the date or time changes
    created_by: int | None = Field(default=None, sa_column=Column(TELEGRAM_ID, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Subscription(SQLModel, table=True):
    """A chat that receives the reminders of one kab/kota or one province."""

    __table_args__ = (UniqueConstraint("chat_id", "target_code"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    target_code: str = Field(max_length=5)  # "63.05" (kab/kota) or "63" (province)
    active: bool = True
    created_by: int | None = Field(default=None, sa_column=Column(TELEGRAM_ID, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())  # when it (last) became active: nothing is planned before
