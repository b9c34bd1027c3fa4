"""Idle resident memory of ``pantau-ham run`` against a bare PTB echo bot, and ``pantau-ham --help`` time.

Goal: within 2× the echo bot (issue 18). Both bots poll the same local fake Bot API; memory (VmRSS) is read
after they have idled for a while: once as ``python`` runs them, once with ``PYTHONOPTIMIZE=2`` as the
container image runs them (``-OO``, no docstrings; run ``python -OO -m compileall -q .venv/lib`` first, as
``scripts/install.sh`` does, or every start compiles). ``--help`` is timed as a whole process (interpreter
start included), best and median of several runs, next to ``python -c pass``.

    python -m bench.idle
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.dataset import build
from bench.fake_bot_api import FakeBotAPI
from bench.processes import ROOT, echo, pantau


def timed(argv: list[str], runs: int = 7) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def idle(work: Path, **env: str) -> tuple[float, float, list[str]]:
    with FakeBotAPI() as server, pantau(server, "1:pantau", work, **env) as bot, echo(server, "2:echo", **env) as bare:
        bot.wait_polling()
        bare.wait_polling()
        time.sleep(8)  # start-up planning done, a few ticks of idling
        mine, theirs = bot.rss_mib(), bare.rss_mib()
        loaded = [m for m in ("matplotlib", "openpyxl", "icalendar")
                  if m in subprocess.run(["cat", f"/proc/{bot.proc.pid}/maps"], capture_output=True, text=True).stdout]
    return mine, theirs, loaded


def main() -> None:
    work = Path(tempfile.mkdtemp()) / "national.db"
    shutil.copyfile(build(), work)
    for label, env in (("python", {"PYTHONOPTIMIZE": ""}), ("PYTHONOPTIMIZE=2 (the image)", {"PYTHONOPTIMIZE": "2"})):
        mine, theirs, loaded = idle(work, **env)
        print(f"{label}:")
        print(f"  idle RSS pantau-ham run     {mine:.1f} MiB")
        print(f"  idle RSS bare PTB echo bot  {theirs:.1f} MiB")
        print(f"  ratio                       {mine / theirs:.2f}  (goal ≤ 2)")
        heavy = ", ".join(loaded) or "none (matplotlib, openpyxl, icalendar load on first use)"
        print(f"  heavy libraries mapped      {heavy}")
    cli = Path(sys.executable).parent / "pantau-ham"
    help_best, help_median = timed([str(cli), "--help"])
    bare_best, bare_median = timed([sys.executable, "-c", "pass"])
    print(f"pantau-ham --help           best {help_best:.2f} s, median {help_median:.2f} s  (goal ≤ 0.5 s)")
    print(f"python -c pass              best {bare_best:.2f} s, median {bare_median:.2f} s")


if __name__ == "__main__":
    main()
