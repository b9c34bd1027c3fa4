"""Regenerate ``holidays.csv``: Indonesia's public holidays and *cuti bersama*, 2020-2035.

Where the data comes from (run ``python -m bot.reference.build_holidays`` to rebuild;
``tests/test_reference.py`` fails when ``holidays.csv`` is not what this script writes with the
version of ``holidays`` that ``constraints.txt`` pins):

* PyPI package ``holidays`` (MIT), country ``ID``, Indonesian names, two categories:
  ``public`` (hari libur nasional) and ``government`` (cuti bersama, set each year by the joint decree
  (SKB) of three ministers). Dates the package computes rather than copies from a decree (the Islamic,
  Chinese and Buddhist holidays of later years) carry "(perkiraan)" in their name.
* The package is a development/test dependency only: the bot reads the CSV file
  (``bot.reference.holidays``). When a year's SKB cuti bersama is published, update the package
  (``pip install -U holidays``, then its pin in ``constraints.txt``) and run this script again.
* A year outside ``FIRST_YEAR``..``LAST_YEAR`` is not in the table: the bot then skips weekends only, and
  says so once in its log (``schedules/policy.py``).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

HERE = Path(__file__).parent
FIRST_YEAR, LAST_YEAR = 2020, 2035
CATEGORIES = ("public", "government")


def rows() -> list[tuple[date, str, str]]:
    """(day, category, name) of every holiday in the years of the table, sorted."""
    import holidays  # development dependency, see module docstring

    found = []
    for category in CATEGORIES:
        days = holidays.country_holidays("ID", years=range(FIRST_YEAR, LAST_YEAR + 1), categories=(category,),
                                         language="id")
        found += [(day, category, name) for day, name in days.items()]
    return sorted(found)


def build(out_dir: Path = HERE) -> Path:
    """Write ``holidays.csv`` into ``out_dir``."""
    path = out_dir / "holidays.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["date", "category", "name"])
        for day, category, name in rows():
            out.writerow([day.isoformat(), category, name])
    return path


if __name__ == "__main__":
    written = build()
    days = len(written.read_text(encoding="utf-8").splitlines()) - 1
    print(f"{written}: {days} days, {FIRST_YEAR}-{LAST_YEAR}")
