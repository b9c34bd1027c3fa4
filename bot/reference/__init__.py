"""Shipped reference data: provinces, kab/kota, the ten KKP HAM criteria, the sample catalog, holidays.

The files sit beside this module; ``build_regions.py`` documents where the region data
comes from, ``build_holidays.py`` where the holidays and cuti bersama come from. Everything
here is read once and cached; it never changes while the bot runs.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent
SAMPLE_CATALOG = HERE / "sample_catalog.csv"

ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


@dataclass(frozen=True)
class ProvinceRef:
    code: str
    name: str
    timezone: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class RegionRef:
    code: str
    province_code: str
    kind: str  # "kabupaten" | "kota"
    name: str  # without the kind word, e.g. "Tapin"
    timezone: str
    capital: str
    aliases: tuple[str, ...]
    former_names: tuple[str, ...] = ()  # names before a renaming ("Toba Samosir"), still typed

    @property
    def official_name(self) -> str:
        return f"{'Kabupaten' if self.kind == 'kabupaten' else 'Kota'} {self.name}"

    @property
    def short_name(self) -> str:
        return f"{'Kab.' if self.kind == 'kabupaten' else 'Kota'} {self.name}"


Place = RegionRef | ProvinceRef  # a kab/kota or a province: what a typed name, a button or a binding names


@dataclass(frozen=True)
class CriterionRef:
    number: int
    group: str
    name: str


def _rows(name: str) -> list[dict[str, str]]:
    with open(HERE / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _aliases(raw: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in raw.split(";") if a.strip())


@cache
def provinces() -> dict[str, ProvinceRef]:
    return {
        r["code"]: ProvinceRef(r["code"], r["name"], r["timezone"], _aliases(r["aliases"]))
        for r in _rows("provinces.csv")
    }


@cache
def regions() -> dict[str, RegionRef]:
    return {
        r["code"]: RegionRef(
            r["code"], r["province_code"], r["kind"], r["name"], r["timezone"], r["capital"], _aliases(r["aliases"]),
            _aliases(r.get("former_names") or ""),
        )
        for r in _rows("regions.csv")
    }


@cache
def criteria() -> dict[int, CriterionRef]:
    return {int(r["number"]): CriterionRef(int(r["number"]), r["group"], r["name"]) for r in _rows("criteria.csv")}


@cache
def holidays_by_year() -> dict[int, frozenset[date]]:
    """Public holidays and cuti bersama (``holidays.csv``) by year; a year not in the table is not a key."""
    found: dict[int, set[date]] = {}
    for r in _rows("holidays.csv"):
        day = date.fromisoformat(r["date"])
        found.setdefault(day.year, set()).add(day)
    return {year: frozenset(days) for year, days in found.items()}


def regions_of(province_code: str) -> list[RegionRef]:
    return [r for r in regions().values() if r.province_code == province_code]


def zone_abbreviation(tz: str) -> str:
    return ZONE_ABBREVIATIONS.get(tz, tz)
