"""Aksi HAM: the report of a whole period, the actions of a kab/kota in a year, and one report per action and period.

- ``aksi_action``: the actions of a kab/kota in a year, numbered 1..n, each with an optional title. No rows
  for a (kab/kota, year): the kab/kota has ``PANTAU_AKSI_ACTIONS`` (default 6) untitled actions.
- ``aksi_action_report``: the report of one action in one period (B04/B08/B12): ``diajukan`` (handed in
  by the kab/kota, not yet checked), ``lengkap`` or ``tidak_lengkap`` (the Kanwil's verdict), an optional
  nilai capaian 0-100 and an optional note.
- ``aksi_report`` (``AksiReport``) stays the report of a *whole period*: the period's nilai
  capaian, and that the period was reported, from before reports were kept per action (see
  ``docs/decisions/0031-aksi-ham-by-action.md``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.models.columns import utc_column


class AksiReport(SQLModel, table=True):
    """A whole period (B04/B08/B12) of a year reported, with its nilai capaian (``score``); actions: below."""

    __tablename__ = "aksi_report"
    __table_args__ = (UniqueConstraint("region_code", "year", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.code", max_length=5)
    year: int
    period: str = Field(max_length=3)
    score: float | None = None
    reported_at: datetime = Field(sa_column=utc_column())
    recorded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class AksiStatus(StrEnum):
    DIAJUKAN = "diajukan"  # handed in by the kab/kota (its PIC), not yet checked by the Kanwil
    LENGKAP = "lengkap"  # the Kanwil: the report of this action is complete
    TIDAK_LENGKAP = "tidak_lengkap"  # the Kanwil: incomplete; the kab/kota has to hand it in again

    @property
    def is_reported(self) -> bool:
        """Done for the kab/kota: reminders stop once every action of the period is handed in or complete."""
        return self is not AksiStatus.TIDAK_LENGKAP

    @property
    def is_checked(self) -> bool:
        """The Kanwil's verdict (lengkap or tidak lengkap), as opposed to a report only handed in."""
        return self is not AksiStatus.DIAJUKAN


class AksiAction(SQLModel, table=True):
    """One of the actions a kab/kota carries out in ``year`` (number 1..n, title optional)."""

    __tablename__ = "aksi_action"
    __table_args__ = (UniqueConstraint("region_code", "year", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.code", max_length=5)
    year: int
    number: int
    title: str | None = Field(default=None, max_length=200)
    updated_at: datetime = Field(sa_column=utc_column())
    updated_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class AksiActionReport(SQLModel, table=True):
    """The report of action ``action`` of a kab/kota for one period of ``year``."""

    __tablename__ = "aksi_action_report"
    __table_args__ = (
        UniqueConstraint("region_code", "year", "period", "action"),
        Index("ix_aksi_action_report_period", "year", "period", "region_code"),  # reminders: a window's kab/kota
    )

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.code", max_length=5)
    year: int
    period: str = Field(max_length=3)
    action: int
    status: str = Field(sa_column=Column(String(16), nullable=False))
    nilai: float | None = None
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recorded_at: datetime = Field(sa_column=utc_column())
    recorded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
