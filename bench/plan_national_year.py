"""Benchmark: plan a national year of reminders (514 kab/kota, the yearly template), then re-plan.

Prints figures; never fails on a time. Run:  python bench/plan_national_year.py [--database-url URL]
(default: a fresh SQLite file in a temporary folder).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from bot.clock import FixedClock
from bot.models import Event, EventStatus, Reminder, Subscription
from bot.reference import regions
from bot.runtime import Runtime
from bot.settings import Settings
from schedules.calendar import load_template
from schedules.planner import sync_all


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--year", type=int, default=2031)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    settings = Settings(_env_file=None, database_url=url, admin_ids=frozenset({1, 2, 3}))
    clock = FixedClock(datetime(args.year, 1, 2, tzinfo=UTC))
    rt = Runtime.start(settings, clock)
    with rt.session() as session:
        session.add_all(Subscription(chat_id=100_000 + i, target_code=code, created_at=clock.now())
                        for i, code in enumerate(sorted(regions())))
        for event in load_template(session, clock, args.year, settings.timezone, None):
            event.status = EventStatus.CONFIRMED.value
        events = session.exec(select(func.count()).select_from(Event)).one()

    started = time.perf_counter()
    with rt.session() as session:
        added = sync_all(session, clock, settings)
    first = time.perf_counter() - started

    started = time.perf_counter()
    with rt.session() as session:
        again = sync_all(session, clock, settings)
    second = time.perf_counter() - started

    with rt.session() as session:
        total = session.exec(select(func.count()).select_from(Reminder)).one()
    print(f"database           {rt.engine.dialect.name}")
    print(f"events             {events} (yearly template: national deadlines, a rakor per province)")
    print(f"chats              {len(regions())} (one per kab/kota)")
    print(f"ledger rows        {total} ({added} added by the first plan, {again} by the re-plan)")
    print(f"first plan         {first:.2f} s  ({total / first:,.0f} rows/s)")
    print(f"idempotent re-plan {second:.2f} s")
    rt.engine.dispose()


if __name__ == "__main__":
    main()
