"""The provinces and kab/kota (synced from ``bot/reference`` on every start)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Province(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=2)
    name: str = Field(max_length=80)
    timezone: str = Field(max_length=40)


class Region(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=5)
    province_code: str = Field(foreign_key="province.code", index=True, max_length=2)
    kind: str = Field(max_length=10)
    name: str = Field(max_length=80)
    timezone: str = Field(max_length=40)
