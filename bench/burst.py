"""Many people at the same instant: 20, 50 and 100 users send ``/status`` at one moment.

The real ``pantau-ham run`` against a fake Bot API that enforces Telegram's limits (30 messages/s, about
1/s per chat; every 429 counted), and in the same run a bare python-telegram-bot echo bot (no rate limiter,
so on a server that limits nothing: its fastest) echoing the same texts. Every round queues all messages
at one moment, so the bot's next ``getUpdates`` takes them all; rounds are 2.5 s apart, after one round of 20
that is not counted (the first answers of a fresh process load modules). Latency is from
the moment a message was queued to the moment its first reply reached the server. The least Telegram's
30 a second allows: the k-th of n messages sent at once waits at least ⌊k/30⌋ s.
Goal: pantau's p99 ≤ 1.5 × the larger of the echo bot's p99 and that minimum's p99; no 429.

A second yardstick, in the same run: the same bare python-telegram-bot bot sending, for each question, exactly the
message Pantau HAM sends for it (the same HTML and buttons, worked out beforehand by ``bench/answers.py``). Between
it and Pantau HAM lies only the work of the answer; between it and the echo bot, the size of the message.

The floor, in the same run: 20 people without a role send the same burst. The bot does for them only what it
does for every update (the gate: who writes, where, what they may do) and answers one line (not authorised),
so their p99 is the least a burst of 20 can cost through this bot, whatever ``/status`` does.

    python -m bench.burst [--sizes 20 50 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.answers import write as write_answers
from bench.dataset import PIC_BASE, build
from bench.fake_bot_api import FakeBotAPI
from bench.load import QUERIES, burst, minimum_waits
from bench.processes import echo, pantau, percentile

STRANGERS = 900_000  # people no role names: the dataset's people are below 30_000


def strangers(server: FakeBotAPI, token: str, rounds: int) -> list[float]:
    """Bursts of 20 from people with no role (after one round that is not counted, as for the others)."""
    users = [STRANGERS + i for i in range(20)]
    out: list[float] = []
    for r in range(rounds + 1):
        lat = burst(server, token, users, [f"/status {QUERIES[(i + r) % len(QUERIES)]}" for i in range(20)])
        out += lat if r else []
        time.sleep(2.5)
    return out


def measure(server: FakeBotAPI, token: str, sizes: list[int], rounds: int) -> dict[int, list[float]]:
    """Each size's latencies; each size has people of its own (nobody asks often enough to be a flood)."""
    out: dict[int, list[float]] = {}
    warm = [PIC_BASE + i for i in range(20)]
    burst(server, token, warm, [f"/status {QUERIES[i % len(QUERIES)]}" for i in range(20)])  # not counted
    time.sleep(2.5)
    first = PIC_BASE + len(warm)
    for size in sizes:
        out[size] = []
        users = [first + i for i in range(size)]
        first += size
        for r in range(rounds):
            texts = [f"/status {QUERIES[(i + r) % len(QUERIES)]}" for i in range(size)]
            out[size] += burst(server, token, users, texts)
            time.sleep(2.5)  # the windows empty: every round starts from rest
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 50, 100])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp()) / "national.db"
    shutil.copyfile(build(), work)
    with FakeBotAPI(limits=False) as bare, echo(bare, "2:echo") as bot:
        bot.wait_polling()
        time.sleep(2)
        echoed = measure(bare, bot.token, args.sizes, args.rounds)
    answers = write_answers(work.with_name("answers.json"), work)
    with FakeBotAPI(limits=False) as bare, echo(bare, "3:knowing", ECHO_ANSWERS=str(answers)) as bot:
        bot.wait_polling()
        time.sleep(2)
        knowing = measure(bare, bot.token, args.sizes, args.rounds)
    with FakeBotAPI(limits=True) as server, pantau(server, "1:pantau", work) as bot:
        bot.wait_polling()
        time.sleep(3)  # start-up planning and the command menus settle
        rejected = server.rejected
        try:
            mine = measure(server, bot.token, args.sizes, args.rounds)
            floor_20 = strangers(server, bot.token, args.rounds)
        except RuntimeError:
            print(bot.stop()[-5000:])
            raise
        rejected = server.rejected - rejected
    print(f"{args.rounds} rounds per size; ms from the moment all were queued to each one's reply")
    print(f"{'users':>5} {'bot':8} {'p50':>7} {'p99':>7} {'max':>7}   {'minimum p99':>11}   p99 ratio (goal ≤ 1.5)")
    for size in args.sizes:
        floor = percentile(minimum_waits(size) * args.rounds, 99)
        for name, lat in (("echo", echoed[size]), ("knowing", knowing[size]), ("pantau", mine[size])):
            print(f"{size:5} {name:8} {percentile(lat, 50) * 1000:7.0f} {percentile(lat, 99) * 1000:7.0f} "
                  f"{max(lat) * 1000:7.0f}", end="")
            if name == "pantau":
                yardstick = max(percentile(echoed[size], 99), floor)
                print(f"   {floor * 1000:11.0f}   {percentile(lat, 99) / yardstick:.2f} "
                      f"(÷ {'echo' if yardstick > floor else 'minimum'}; "
                      f"÷ knowing {percentile(lat, 99) / max(percentile(knowing[size], 99), floor):.2f})")
            else:
                print()
    print(f"   20 no role   {percentile(floor_20, 50) * 1000:5.0f} {percentile(floor_20, 99) * 1000:7.0f} "
          f"{max(floor_20) * 1000:7.0f}   {'':11}   {percentile(floor_20, 99) / percentile(echoed[20], 99):.2f} "
          "(÷ echo; the floor: the gate and a one-line answer)" if 20 in echoed else "")
    print(f"429 answers to pantau-ham  {rejected}  (goal 0)")


if __name__ == "__main__":
    main()
