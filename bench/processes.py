"""Start and stop bot processes against the fake Bot API; read their memory."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    def __init__(self, server: FakeBotAPI, token: str, argv: list[str], env: dict[str, str] | None = None,
                 cwd: Path | None = None) -> None:
        self.server, self.token = server, token
        full_env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": server.base_url(),
                    "PYTHONPATH": str(ROOT), **(env or {})}
        # output to a file, not a pipe: a pipe nobody reads fills up (64 KiB of log) and the bot stops in a write
        self._log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(argv, env=full_env, cwd=cwd or ROOT, stdout=self._log,
                                     stderr=subprocess.STDOUT, text=True)
        self.output = ""

    def wait_polling(self, timeout: float = 60.0) -> float:
        """Seconds until the bot's first getUpdates reached the server."""
        started = time.monotonic()
        ok = self.server.wait_for(
            lambda: any(c.token == self.token and c.method == "getUpdates" for c in self.server.calls), timeout)
        if not ok:
            self.stop()
            raise RuntimeError(f"{self.token} never polled:\n{self.output}")
        return time.monotonic() - started

    def rss_mib(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self._log.closed:
            self._log.seek(0)
            self.output = self._log.read()
            self._log.close()
        return self.output

    def __enter__(self) -> BotProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def pantau(server: FakeBotAPI, token: str, database: Path, **env: str) -> BotProcess:
    values = {"DATABASE_URL": f"sqlite:///{database}", "PANTAU_ADMIN_IDS": "1", "PANTAU_CYCLE": "2025/2026", **env}
    return BotProcess(server, token, [sys.executable, "-m", "bot", "run"], values)


def echo(server: FakeBotAPI, token: str, **env: str) -> BotProcess:
    return BotProcess(server, token, [sys.executable, str(ROOT / "bench" / "echo_bot.py")], env)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]
