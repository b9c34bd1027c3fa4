"""Benchmark: how long the region resolver takes (it runs on every /status, /belum, /checklist...).

Prints figures; never fails on a time. Run:  python bench/resolve_regions.py [--rounds N]
Times building the index once (done at first use, then cached), and resolving every query of
tests/data/region_queries_*.csv: exact keys, forms ("Tapin, Kalsel"), typos and unknown texts.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from bot.domain.regions import RegionIndex
from bot.reference import provinces, regions

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    index = RegionIndex(regions(), provinces())
    print(f"index of {len(regions())} kab/kota and {len(provinces())} provinces built in "
          f"{(time.perf_counter() - started) * 1000:.1f} ms")

    queries = []
    for path in sorted(DATA.glob("region_queries_*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            queries += [row["query"] for row in csv.DictReader(fh)]
    queries += ["Zzzqxw", "Kotawaringin", "Tapteng Kaltim", "Kabupaten Tabalonng", "Sorong, Papua Barat"]

    per_query: dict[str, float] = {}
    for _ in range(args.rounds):
        for q in queries:
            t0 = time.perf_counter()
            index.resolve(q)
            elapsed = time.perf_counter() - t0
            per_query[q] = min(per_query.get(q, elapsed), elapsed)
    times = sorted(per_query.values())
    print(f"{len(times)} queries, best of {args.rounds} rounds each:")
    print(f"  median {statistics.median(times) * 1e6:.0f} µs, "
          f"95th percentile {times[int(len(times) * 0.95)] * 1e6:.0f} µs, "
          f"slowest {times[-1] * 1e3:.2f} ms ({max(per_query, key=per_query.get)!r})")


if __name__ == "__main__":
    main()
