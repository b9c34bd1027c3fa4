"""A local HTTP stand-in for the Bot API (answers like ``tests/fakes/bot_api.py``), and the bot as a real process.

Behaviours a test can switch on: ``conflict`` (getUpdates answers 409 like Telegram when another copy
polls), ``hang`` (every call waits, as when Telegram does not answer), ``send_delay`` (each sendMessage
and sendPhoto takes that long, to widen the window for a kill).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.fakes import ApiCall, ScriptedError
from tests.fakes.http_server import FakeTelegramServer

TOKEN = "7412345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"  # the shape of a real token, never a real one


class HttpBotApi(FakeTelegramServer):
    """The strict stand-in over HTTP (``tests.fakes.http_server``), with failures a drill needs."""

    def __init__(self) -> None:
        super().__init__()
        self.conflict = False
        self.hang = False
        self.send_delay = 0.0

    def handle_error(self, request, client_address) -> None:
        """A killed bot drops its connections: that is the drill, not an error of the stand-in."""

    def __enter__(self) -> HttpBotApi:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.hang = False
        self.stop()

    def handle_call(self, method: str, params: dict, files: dict) -> tuple[int, dict]:
        while self.hang:
            time.sleep(0.05)
        if method == "getUpdates" and self.conflict:
            time.sleep(0.1)
            return 409, {"ok": False, "error_code": 409, "description": "Conflict: terminated by other getUpdates "
                         "request; make sure that only one bot instance is running"}
        if method in ("sendMessage", "sendPhoto") and self.send_delay:
            time.sleep(self.send_delay)
        return super().handle_call(method, params, files)

    def accepted(self) -> list[ApiCall]:
        """Every call Telegram would have accepted, in order."""
        return [c for c in self.calls() if not isinstance(c.result, ScriptedError)]

    def sent(self, method: str = "sendMessage") -> list[dict]:
        return [c.params for c in self.accepted() if c.method == method]

    def methods(self) -> set[str]:
        return {c.method for c in self.calls()}

    def know(self, *chat_ids: int) -> None:
        with self.lock:
            for chat_id in chat_ids:
                self.api.register_chat(chat_id)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_env(api: HttpBotApi, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "TELEGRAM_", "DATABASE_URL"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": database_url, "TELEGRAM_API_BASE_URL": api.base_url,
                "PANTAU_TICK_SECONDS": "1", "PANTAU_ADMIN_IDS": "111", "PANTAU_CYCLE": "2024/2025"})
    env.update(extra)
    return env


class BotProcess:
    """``python -m bot run`` with its output in a file (no pipe to fill up)."""

    def __init__(self, env: dict[str, str], cwd: Path, name: str = "bot", args: tuple[str, ...] = ("run",)) -> None:
        self.log_path = cwd / f"{name}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in wait()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", *args], env=env, cwd=cwd,
                                     stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

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


def wait_for(predicate, timeout: float, interval: float = 0.1, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def http_get(url: str, timeout: float = 3.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def webhook_secret(token: str = TOKEN) -> str:
    """The secret a bot with this token and no ``PANTAU_WEBHOOK_SECRET`` registers with ``setWebhook``."""
    from bot.core.settings import Settings

    return Settings(_env_file=None, telegram_bot_token=token).webhook_secret_token or ""


def http_post_json(url: str, payload: dict, headers: dict | None = None, timeout: float = 5.0) -> int:
    """POST as Telegram does to a webhook: with the secret derived from :data:`TOKEN` unless ``headers`` are
    given (``{}``: no secret at all)."""
    if headers is None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret()}
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def command_update(update_id: int, text: str, user_id: int = 111, chat_id: int | None = None) -> dict:
    chat = chat_id or user_id
    command = text.split()[0]
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup", "first_name": "Uji"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Uji", "language_code": "id"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}] if command.startswith("/") else [],
    }}
