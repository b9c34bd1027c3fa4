"""A misbehaving Telegram for tests: a local HTTP proxy in front of the HTTP stand-in of the Bot API.

For the sending methods it decides, deterministically from ``seed``, per chat and per attempt (the n-th call of
that method to that chat), what Telegram does this time:

* **fail** (share ``fail``): answer 500 without forwarding: the message was not delivered;
* **hold** (share ``hold``): forward (the stand-in accepts the message: delivered), then keep the answer for one
  of ``hold_seconds``; a hold at least ``client_timeout`` long loses the answer (the bot gave up waiting);
* otherwise forward and answer at once.

Everything else (``getMe``, ``getUpdates``, ``setMyCommands`` ...) passes through untouched. Because decisions
depend on (chat, attempt) and not on the order requests arrive in, a run with the same seed meets the same
faults however the bot interleaves its chats. Every decision is kept in ``records``. Only 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes import SENDING

ERROR_500 = b'{"ok":false,"error_code":500,"description":"Internal Server Error"}'


@dataclass
class Faulted:
    method: str
    chat_id: int
    attempt: int  # 0 for the first call of that method to that chat
    decision: str  # "ok", "fail", "hold"
    held: float = 0.0
    answer_lost: bool = False  # held at least as long as the client waits: delivered, but the bot cannot know


class FaultProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream_base_url: str, seed: int, fail: float = 0.0, hold: float = 0.0,
                 hold_seconds: tuple[float, ...] = (20.0,), client_timeout: float = 30.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        parts = urlsplit(upstream_base_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.seed, self.fail, self.hold = seed, fail, hold
        self.hold_seconds, self.client_timeout = hold_seconds, client_timeout
        self.records: list[Faulted] = []
        self.lock = threading.Lock()
        self._attempts: Counter[tuple[str, int]] = Counter()
        self._closing = threading.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/bot"

    def __enter__(self) -> FaultProxy:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self.shutdown()
        self.server_close()

    def handle_error(self, request, client_address) -> None:
        """A client that gave up waiting closed its connection: that is the point of a hold."""

    def decide(self, method: str, chat_id: int) -> Faulted:
        with self.lock:
            attempt = self._attempts[(method, chat_id)]
            self._attempts[(method, chat_id)] += 1
        draw = random.Random(f"{self.seed}:{method}:{chat_id}:{attempt}")
        x = draw.random()
        if x < self.fail:
            return Faulted(method, chat_id, attempt, "fail")
        if x < self.fail + self.hold:
            held = draw.choice(self.hold_seconds)
            return Faulted(method, chat_id, attempt, "hold", held, held >= self.client_timeout)
        return Faulted(method, chat_id, attempt, "ok")

    def forward(self, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            connection.request("POST", path, body, {"Content-Type": content_type})
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    def wait(self, seconds: float) -> None:
        self._closing.wait(seconds)

    # -- what tests look at --------------------------------------------------------------------
    def of(self, decision: str) -> list[Faulted]:
        with self.lock:
            return [r for r in self.records if r.decision == decision]

    def lost_answers(self, chat_id: int | None = None) -> int:
        with self.lock:
            return sum(1 for r in self.records if r.answer_lost and (chat_id is None or r.chat_id == chat_id))


def _chat_of(body: bytes, content_type: str) -> int | None:
    """The chat id of a JSON or multipart request (what the bot sends), without parsing the whole body."""
    value: Any
    if "json" in content_type:
        try:
            value = json.loads(body or b"{}").get("chat_id")
        except ValueError:
            return None
    elif "multipart" in content_type:
        found = re.search(rb'name="chat_id"\r\n(?:[^\r\n]+\r\n)*\r\n(-?\d+)', body)
        value = found.group(1).decode() if found else None
    else:  # application/x-www-form-urlencoded, as python-telegram-bot posts
        value = (parse_qs(body.decode(errors="replace")).get("chat_id") or [None])[0]
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        proxy: FaultProxy = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type") or ""
        method = self.path.partition("?")[0].rsplit("/", 1)[-1]
        chat_id = _chat_of(body, content_type) if method in SENDING else None
        fault = proxy.decide(method, chat_id) if chat_id is not None else None
        if fault is not None:
            with proxy.lock:
                proxy.records.append(fault)
        if fault is not None and fault.decision == "fail":
            self._answer(500, ERROR_500)
            return
        status, payload = proxy.forward(self.path, body, content_type)
        if fault is not None and fault.decision == "hold":
            fault.answer_lost = fault.answer_lost and status == 200  # a refusal delivered nothing
            proxy.wait(fault.held)
        self._answer(status, payload)

    do_GET = do_POST

    def _answer(self, status: int, payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the bot stopped waiting
            self.close_connection = True

    def log_message(self, *args: Any) -> None:
        return None
