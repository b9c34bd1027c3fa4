"""Planning a national year of reminders: the first plan, a re-plan with nothing changed, one edit.

The yearly template (every event confirmed) for a chat per kab/kota (514), planned by the incremental
planner the ticking job uses. Also: how long the event loop stalls while planning runs in its worker
thread (a heartbeat every 10 ms measures the longest gap).

    python -m bench.planning [--database-url URL] [--year 2031]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from bot.core.clock import FixedClock
from bot.core.models import Event, EventStatus, Reminder, Role, RoleBinding, Subscription
from bot.core.settings import Settings
from bot.domain.runtime import Runtime
from bot.reference import regions
from schedules.incremental import IncrementalPlanner, plan_now
from schedules.planner import sync_all
from schedules.template import load_template


async def stall_while(job) -> tuple[float, float]:
    """(seconds the job took in a thread, the longest event-loop gap meanwhile)."""
    worst = 0.0
    done = False

    async def heartbeat() -> None:
        nonlocal worst
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            worst = max(worst, now - last - 0.01)
            last = now

    beat = asyncio.create_task(heartbeat())
    started = time.perf_counter()
    await asyncio.to_thread(job)
    took = time.perf_counter() - started
    done = True
    await beat
    return took, worst


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

    planner = IncrementalPlanner()
    first, first_stall = asyncio.run(stall_while(lambda: plan_now(rt, planner)))
    nothing, _ = asyncio.run(stall_while(lambda: plan_now(rt, planner)))
    with rt.session() as session:
        event = session.exec(select(Event).order_by(Event.id)).first()
        event.title += " (diubah)"
        event.updated_at = event.updated_at + timedelta(seconds=1)
    one = time.perf_counter()
    report = plan_now(rt, planner)
    one = time.perf_counter() - one
    def timed(change) -> tuple[float, int]:
        with rt.session() as session:
            change(session)
        started = time.perf_counter()
        planned = plan_now(rt, planner).planned
        return time.perf_counter() - started, planned

    subscribed, subscribed_events = timed(lambda session: session.add(Subscription(
        chat_id=99, target_code="63.05", created_at=clock.now())))  # a new chat for Tapin
    staffed, staffed_events = timed(lambda session: session.add(RoleBinding(
        user_id=98, role=Role.STAF.value, target_code="91", created_at=clock.now())))  # a staf for Papua
    clock.advance(timedelta(days=1))
    next_day, next_day_events = timed(lambda session: None)
    full = time.perf_counter()
    with rt.session() as session:
        sync_all(session, clock, settings)
    full = time.perf_counter() - full
    with rt.session() as session:
        total = session.exec(select(func.count()).select_from(Reminder)).one()
    print(f"database                 {rt.engine.dialect.name}")
    print(f"events                   {events} (yearly template, national scope), {len(regions())} chats")
    print(f"ledger rows              {total}")
    print(f"first plan               {first:.2f} s  (goal ≤ 1 s)")
    print(f"  longest event-loop gap {first_stall * 1000:.0f} ms (planning runs in a worker thread)")
    print(f"re-plan, nothing changed {nothing:.3f} s  (goal ≤ 0.2 s)")
    print(f"re-plan, one event edited {one:.3f} s  ({report.planned} event re-planned)")
    print(f"re-plan, a new chat for one kab/kota {subscribed:.3f} s  ({subscribed_events} events re-planned:"
          " its province's and the national ones)")
    print(f"re-plan, a new staf for one province {staffed:.3f} s  ({staffed_events} events re-planned)")
    print(f"re-plan, a new day       {next_day:.3f} s  ({next_day_events} events re-planned)")
    print(f"full re-plan (sync_all)  {full:.2f} s  (what every re-plan cost before)")
    rt.engine.dispose()


if __name__ == "__main__":
    main()
