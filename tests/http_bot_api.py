"""A local HTTP stand-in for the Bot API (answers like ``bot/offline.py``), and the bot as a real process.

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
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from bot.offline import OfflineBotAPI

TOKEN = "7412345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"  # the shape of a real token, never a real one


class HttpBotApi(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = OfflineBotAPI()
        self.calls: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.conflict = False
        self.hang = False
        self.send_delay = 0.0
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def handle_error(self, request, client_address) -> None:
        """A killed bot drops its connections: that is the drill, not an error of the stand-in."""

    def __enter__(self) -> HttpBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.hang = False
        self.shutdown()
        self.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/bot"

    def sent(self, method: str = "sendMessage") -> list[dict]:
        with self.lock:
            return [p for m, p in self.calls if m == method]

    def methods(self) -> set[str]:
        with self.lock:
            return {m for m, _ in self.calls}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        server: HttpBotApi = self.server
        method = self.path.rsplit("/", 1)[-1]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        kind = self.headers.get("Content-Type") or ""
        if "json" in kind:
            params = json.loads(body or b"{}")
        elif "multipart" in kind:
            params = _multipart_fields(body, kind)
        else:
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        params = {k: _maybe_json(v) for k, v in params.items()}
        while server.hang:
            time.sleep(0.05)
        if method == "getUpdates":
            time.sleep(0.1)
            if server.conflict:
                return self._reply(409, {"ok": False, "error_code": 409, "description":
                                         "Conflict: terminated by other getUpdates request; make sure that only "
                                         "one bot instance is running"})
        if method in ("sendMessage", "sendPhoto") and server.send_delay:
            time.sleep(server.send_delay)
        with server.lock:
            server.calls.append((method, params))
            if method == "sendPhoto":
                params = {k: v for k, v in params.items() if k != "photo"}
            result = server.api._answer(method, params, {})
        self._reply(200, {"ok": True, "result": result})

    def _reply(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass

    def log_message(self, *args) -> None:
        return None


def _multipart_fields(body: bytes, kind: str) -> dict:
    boundary = kind.split("boundary=", 1)[1].strip('"').encode()
    fields = {}
    for part in body.split(b"--" + boundary):
        head, _, value = part.partition(b"\r\n\r\n")
        if b'name="' not in head:
            continue
        name = head.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
        if b"filename=" in head:
            fields[name] = "<file>"
        else:
            fields[name] = value.rstrip(b"\r\n").decode(errors="replace")
    return fields


def _maybe_json(value):
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


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


def http_post_json(url: str, payload: dict, headers: dict | None = None, timeout: float = 5.0) -> int:
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
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
