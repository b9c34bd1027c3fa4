"""``pantau-ham run`` for real: a subprocess polling a fake Bot API over local HTTP, ticking, reminding."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from sqlmodel import Session, select

from bot.clock import SystemClock
from bot.db import make_engine
from bot.models import Reminder
from bot.offline import OfflineBotAPI
from bot.reference import regions
from bot.runtime import Runtime
from bot.subscriptions import subscribe
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows
from tests.conftest import make_settings

CHAT = 4242


class FakeTelegram(ThreadingHTTPServer):
    """Answers Bot API calls like Telegram would, recording each (method, params)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = OfflineBotAPI()
        self.calls: list[tuple[str, dict]] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        server: FakeTelegram = self.server
        method = self.path.rsplit("/", 1)[-1]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            params = json.loads(body or "{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body).items()}
        params = {k: _maybe_json(v) for k, v in params.items()}
        if method == "getUpdates":
            time.sleep(0.2)
        with server.lock:
            server.calls.append((method, params))
            result = server.api._answer(method, params, {})
        payload = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        return None


def _maybe_json(value):
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def test_run_polls_ticks_and_sends_a_due_reminder(sqlite_url, tmp_path):
    settings = make_settings(sqlite_url, cycle=None)
    rt = Runtime.start(settings, SystemClock())
    with rt.session() as session:
        subscribe(session, rt.clock, CHAT, regions()["63.05"], 111)
        event = add(session, rt.clock, settings, parse_line("rakor Tapin 2099-06-19 09:00 Rakor uji coba"), 111)
        now = rt.clock.now()
        # an "Ingatkan besok" row that is due now (the planner leaves snoozes alone)
        insert_rows(session, event, [Planned(CHAT, "snooze-test", now - timedelta(seconds=1), now + timedelta(days=1))])
    rt.engine.dispose()

    server = FakeTelegram()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:fake", "DATABASE_URL": sqlite_url,
           "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{server.server_port}/bot", "PANTAU_TICK_SECONDS": "1",
           "PANTAU_ADMIN_IDS": "111"}
    env.pop("PANTAU_CYCLE", None)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        sent = []
        while time.monotonic() < deadline and not sent:
            time.sleep(0.2)
            with server.lock:
                sent = [p for m, p in server.calls if m == "sendMessage" and int(p.get("chat_id", 0)) == CHAT]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        server.shutdown()
    assert sent, f"no reminder was sent; bot output:\n{output}"
    assert "Pengingat: Rakor uji coba" in sent[0]["text"]
    methods = {m for m, _ in server.calls}
    assert {"getMe", "setMyCommands", "getUpdates"} <= methods
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        row = session.exec(select(Reminder).where(Reminder.chat_id == CHAT, Reminder.offset_key == "snooze-test")).one()
    engine.dispose()
    assert row.status == "sent" and row.message_id is not None
