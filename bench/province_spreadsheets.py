"""Benchmark: the XLSX report of the largest province, its import back (validate + apply), and a backup.

Prints figures; never fails on a time. Run:  python bench/province_spreadsheets.py [--province 35]
(a fresh SQLite file in a temporary folder, the sample catalog and the demo-style progress).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.core.clock import FixedClock
from bot.core.models import ChecklistEntry, IndicatorState
from bot.core.settings import Settings
from bot.domain.catalog import import_sample
from bot.domain.runtime import Runtime
from bot.io import backup, progress_import
from bot.io.export import report
from bot.io.spreadsheets import read_table
from bot.reference import provinces, regions_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--province", default="35")  # Jawa Timur: 38 kab/kota
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    settings = Settings(_env_file=None, database_url=f"sqlite:///{folder / 'bench.db'}", cycle="2025/2026")
    clock = FixedClock(datetime(2025, 3, 1, tzinfo=UTC))
    rt = Runtime.start(settings, clock)
    province = provinces()[args.province]
    with rt.session() as session:
        indicators = import_sample(session, clock).total
        cycle = rt.cycle(session)
        states = list(IndicatorState)
        for i, region in enumerate(regions_of(province.code)):
            for j in range(indicators):
                session.add(ChecklistEntry(cycle_id=cycle.id, region_code=region.code,
                                           indicator_code=f"{j // 12 + 1}.{j % 12 + 1:02d}",
                                           state=states[(i + j) % len(states)].value, updated_at=clock.now()))
    t0 = time.perf_counter()
    with rt.session() as session:
        book = report(session, clock, rt.cycle(session), province, rt.thresholds, rt.t)
    t1 = time.perf_counter()
    table = read_table(book.content, book.filename, progress_import.SHEETS)
    t2 = time.perf_counter()
    with rt.session() as session:
        plan = progress_import.plan(session, rt.cycle(session), table)
        progress_import.apply(session, clock, rt.cycle(session), plan, None, book.filename)
    t3 = time.perf_counter()
    backup.backup(settings.database_url, folder / "backup.db")
    t4 = time.perf_counter()
    print(f"{province.name}: {len(regions_of(province.code))} kab/kota, {plan.rows} rows, "
          f"report {len(book.content) / 1024:.0f} KiB")
    print(f"report {t1 - t0:.2f} s · read {t2 - t1:.2f} s · validate+apply {t3 - t2:.2f} s "
          f"({len(plan.changes)} changes) · backup {t4 - t3:.2f} s")


if __name__ == "__main__":
    main()
