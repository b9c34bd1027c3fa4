"""The bot as a real process in tests: its environment, starting and stopping it, free ports, waiting, probes.

One home for what the tests that start ``pantau-ham run`` (or another ``python -m bot`` command) share; the
stand-in for the Bot API they talk to is ``tests/http_bot_api.py`` (and ``tests/fakes/http_server.py``).

xdist: every port comes from the kernel (:func:`free_port`), every file lives under the test's ``tmp_path``
(the log of a :class:`BotProcess` too), so workers never share one.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

TOKEN = "7412345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"  # the shape of a real token, never a real one
OWN_VARIABLES = ("PANTAU_", "TELEGRAM_", "DATABASE_URL")  # what the bot reads: never inherited from the shell

T = TypeVar("T")


class HasBaseUrl(Protocol):
    base_url: str


class Stoppable(HasBaseUrl, Protocol):
    def stop(self) -> None: ...


def free_port() -> int:
    """A port nobody listens on now (the kernel's choice: distinct across xdist workers)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without the bot's own variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_VARIABLES)}
    env.update(extra)
    return env


def bot_env(api: HasBaseUrl, database_url: str, **extra: str) -> dict[str, str]:
    """A bot talking to the stand-in ``api``, ticking every second, admin 111, cycle 2024/2025."""
    return clean_env(**{"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": database_url,
                        "TELEGRAM_API_BASE_URL": api.base_url, "PANTAU_TICK_SECONDS": "1",
                        "PANTAU_ADMIN_IDS": "111", "PANTAU_CYCLE": "2024/2025", **extra})


class BotProcess:
    """``python -m bot run`` (or ``args``, or a whole ``command``) with its output in a file (no pipe to fill up)."""

    def __init__(self, env: dict[str, str], cwd: Path, name: str = "bot", args: Sequence[str] = ("run",),
                 command: Sequence[str] | None = None) -> None:
        self.log_path = cwd / f"{name}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in wait()/kill()
        argv = list(command) if command is not None else [sys.executable, "-m", "bot", *args]
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def running(self) -> bool:
        return self.proc.poll() is None

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log.close()

    def interrupt(self, timeout: float = 20) -> str:
        """Ctrl-C (killed if it does not stop within ``timeout`` s); its output."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        self.kill()
        return self.output


def stop(*bots: BotProcess, timeout: float = 15) -> list[int | None]:
    """SIGTERM to every running copy, then their exit codes (None: killed after ``timeout`` s)."""
    codes: list[int | None] = []
    for bot in bots:
        if bot.proc.poll() is None:
            bot.proc.send_signal(signal.SIGTERM)
    for bot in bots:
        try:
            codes.append(bot.wait(timeout))
        except Exception:  # noqa: BLE001 - killed below
            codes.append(None)
        finally:
            bot.kill()
    return codes


def start_bot(server: HasBaseUrl, database_url: str, cwd: Path, **extra: str) -> BotProcess:
    """``pantau-ham run`` on ``database_url`` polling ``server``, in the cycle of today (no ``PANTAU_CYCLE``)."""
    env = bot_env(server, database_url, **extra)
    if "PANTAU_CYCLE" not in extra:
        env.pop("PANTAU_CYCLE")
    return BotProcess(env, cwd)


def stop_bot(bot: BotProcess, server: Stoppable) -> str:
    """Ctrl-C the bot, stop the stand-in; the bot's output."""
    try:
        return bot.interrupt()
    finally:
        server.stop()


def run_cli(cwd: Path, env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m bot <args>`` to its end, output captured."""
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.1, what: str = "condition") -> None:
    """Until ``predicate()`` is true; an AssertionError naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def eventually(probe: Callable[[], T], seconds: float = 30, interval: float = 0.1) -> T:
    """The first true value of ``probe()`` within ``seconds``, else its last value (for the caller to assert)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(interval)
    return probe()


def http_get(url: str, timeout: float = 3.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of ``url``; None while nothing answers there."""
    try:
        return http_get(url, timeout=timeout)[0]
    except OSError:
        return None
