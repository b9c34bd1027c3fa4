"""The national dataset of the benchmarks, built with the project's own services.

514 kab/kota × 120 indicators × 3 KKP HAM cycles (2023/2024, 2024/2025, 2025/2026): the migrations,
reference data and the sample catalog come from ``Runtime.start`` and ``import_sample``; the checklist
states are drawn per region like ``pantau-ham demo`` does and bulk-inserted (185,000 rows through
``set_state`` one by one would take minutes and only add audit rows). For the broadcast: one group per
kab/kota of Jawa Timur (38) bound with ``subscribe`` and 500 focal points there (``RoleBinding``,
``seen``); for the bigger one, Jawa Barat's 27 kab/kota with a group each and 2,000 focal points. A staf of
every province and an admin. ``PANTAU_BENCH_DIR`` chooses where it is kept (default
``/tmp/pantau-ham-bench``).

    python -m bench.dataset [PATH]     # builds (or reuses) the database, prints where it is
"""

from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session

from bot.core.clock import FixedClock
from bot.core.models import Chat, ChecklistEntry, RoleBinding
from bot.core.settings import Settings
from bot.domain.catalog import active_indicators, import_sample
from bot.domain.cycles import current_cycle
from bot.domain.demo import draw_state
from bot.domain.people import seen
from bot.domain.runtime import Runtime
from bot.domain.subscriptions import subscribe
from bot.reference import provinces, regions, regions_of

DEFAULT = Path(os.environ.get("PANTAU_BENCH_DIR") or "/tmp/pantau-ham-bench") / "national.db"
CYCLES = ("2023/2024", "2024/2025", "2025/2026")
CYCLE = CYCLES[-1]  # the one the benchmarks run with (PANTAU_CYCLE)
ADMIN = 1
STAF = 2  # staf of every province
BROADCAST_PROVINCE = "35"  # Jawa Timur: 38 kab/kota
PIC_BASE = 10_000  # focal points 10_000 .. 10_499
GROUP_BASE = -1_000_000_000_000  # groups -1000000000001 ...
BIG_PROVINCE = "32"  # Jawa Barat: 27 kab/kota
BIG_PICS = 2_000
BIG_PIC_BASE = 20_000  # focal points 20_000 .. 21_999
BIG_GROUP_BASE = -1_000_000_001_000  # groups -1000000001001 ...
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
VERSION = "7"  # bump to rebuild cached datasets
SHOWN_AS = "Pengguna"  # the name bench/fake_bot_api.py gives everyone


def settings_for(url: str, **extra) -> Settings:
    return Settings(_env_file=None, database_url=url, admin_ids=frozenset({ADMIN}), cycle=CYCLE,
                    telegram_bot_token=None, **extra)


def met(session: Session, clock: FixedClock, user_id: int) -> None:
    """A focal point as the bot met them when they accepted their invitation: their name as the fake Bot API
    shows it and their private chat. So a burst from them is people coming back (``last_seen`` long past),
    not 20 people who all changed their Telegram name at once."""
    seen(session, clock, user_id, SHOWN_AS, None)
    session.add(Chat(id=user_id, kind="private", title=SHOWN_AS, updated_at=clock.now()))


def build(path: Path = DEFAULT) -> Path:
    marker = path.with_suffix(".v" + VERSION)
    if path.exists() and marker.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    clock = FixedClock(NOW)
    rt = Runtime.start(settings_for(f"sqlite:///{path}"), clock)
    with rt.session() as session:
        import_sample(session, clock)
        indicators = [(i.code, i.weight) for i in active_indicators(session)]
        for n, setting in enumerate(CYCLES):
            cycle = current_cycle(session, clock, setting)
            rows = []
            for region in sorted(regions().values(), key=lambda r: r.code):
                rng = random.Random(f"bench-{setting}-{region.code}")
                target = min(0.98, rng.uniform(0.35, 0.95) + 0.05 * n)
                for code, _weight in indicators:
                    state = draw_state(rng, target)
                    if state is None:
                        continue
                    rows.append(dict(cycle_id=cycle.id, region_code=region.code, indicator_code=code,
                                     state=state.value, updated_at=NOW - timedelta(minutes=rng.randint(30, 90_000)),
                                     updated_by=ADMIN))
            session.execute(insert(ChecklistEntry), rows)
        for code in provinces():
            session.add(RoleBinding(user_id=STAF, role="staf", target_code=code, created_at=NOW))
        seen(session, clock, STAF, "Staf", "staf_bench")
        members = regions_of(BROADCAST_PROVINCE)
        for i, region in enumerate(members):
            subscribe(session, clock, GROUP_BASE - i - 1, region, STAF)
        for i in range(500):
            user = PIC_BASE + i
            session.add(RoleBinding(user_id=user, role="pic", target_code=members[i % len(members)].code,
                                    created_at=NOW))
            met(session, clock, user)
        big = regions_of(BIG_PROVINCE)
        for i, region in enumerate(big):
            subscribe(session, clock, BIG_GROUP_BASE - i - 1, region, STAF)
        for i in range(BIG_PICS):
            session.add(RoleBinding(user_id=BIG_PIC_BASE + i, role="pic", target_code=big[i % len(big)].code,
                                    created_at=NOW))
            met(session, clock, BIG_PIC_BASE + i)
    rt.engine.dispose()
    marker.touch()
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
