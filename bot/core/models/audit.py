"""The audit trail: every change, who made it, before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from bot.core.models.columns import utc_column


class AuditEntry(SQLModel, table=True):
    """Every change: who, when, what, before and after (JSON)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=utc_column())
    actor_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    action: str = Field(max_length=40)  # checklist.state, event.create, binding.add, broadcast.confirm ...
    subject: str = Field(max_length=100)  # what changed, e.g. "63.05/1.02", "event#12", "user#123"
    region_code: str | None = Field(default=None, max_length=5, index=True)
    province_code: str | None = Field(default=None, max_length=2, index=True)
    before: str | None = None
    after: str | None = None
