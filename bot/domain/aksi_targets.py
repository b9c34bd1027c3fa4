"""Aksi HAM targets per year and level as data: ``bot/reference/aksi_targets.csv``.

The target a pemda's yearly capaian (the average of B04, B08 and B12) is held against differs by year and
level: in 2022 kab/kota 60, provinces 65 (ministries and agencies 75). A year and level with no row use
``PANTAU_AKSI_TARGET`` (the setting), and the bot says "(sesuai pengaturan)". A new year's targets arrive
by letter: add a row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TARGETS_CSV = Path(__file__).resolve().parent.parent / "reference" / "aksi_targets.csv"
LEVELS = ("kabupaten/kota", "provinsi")
KAB_KOTA = LEVELS[0]


@dataclass(frozen=True)
class Target:
    value: float
    year: int
    level: str
    from_setting: bool  # no row for this year and level: PANTAU_AKSI_TARGET


def read(path: Path = TARGETS_CSV) -> dict[tuple[int, str], float]:
    """Every row, checked; a broken file fails loudly on first use (and in the tests)."""
    found: dict[tuple[int, str], float] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name}:{n}"
            year, level, value = int(row["year"]), row["level"].strip(), float(row["target"])
            if level not in LEVELS:
                raise ValueError(f"{where}: level {level!r} is not one of {LEVELS}")
            if not 0 <= value <= 100:
                raise ValueError(f"{where}: target {value} is not 0-100")
            if (year, level) in found:
                raise ValueError(f"{where}: {year} {level} twice")
            found[(year, level)] = value
    return found


@cache
def _targets() -> dict[tuple[int, str], float]:
    return read()


def target_for(year: int, setting: float, level: str = KAB_KOTA) -> Target:
    """The target of ``year`` for ``level``; the setting when the data has none."""
    value = _targets().get((year, level))
    if value is None:
        return Target(float(setting), year, level, True)
    return Target(value, year, level, False)
