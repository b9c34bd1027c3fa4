"""The KKP HAM checklist: criteria, the catalog of indicators, the cycles, and the state of each indicator
for each kab/kota in a cycle."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.models.columns import TELEGRAM_ID, utc_column


class IndicatorKind(StrEnum):
    STRUKTUR = "struktur"
    PROSES = "proses"
    HASIL = "hasil"


class IndicatorState(StrEnum):
    BELUM = "belum"
    PROSES = "proses"
    LENGKAP = "lengkap"
    TERVERIFIKASI = "terverifikasi"
    DITOLAK = "ditolak"

    @property
    def is_complete(self) -> bool:
        return self in (IndicatorState.LENGKAP, IndicatorState.TERVERIFIKASI)


class Criterion(SQLModel, table=True):
    number: int = Field(primary_key=True)
    group_name: str = Field(max_length=80)
    name: str = Field(max_length=200)


class Catalog(SQLModel, table=True):
    """One row per catalog import; the newest is the catalog in force."""

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=200)
    is_sample: bool = False
    indicator_count: int = 0
    imported_at: datetime = Field(sa_column=utc_column())


class Indicator(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=20)
    criterion_number: int = Field(foreign_key="criterion.number", index=True)
    kind: str = Field(max_length=10)
    text: str
    weight: float = 1.0
    position: int = 0
    active: bool = True


class Cycle(SQLModel, table=True):
    """A KKP HAM cycle: data of ``data_year``, assessed and awarded (10 Dec) in ``award_year``."""

    __table_args__ = (UniqueConstraint("data_year", "award_year"),)

    id: int | None = Field(default=None, primary_key=True)
    data_year: int
    award_year: int


class ChecklistEntry(SQLModel, table=True):
    """The state of one indicator for one region in one cycle; no row means ``belum``."""

    __tablename__ = "checklist_entry"
    __table_args__ = (
        UniqueConstraint("cycle_id", "region_code", "indicator_code"),
        # the national overview: complete entries per region of a cycle, from the index alone
        Index("ix_checklist_entry_cycle_state", "cycle_id", "state", "region_code", "indicator_code"),
        Index("ix_checklist_entry_cycle_updated", "cycle_id", "updated_at"),  # the newest change
    )

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=5)
    indicator_code: str = Field(foreign_key="indicator.code", max_length=20)
    state: str = Field(sa_column=Column(String(16), nullable=False))
    link: str | None = None
    note: str | None = None
    updated_at: datetime = Field(sa_column=utc_column())
    updated_by: int | None = Field(default=None, sa_column=Column(TELEGRAM_ID, nullable=True))
    # when (and by whom) it last went to ``lengkap``: the Kanwil's verification queue, oldest first
    handed_in_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    handed_in_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
