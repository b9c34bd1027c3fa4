"""``pantau-ham run`` against a local Bot API server over HTTP: a spreadsheet sent by a focal point is
fetched with getFile and downloaded from ``http://host:port/file/bot<token>/…`` (the URL derived from
``TELEGRAM_API_BASE_URL``), then previewed."""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from bot.core.clock import SystemClock
from bot.core.models import RoleBinding
from bot.domain.catalog import import_sample
from bot.domain.runtime import Runtime
from tests.conftest import PIC, make_settings
from tests.processes import BotProcess, eventually
from tests.test_progress_import import HEADER, xlsx

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process


class LocalBotApi(ThreadingHTTPServer):
    def __init__(self, updates: list[dict], files: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.updates = updates
        self.files = files
        self.calls: list[tuple[str, dict]] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    def _reply(self, status: int, payload: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        server: LocalBotApi = self.server
        with server.lock:
            server.calls.append(("GET", {"path": self.path}))
        file_id = self.path.rsplit("/", 1)[-1]
        if self.path.startswith("/file/bot") and file_id in server.files:
            self._reply(200, server.files[file_id], "application/octet-stream")
        else:
            self._reply(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        server: LocalBotApi = self.server
        method = self.path.rsplit("/", 1)[-1]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            params = json.loads(body or "{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body).items()}
        with server.lock:
            server.calls.append((method, params))
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                result = [u for u in server.updates if u["update_id"] >= offset]
            elif method == "getFile":
                file_id = params["file_id"]
                result = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(server.files[file_id]),
                          "file_path": f"documents/{file_id}"}
            elif method == "getMe":
                result = {"id": 7000000001, "is_bot": True, "first_name": "Pantau HAM", "username": "PantauHAMBot"}
            elif method == "sendMessage":
                result = {"message_id": len(server.calls), "date": 1_700_000_000,
                          "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": params.get("text", "")}
            else:
                result = True
        if method == "getUpdates" and not result:
            time.sleep(0.2)
        self._reply(200, json.dumps({"ok": True, "result": result}).encode())

    def log_message(self, *args) -> None:
        return None


def test_a_sent_spreadsheet_is_downloaded_from_the_local_file_url(sqlite_url, tmp_path):
    rt = Runtime.start(make_settings(sqlite_url), SystemClock())
    with rt.session() as session:
        import_sample(session, rt.clock)
        session.add(RoleBinding(user_id=PIC, role="pic", target_code="63.05", created_at=rt.clock.now()))
    rt.engine.dispose()
    content = xlsx([HEADER, ["Tapin", "1.01", "lengkap", "", ""]])
    update = {"update_id": 1, "message": {
        "message_id": 10, "date": 1_700_000_000, "chat": {"id": PIC, "type": "private", "first_name": "Pic"},
        "from": {"id": PIC, "is_bot": False, "first_name": "Pic"},
        "document": {"file_id": "f1", "file_unique_id": "uf1", "file_name": "progres.xlsx",
                     "file_size": len(content)}}}
    server = LocalBotApi([update], {"f1": content})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:fake", "DATABASE_URL": sqlite_url,
           "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{server.server_port}/bot", "PANTAU_ADMIN_IDS": "111",
           "PANTAU_CYCLE": "2024/2025", "PANTAU_TICK_SECONDS": "60"}
    env.pop("TELEGRAM_API_FILE_URL", None)
    bot = BotProcess(env, tmp_path)

    def answers() -> list[dict]:
        with server.lock:
            return [p for m, p in server.calls if m == "sendMessage" and int(p.get("chat_id", 0)) == PIC]

    try:
        sent = eventually(answers, 30, interval=0.2)
    finally:
        output = bot.interrupt()
        server.shutdown()
    assert sent, f"no answer; bot output:\n{output}"
    assert "Pratinjau impor progres" in sent[0]["text"] and "1 baris sah: 1 berubah" in sent[0]["text"]
    downloads = [p["path"] for m, p in server.calls if m == "GET"]
    assert len(downloads) == 1 and downloads[0].startswith("/file/bot123") and downloads[0].endswith("/documents/f1")
