"""/status from 20 users at once through an HTTP fake Bot API, against a bare PTB echo bot.

Both bots are real processes polling the same local server (``bench/fake_bot_api.py``, limits off) in the
same run, one after the other. Each user sends a message, waits for the answer, reads for a second (so
Telegram's 1 message/s per private chat never binds) and sends the next. Pantau HAM answers ``/status
<wilayah>`` on the national dataset (kab/kota and provinces); the echo bot echoes the same text.
Prints p50/p99 reply latency and replies per second, and the ratios. A first round of one request per
user is not counted (the first answers of a fresh process load modules).

    python -m bench.status_http [--users 20] [--requests 8]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from pathlib import Path

from bench.dataset import PIC_BASE, build
from bench.fake_bot_api import FakeBotAPI
from bench.load import QUERIES, answered
from bench.processes import echo, pantau, percentile


def load(server: FakeBotAPI, token: str, users: int, requests: int, think: float) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    started = time.monotonic()
    last = [started]

    def user(n: int) -> None:
        uid = PIC_BASE + n
        for i in range(requests):
            before = len(server.sent(token, uid))
            sent_at = server.message(token, f"/status {QUERIES[(n + i) % len(QUERIES)]}", uid)
            at = answered(server, token, uid, before)
            with lock:
                latencies.append(at - sent_at)
                last[0] = max(last[0], at)
            time.sleep(think)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, len(latencies) / (last[0] - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=8)
    parser.add_argument("--think", type=float, default=1.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp()) / "national.db"
    shutil.copyfile(build(), work)
    results = {}
    bots = (("echo", lambda server: echo(server, "2:echo")),
            ("pantau", lambda server: pantau(server, "1:pantau", work)))
    with FakeBotAPI() as server:
        for name, start in bots:
            with start(server) as bot:
                bot.wait_polling()
                time.sleep(2)  # start-up planning and the command menus settle
                load(server, bot.token, args.users, 1, args.think)  # the first answers load modules: not counted
                results[name] = load(server, bot.token, args.users, args.requests, args.think)
    print(f"{args.users} users × {args.requests} requests, {args.think:.1f} s reading time between them")
    print(f"{'bot':10} {'p50 ms':>8} {'p99 ms':>8} {'replies/s':>10}")
    for name, (lat, rate) in results.items():
        print(f"{name:10} {percentile(lat, 50) * 1000:8.1f} {percentile(lat, 99) * 1000:8.1f} {rate:10.2f}")
    (pl, pr), (el, er) = results["pantau"], results["echo"]
    print(f"p99 ratio (pantau / echo)        {percentile(pl, 99) / percentile(el, 99):.2f}  (goal ≤ 1.5)")
    print(f"throughput ratio (pantau / echo) {pr / er:.2f}  (goal ≥ 0.8)")


if __name__ == "__main__":
    main()
