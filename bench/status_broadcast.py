"""/status while a broadcast to 500 or 2,000 focal points is sending: p50/p99 against idle.

The real ``pantau-ham run`` against a fake Bot API that enforces Telegram's limits (every 429 counted).
After a first round that is not counted (the first answers of a fresh process load modules), idle:
``--askers`` people at a time ask ``/status`` (a mix of kab/kota and provinces), read for
``--think`` seconds and ask again, for ``--idle`` seconds. Then the staf sends ``/umumkan`` to Jawa Timur (38
groups, 500 focal points) or, with ``--province "Jawa Barat"``, 27 groups and 2,000 focal points, and the same
questions go on until the broadcast is nearly through. The askers are focal points of the other province, so
the broadcast never writes to them. Prints both latencies, their ratio, and the broadcast's time against the
minimum Telegram's 30 messages a second allow for the broadcast and the answers sent meanwhile together
(no 429; ``bench/broadcast.py`` measures a broadcast alone, goal ≤ 1.1×).

    python -m bench.status_broadcast [--province "Jawa Barat"] [--askers 10] [--think 1.5] [--idle 12]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from pathlib import Path

from bench.dataset import build
from bench.fake_bot_api import FakeBotAPI
from bench.load import QUERIES, announcements, audience, burst, keep_asking, start_broadcast
from bench.processes import pantau, percentile

TOKEN = "1:pantau"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--province", default="Jawa Timur", choices=["Jawa Timur", "Jawa Barat"])
    parser.add_argument("--askers", type=int, default=10)
    parser.add_argument("--think", type=float, default=1.5)
    parser.add_argument("--idle", type=float, default=12.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp()) / "national.db"
    shutil.copyfile(build(), work)
    groups, pics = audience(args.province)
    other = "Jawa Barat" if args.province == "Jawa Timur" else "Jawa Timur"
    askers = audience(other)[1][:500]
    expected = len(groups) + len(pics)
    with FakeBotAPI(limits=True) as server, pantau(server, TOKEN, work) as bot:
        server.know(TOKEN, groups + pics + askers)
        bot.wait_polling()
        time.sleep(3)  # start-up planning and the command menus settle
        burst(server, TOKEN, askers[-20:], [f"/status {q}" for q in QUERIES * 2])  # loads modules: not counted
        time.sleep(1.5)
        stop = threading.Event()
        threading.Timer(args.idle, stop.set).start()
        idle = keep_asking(server, TOKEN, askers[: len(askers) // 2], args.askers, stop, args.think)
        rejected = server.rejected
        start = len(server.calls)
        pressed = start_broadcast(server, TOKEN, args.province)
        server.wait_for(lambda: len(announcements(server, TOKEN, start)) >= 1, 120)
        stop = threading.Event()
        watcher = threading.Thread(target=lambda: (server.wait_for(  # ask until ~3 s of the broadcast are left
            lambda: len(announcements(server, TOKEN, start)) >= expected - 90, 900), stop.set()))
        watcher.start()
        during = keep_asking(server, TOKEN, askers[len(askers) // 2:], args.askers, stop, args.think)
        watcher.join()
        server.wait_for(lambda: len(announcements(server, TOKEN, start)) >= expected, 600)
        got = announcements(server, TOKEN, start)
        rejected = server.rejected - rejected
        last = max(c.at for c in got)
        answers = [c for c in server.sent(TOKEN, since=start) if pressed <= c.at <= last and c not in got]
    elapsed = last - pressed
    first = min(c.at for c in got) - pressed
    minimum = len(got) / 30
    shared = (len(got) + len(answers)) / 30
    print(f"/status, {args.askers} people at a time, {args.think:.1f} s reading between questions")
    print(f"{'':22} {'n':>4} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, lat in (("idle", idle), ("during the broadcast", during)):
        print(f"{name:22} {len(lat):4} {percentile(lat, 50) * 1000:8.0f} {percentile(lat, 99) * 1000:8.0f} "
              f"{max(lat) * 1000:8.0f}")
    print(f"ratio during ÷ idle     p50 {percentile(during, 50) / percentile(idle, 50):.2f}, "
          f"p99 {percentile(during, 99) / percentile(idle, 99):.2f}")
    print(f"broadcast to {args.province}: {len(got)} of {expected} messages in {elapsed:.1f} s "
          f"(first after {first:.1f} s); alone it would need at least {minimum:.1f} s")
    print(f"  with the {len(answers)} answers sent meanwhile (30 a second is shared): at least {shared:.1f} s; "
          f"ratio {elapsed / shared:.2f}")
    print(f"429 answers             {rejected}  (goal 0)")


if __name__ == "__main__":
    main()
