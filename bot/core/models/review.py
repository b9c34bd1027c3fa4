"""The Kanwil's decisions on what a kab/kota handed in, kept until its focal points have been told.

``review_notice``: one row per decision (an indicator of a kab/kota verified, or sent back for revision
with its reason), however it was made: a card of ``/verifikasi``, ``/tandai``, a ``/checklist`` button or an
import. ``batch`` stays empty until the decisions of one review sitting are told to the kab/kota's PIC in
one message (``bot/messaging/review.py``); it is then the id of the newest row of that batch, and the
message's outbox key names it, so the batch is told once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from bot.core.models.columns import utc_column


class ReviewNotice(SQLModel, table=True):
    """One decision of the Kanwil on an indicator of a kab/kota, to be told to its PIC."""

    __tablename__ = "review_notice"
    __table_args__ = (Index("ix_review_notice_batch", "batch", "region_code"),)  # what is still to be told

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id")
    region_code: str = Field(foreign_key="region.code", max_length=5)
    indicator_code: str = Field(max_length=20)
    verdict: str = Field(sa_column=Column(String(16), nullable=False))  # terverifikasi, ditolak
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    decided_at: datetime = Field(sa_column=utc_column())
    batch: int | None = None
