"""The strict stand-in for the Bot API (``tests.fakes.bot_api``) served over local HTTP.

A real ``pantau-ham run`` process talks to it as to Telegram (``TELEGRAM_API_BASE_URL=http://127.0.0.1:
PORT/bot``): ``getUpdates`` long-polls updates queued with :meth:`FakeTelegramServer.push`, every call is
checked by the same rules as in-process (HTML, lengths, unknown chats, limits → 429) and recorded, a
``getUpdates`` still waiting when another arrives is ended with 409 Conflict (Telegram ends the older of two
pollers' requests so), and files are served under ``/file/bot<token>/<path>`` as a self-hosted Bot API server
serves them. Only 127.0.0.1: tests never touch the internet.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.cli.local_api import ApiCall
from tests.fakes.bot_api import NoAnswer, OfflineBotAPI

TERMINATED = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


class FakeTelegramServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0, poll_wait: float = 0.2) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.api = OfflineBotAPI()
        self.lock = threading.Condition()
        self.poll_wait = poll_wait
        self.tokens: set[str] = set()
        self._polls = 0  # getUpdates calls so far: a waiting one that sees a newer one answers 409
        self.conflicts = 0  # getUpdates answered 409 because another one came (some to copies already gone)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/bot"

    def start(self) -> FakeTelegramServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def push(self, update: dict[str, Any]) -> None:
        with self.lock:
            self.api.push_update(update)
            self.lock.notify_all()

    def calls(self, method: str | None = None) -> list[ApiCall]:
        with self.lock:
            return [c for c in self.api.calls if method is None or c.method == method]

    def handle_call(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            wait = min(float(params.get("timeout") or 0), self.poll_wait)
            deadline = time.monotonic() + wait
            with self.lock:
                self._polls += 1
                mine = self._polls
                self.lock.notify_all()  # a getUpdates still waiting is ended by this one, as Telegram does
                offset = int(params.get("offset") or 0)
                while time.monotonic() < deadline and mine == self._polls and not any(
                        u["update_id"] >= offset for u in self.api.pending_updates):
                    self.lock.wait(max(0.0, deadline - time.monotonic()))
                if mine != self._polls:
                    self.conflicts += 1
                    return 409, {"ok": False, "error_code": 409, "description": TERMINATED}
        with self.lock:
            return self.api.handle(method, params, files)


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        if part.get_filename():
            files[name] = payload
        else:
            params[name] = payload.decode()
    return params, files


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart (Nagle + delayed ACK)

    def _reply(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        server = self.server
        assert isinstance(server, FakeTelegramServer)
        if self.path.startswith("/file/bot"):
            file_id = self.path.rsplit("/", 1)[-1]
            with server.lock:
                content = server.api.files.get(file_id)
            if content is None:
                self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
            else:
                self._reply(200, content, "application/octet-stream")
            return
        self.do_POST()

    def do_POST(self) -> None:  # noqa: N802
        server = self.server
        assert isinstance(server, FakeTelegramServer)
        path, _, query = self.path.partition("?")
        method = path.rsplit("/", 1)[-1]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type") or ""
        files: dict[str, bytes] = {}
        if "json" in content_type:
            params = json.loads(body or b"{}")
        elif "multipart/form-data" in content_type:
            params, files = _multipart(content_type, body)
        else:
            params = {k: v[0] for k, v in parse_qs(body.decode() or query).items()}
        params = {k: _maybe_json(v) for k, v in params.items()}
        try:
            status, answer = server.handle_call(method, params, files)
        except NoAnswer:  # a scripted timeout: the connection drops without an answer
            self.close_connection = True
            return
        self._reply(status, json.dumps(answer).encode())

    def log_message(self, *args: Any) -> None:
        return None
