"""The HTTP side of ``pantau-ham run``: Telegram's webhook calls and ``/healthz``.

Who may send updates: only a request carrying the webhook's secret in ``X-Telegram-Bot-Api-Secret-Token``
(compared in constant time). The secret is checked on the headers, before a byte of the body is read: a
request without it is answered 403 and its connection closed, whatever size it announces. Bodies are capped
at 1 MiB (Telegram's updates are a few KiB); a larger one is answered 413 without being read. An
authenticated body that is not an update (``[]``, ``null``, ``"x"``, nesting deeper than the JSON reader
goes) is answered 400 and logged in one line.

``/healthz`` on the public (webhook) port says only ``{"status": "ok"}`` or ``{"status": "fail"}`` (200 or
503); the details (version, mode, queue counts, times) are served on ``PANTAU_HEALTH_PORT``, which is not
meant to be published.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Bot, Update
from telegram.ext import Application

from bot.core.liveness import Health

log = logging.getLogger("pantau_ham.webhook")

MAX_BODY = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class BadUpdate(ValueError):
    """An authenticated body that is no update."""


def parse_update(body: bytes, bot: Bot) -> Update:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadUpdate("not JSON (or nested too deeply)") from None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        raise BadUpdate(f"not an update object (a JSON {type(data).__name__})")
    try:
        return Update.de_json(data, bot)
    except Exception as exc:  # noqa: BLE001 - any shape PTB cannot read is a bad request, not a crash
        raise BadUpdate(f"not an update ({type(exc).__name__})") from None


class _Quiet:
    """One log line per reason and 10 s at most, with the number left out, so a flood cannot fill the log."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self.last: dict[str, float] = {}
        self.skipped: dict[str, int] = {}

    def warning(self, key: str, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self.last.get(key, -self.every) < self.every:
            self.skipped[key] = self.skipped.get(key, 0) + 1
            return
        self.last[key] = now
        more = self.skipped.pop(key, 0)
        log.warning(message + (f" (and {more} more since the last line)" if more else ""), *args)


_quiet = _Quiet()


@tornado.web.stream_request_body
class UpdatesHandler(tornado.web.RequestHandler):
    """What Telegram POSTs: the secret checked on the headers, the body capped, the update queued."""

    def initialize(self, bot_app: Application, secret: str) -> None:
        self.bot_app, self.secret = bot_app, secret.encode()
        self.body = bytearray()
        self.refused = False

    def _refuse(self, status: int) -> None:
        self.refused = True
        self.set_status(status)
        self.set_header("Connection", "close")
        self.finish()

    def prepare(self) -> None:
        if self.request.method != "POST":
            return
        given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self.secret):
            _quiet.warning("secret", "webhook: refused a request without the right secret from %s",
                           self.request.remote_ip)
            self._refuse(403)
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY:
            _quiet.warning("size", "webhook: refused a body of %s bytes (at most %d)", length, MAX_BODY)
            self._refuse(413)

    def data_received(self, chunk: bytes) -> None:
        if self.refused:
            return
        if len(self.body) + len(chunk) > MAX_BODY:
            _quiet.warning("size", "webhook: refused a body over %d bytes", MAX_BODY)
            self._refuse(413)
            return
        self.body += chunk

    async def post(self) -> None:
        if self.refused:
            return
        try:
            update = parse_update(bytes(self.body), self.bot_app.bot)
        except BadUpdate as exc:
            _quiet.warning("body", "webhook: refused a body that is no update: %s", exc)
            self.set_status(400)
            return
        await self.bot_app.update_queue.put(update)
        self.set_status(200)


class HealthHandler(tornado.web.RequestHandler):
    """``/healthz``: the details, or (on the public port) only the status."""

    def initialize(self, state: Callable[[], Health], detail: bool) -> None:
        self.state, self.detail = state, detail

    async def get(self) -> None:
        state = await asyncio.get_running_loop().run_in_executor(None, self.state)
        answer = state.as_json()
        self.set_status(200 if state.ok else 503)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(answer if self.detail else {"status": answer["status"]}))


def webhook_path(url: str) -> str:
    """``https://host/pantau/`` -> ``/pantau``; ``https://host`` -> ``/``."""
    path = urlsplit(url).path.rstrip("/")
    return path or "/"


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log, kept for failures of the server itself (the handlers log their refusals; a 503
    from /healthz is an answer, not a failure)."""
    if handler.get_status() >= 500 and not isinstance(handler, HealthHandler):
        log.warning("%d %s", handler.get_status(), handler._request_summary())


def public_app(bot_app: Application, path: str, secret: str, state: Callable[[], Health]) -> tornado.web.Application:
    pattern = "/" if path == "/" else re.escape(path) + "/?"
    return tornado.web.Application([
        (r"/healthz/?", HealthHandler, {"state": state, "detail": False}),
        (pattern, UpdatesHandler, {"bot_app": bot_app, "secret": secret}),
    ], log_function=_log_request)


def health_app(state: Callable[[], Health]) -> tornado.web.Application:
    return tornado.web.Application([(r"/healthz/?", HealthHandler, {"state": state, "detail": True})],
                                   log_function=_log_request)


def listen(app: tornado.web.Application, port: int, address: str) -> tornado.httpserver.HTTPServer:
    server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY, idle_connection_timeout=60, body_timeout=30)
    server.listen(port, address)
    return server
