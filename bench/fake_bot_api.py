"""A fake Telegram Bot API on 127.0.0.1 for benchmarks: real bot processes poll it over HTTP.

- Several bots (one per token) share one server; updates are queued per token and handed out by
  long-polling ``getUpdates`` (``offset`` acknowledges, like Telegram).
- Every call is recorded with its arrival time (``time.monotonic``), so a benchmark can measure how long
  a reply took after the update was queued.
- ``limits=True`` enforces Telegram's sending limits per bot: 30 messages/s overall, 20/min per group,
  about 1/s per private chat (two messages closer than 0.9 s), answering 429 with ``retry_after``.
  A refused message is not delivered (and counted in ``rejected``). With ``limits=False`` nothing is
  limited, not even by the stand-in (a bare echo bot has no rate limiter: it is measured at its fastest).
- :meth:`burst` queues many messages at one moment: the bot's next ``getUpdates`` takes them all.

Answers come from :class:`tests.fakes.bot_api.OfflineBotAPI` (the project's strict stand-in, one per bot), so they
are shaped like Telegram's and refused like Telegram's (unknown chats, bad HTML, its own rate windows:
those 429s are counted in ``rejected`` too; with ``limits=True`` only). Chats a bot may write to are
registered with :meth:`know`; a message or button press queued for a chat registers it.
"""

from __future__ import annotations

import email.parser
import itertools
import json
import math
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.fakes import OfflineBotAPI

SENDING = ("sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage")


@dataclass
class Call:
    token: str
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    result: Any = None


class FakeBotAPI(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, limits: bool = False) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.limits = limits
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.calls: list[Call] = []
        self.apis: dict[str, OfflineBotAPI] = {}
        self.updates: dict[str, deque[dict]] = defaultdict(deque)
        self.update_ids = itertools.count(1)
        self.message_ids = itertools.count(1)
        self.rejected = 0
        self.polling: set[str] = set()  # tokens that polled (their first getUpdates is recorded)
        self._overall: dict[str, deque[float]] = defaultdict(deque)
        self._group: dict[tuple[str, int], deque[float]] = defaultdict(deque)
        self._private: dict[tuple[str, int], float] = {}
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    # -- life --------------------------------------------------------------------------------------
    def __enter__(self) -> FakeBotAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()

    def handle_error(self, request, client_address) -> None:
        """A bot that stops while long-polling hangs up: not worth a traceback."""
        return None

    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/bot"

    # -- feeding -----------------------------------------------------------------------------------
    def api(self, token: str) -> OfflineBotAPI:
        with self.lock:
            if token not in self.apis:
                self.apis[token] = OfflineBotAPI() if self.limits else _Unlimited()
            return self.apis[token]

    def know(self, token: str, chat_ids) -> None:
        """Chats the bot may write to (people who started it, groups it was added to), as on Telegram."""
        api = self.api(token)
        with self.lock:
            for chat_id in chat_ids:
                api.register_chat(chat_id)

    def message(self, token: str, text: str, user_id: int, chat_id: int | None = None) -> float:
        """Queue a message update for the bot ``token``; returns the moment it was queued."""
        chat_id = user_id if chat_id is None else chat_id
        self.know(token, [chat_id])
        chat = {"id": chat_id, "type": "private", "first_name": "Pengguna"} if chat_id > 0 else \
            {"id": chat_id, "type": "supergroup", "title": f"Grup {-chat_id}"}
        msg: dict[str, Any] = {"message_id": next(self.message_ids), "date": int(time.time()), "chat": chat,
                               "from": {"id": user_id, "is_bot": False, "first_name": "Pengguna"}, "text": text}
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._queue(token, {"message": msg})

    def burst(self, token: str, messages: list[tuple[str, int]]) -> list[float]:
        """Queue ``(text, user_id)`` messages at one moment; the moments each was queued."""
        with self.changed:  # held throughout: a polling bot sees all of them or none
            return [self.message(token, text, user_id) for text, user_id in messages]

    def press(self, token: str, message: dict, data: str, user_id: int) -> float:
        self.know(token, [message["chat"]["id"]])
        query_id = str(next(self.message_ids))
        with self.lock:
            self.api(token).open_queries.add(query_id)  # a query Telegram issued: it may be answered once
        query = {"id": query_id, "from": {"id": user_id, "is_bot": False, "first_name": "Pengguna"},
                 "chat_instance": "bench", "data": data, "message": message}
        return self._queue(token, {"callback_query": query})

    def _queue(self, token: str, body: dict) -> float:
        with self.changed:
            body["update_id"] = next(self.update_ids)
            self.updates[token].append(body)
            self.changed.notify_all()
            return time.monotonic()

    # -- looking -----------------------------------------------------------------------------------
    def sent(self, token: str | None = None, chat_id: int | None = None, since: int = 0) -> list[Call]:
        with self.lock:
            calls = self.calls[since:]
        return [c for c in calls if c.method in SENDING and c.status == 200 and (token is None or c.token == token)
                and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)]

    def button(self, token: str, chat_id: int, label: str, since: int = 0) -> tuple[dict, str]:
        """(message, callback data) of the newest message or edit to ``chat_id`` with a button ``label``."""
        with self.lock:
            calls = [c for c in self.calls[since:] if c.token == token and c.status == 200
                     and c.method in ("sendMessage", "editMessageText")]
        for call in reversed(calls):
            markup = call.params.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                for b in row:
                    if label in b.get("text", ""):
                        message = call.result if isinstance(call.result, dict) else {
                            "message_id": int(call.params.get("message_id", 1)), "date": int(time.time()),
                            "chat": {"id": chat_id, "type": "private", "first_name": "Pengguna"}, "text": ""}
                        return message, b["callback_data"]
        raise LookupError(f"no button {label!r} in chat {chat_id}")

    def wait_for(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    # -- limits ------------------------------------------------------------------------------------
    def _refuse(self, token: str, chat_id: int, now: float) -> float:
        """0 when the message may go; else the retry_after Telegram would answer (seconds)."""
        overall = self._overall[token]
        while overall and overall[0] <= now - 1.0:
            overall.popleft()
        waits = []
        if len(overall) >= 30:
            waits.append(overall[0] + 1.0 - now)
        if chat_id < 0:
            group = self._group[(token, chat_id)]
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= 20:
                waits.append(group[0] + 60.0 - now)
        else:
            last = self._private.get((token, chat_id))
            if last is not None and now - last < 0.9:
                waits.append(1.0 - (now - last))
        if waits:
            return max(waits)
        overall.append(now)
        if chat_id < 0:
            self._group[(token, chat_id)].append(now)
        else:
            self._private[(token, chat_id)] = now
        return 0.0


class _Unlimited(OfflineBotAPI):
    """The strict stand-in without Telegram's sending limits (``limits=False``)."""

    def _check_rate(self, chat_id: int) -> None:
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: headers and body are two writes; without it the body waited ~40 ms for the bot's delayed ACK
    disable_nagle_algorithm = True

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        server: FakeBotAPI = self.server  # type: ignore[assignment]
        token, method = self.path.split("/bot", 1)[1].split("/", 1)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params = _params(self.headers.get("Content-Type") or "", body)
        if method == "getUpdates":
            with server.changed:
                if token not in server.polling:
                    server.polling.add(token)
                    server.calls.append(Call(token, method, params, time.monotonic()))
                    server.changed.notify_all()
            self._reply(200, {"ok": True, "result": self._get_updates(server, token, params)})
            return
        now = time.monotonic()
        with server.changed:
            if server.limits and method in SENDING:
                wait = server._refuse(token, int(params.get("chat_id", 0)), now)
                if wait > 0:
                    server.rejected += 1
                    server.calls.append(Call(token, method, params, now, 429))
                    server.changed.notify_all()
                    retry = max(1, math.ceil(wait))
                    self._reply(429, {"ok": False, "error_code": 429,
                                      "description": f"Too Many Requests: retry after {retry}",
                                      "parameters": {"retry_after": retry}})
                    return
            api = server.api(token)
            status, body = api.handle(method, params, {})  # the project's strict stand-in answers
            if status == 429 and method in SENDING:
                server.rejected += 1
            server.calls.append(Call(token, method, params, now, status, body.get("result")))
            server.changed.notify_all()
        self._reply(status, body)

    def _get_updates(self, server: FakeBotAPI, token: str, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        with server.changed:
            queue = server.updates[token]
            while True:
                while queue and queue[0]["update_id"] < offset:
                    queue.popleft()
                if queue or time.monotonic() >= deadline:
                    return list(itertools.islice(queue, 0, 100))
                server.changed.wait(max(deadline - time.monotonic(), 0.0))

    def _reply(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        return None


def _params(content_type: str, body: bytes) -> dict[str, Any]:
    if "json" in content_type:
        raw = json.loads(body or b"{}")
    elif "multipart" in content_type:
        message = email.parser.BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        raw = {}
        for part in message.get_payload():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                raw[name] = f"<file {len(part.get_payload(decode=True) or b'')} bytes>"
            else:
                raw[name] = (part.get_payload(decode=True) or b"").decode()
    else:
        raw = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    out = {}
    for key, value in raw.items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        out[key] = value
    return out
