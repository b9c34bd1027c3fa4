"""Data dukung: documents and photos sent for an indicator of a kab/kota."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from bot.core.models.columns import utc_column


class EvidenceFile(SQLModel, table=True):
    """A data-dukung document or photo sent to the bot for one indicator of one kab/kota (kept on Telegram)."""

    __tablename__ = "evidence_file"
    __table_args__ = (Index("ix_evidence_file_target", "cycle_id", "region_code", "indicator_code"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id")
    region_code: str = Field(foreign_key="region.code", max_length=5)
    indicator_code: str = Field(foreign_key="indicator.code", max_length=20)
    kind: str = Field(max_length=10)  # document, photo
    file_id: str = Field(max_length=200)  # Telegram's, to send it back
    file_unique_id: str = Field(max_length=100)
    file_name: str = Field(max_length=255)
    mime_type: str | None = Field(default=None, max_length=100)
    file_size: int | None = None
    uploaded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    uploaded_at: datetime = Field(sa_column=utc_column())
