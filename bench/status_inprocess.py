"""In-process /status on the national dataset: kab/kota, province and the national overview.

Each /status goes through the real Application (``process_update``: access check, name resolution,
service, renderer) against the in-process offline Bot API, and also the service alone.
Prints p50/p99 in milliseconds. Run:  python -m bench.status_inprocess [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench.dataset import STAF, build, settings_for
from bench.processes import percentile
from bot.core.clock import SystemClock
from bot.domain.checklist import national_progress, province_progress, region_progress
from bot.domain.runtime import Runtime
from bot.ops.app import build_application
from bot.reference import provinces, regions
from bot.telegram.ratelimit import ThrottledRateLimiter
from bot.telegram.throttle import Throttle
from tests.fakes import OfflineBotAPI, UpdateFactory


class _NoTime:
    t = 0.0

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds


async def through_the_bot(rt: Runtime, lines: list[str]) -> list[float]:
    fake = _NoTime()
    api = OfflineBotAPI(clock=fake.now)  # Telegram's limits on the limiter's clock: no real waiting
    limiter = ThrottledRateLimiter(Throttle(now=fake.now, sleep=fake.sleep), sleep=fake.sleep)
    app = build_application(rt, request=api, token="1:bench", rate_limiter=limiter)
    await app.initialize()
    factory = UpdateFactory(app.bot, api)
    times = []
    for i, line in enumerate(lines):
        update = factory.message(line, STAF, 50_000 + i)  # a new chat each time: no per-chat wait
        started = time.perf_counter()
        await app.process_update(update)
        times.append((time.perf_counter() - started) * 1000)
    await app.shutdown()
    return times


def service(rt: Runtime, calls) -> list[float]:
    times = []
    for call in calls:
        started = time.perf_counter()
        with rt.session() as session:
            call(session, rt.cycle(session))
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    source = build()
    work = Path(tempfile.mkdtemp()) / "national.db"
    shutil.copyfile(source, work)
    rt = Runtime.start(settings_for(f"sqlite:///{work}"), SystemClock())
    rng = random.Random(8)
    kab = [r for r in regions().values()]
    th = rt.thresholds
    rows = []
    region_calls = [(lambda r: lambda s, c: region_progress(s, c, r, th))(rng.choice(kab)) for _ in range(args.rounds)]
    province_calls = [(lambda p: lambda s, c: province_progress(s, c, p, th))(rng.choice(list(provinces().values())))
                      for _ in range(args.rounds)]
    national_calls = [lambda s, c: national_progress(s, c, th)] * max(20, args.rounds // 5)
    for name, calls in (("kab/kota", region_calls), ("province", province_calls), ("national", national_calls)):
        service(rt, calls[:5])  # warm the catalog cache and the page cache
        rows.append((f"service {name}", service(rt, calls)))
    lines = {
        "kab/kota": [f"/status {rng.choice(['Tapin', 'Kota Bandung', 'Jayapura', 'Sleman', 'Kab. Bogor'])}"
                     for _ in range(args.rounds)],
        "province": [f"/status {rng.choice(['Kalsel', 'Jawa Barat', 'Jawa Timur', 'Papua', 'Aceh'])}"
                     for _ in range(args.rounds)],
        "national": ["/status nasional"] * max(20, args.rounds // 5),
    }
    for name, typed in lines.items():
        asyncio.run(through_the_bot(rt, typed[:3]))
        rows.append((f"/status {name} (whole update)", asyncio.run(through_the_bot(rt, typed))))
    print(f"{'what':38} {'n':>5} {'p50 ms':>8} {'p99 ms':>8}")
    for name, times in rows:
        print(f"{name:38} {len(times):5d} {percentile(times, 50):8.1f} {percentile(times, 99):8.1f}")
    rt.engine.dispose()


if __name__ == "__main__":
    main()
