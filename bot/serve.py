"""``pantau-ham run``: the Application's life, by hand instead of ``run_polling``/``run_webhook``, so that

- the webhook listens on the path of ``PANTAU_WEBHOOK_URL`` (``https://host/pantau`` -> ``/pantau``) and
  serves ``/healthz`` beside it; in polling mode ``/healthz`` is on ``PANTAU_HEALTH_PORT`` when set;
- a second poller on the same token (Telegram answers 409 Conflict) stops with a clear message instead of
  fighting the first one;
- SIGTERM stops within 10 s even when Telegram does not answer: sending stops at the next row, rows still
  claimed are given back, the worker says it is gone;
- a heartbeat tells other copies that this one is alive (``bot/liveness.py``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import sys
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import Application, TypeHandler
from telegram.request import HTTPXRequest

from bot import liveness
from bot.app import build_application
from bot.i18n import Translator
from bot.logs import describe_update
from bot.runtime import Runtime

log = logging.getLogger("pantau_ham.serve")

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
HEARTBEAT_SECONDS = 5
STOP_BUDGET = 7.0  # seconds for stopping the Application; the rest of the 10 s is for the database
CONFLICT_GRACE = 60.0  # a 409 this soon after start means another copy was polling first: this one leaves
EXIT_CONFLICT = 3


@dataclass
class Vitals:
    started: datetime
    last_telegram: datetime | None = None
    mode: str = "polling"
    conflict: bool = False
    conflict_logged: bool = False


class TrackingRequest(HTTPXRequest):
    """The network, noting the time of the last successful Bot API call (for /healthz)."""

    def __init__(self, vitals: Vitals, clock, **kwargs) -> None:
        super().__init__(**kwargs)
        self.vitals, self.clock = vitals, clock

    async def do_request(self, *args, **kwargs):
        code, payload = await super().do_request(*args, **kwargs)
        if code == 200:
            self.vitals.last_telegram = self.clock.now()
        return code, payload


async def _log_update(update: object, _context) -> None:
    info = describe_update(update)
    log.info("update %s", info.get("command", "-"), extra=info)


def health_of(application: Application) -> liveness.Health:
    rt: Runtime = application.bot_data["runtime"]
    vitals: Vitals = application.bot_data["vitals"]
    return liveness.health(rt.engine, rt.clock, vitals.started, application.bot_data.get("last_tick_at"),
                           vitals.last_telegram, rt.settings.tick_seconds, vitals.mode)


class _Health(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application) -> None:
        self.application_ = bot_app

    async def get(self) -> None:
        state = await asyncio.get_running_loop().run_in_executor(None, health_of, self.application_)
        self.set_status(200 if state.ok else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(state.as_json()))


class _Updates(tornado.web.RequestHandler):
    """What Telegram POSTs to the webhook: checked against the secret, queued for the Application."""

    def initialize(self, bot_app: Application, secret: str | None) -> None:
        self.application_, self.secret = bot_app, secret

    async def post(self) -> None:
        if self.secret and self.request.headers.get("X-Telegram-Bot-Api-Secret-Token") != self.secret:
            self.set_status(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.application_.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        await self.application_.update_queue.put(update)
        self.set_status(200)


def webhook_path(url: str) -> str:
    """``https://host/pantau/`` -> ``/pantau``; ``https://host`` -> ``/``."""
    path = urlsplit(url).path.rstrip("/")
    return path or "/"


def http_app(application: Application, updates_path: str | None, secret: str | None) -> tornado.web.Application:
    routes: list = [(r"/healthz/?", _Health, {"bot_app": application})]
    if updates_path is not None:
        pattern = "/" if updates_path == "/" else re.escape(updates_path) + "/?"
        routes.append((pattern, _Updates, {"bot_app": application, "secret": secret}))
    return tornado.web.Application(routes)


async def _until(stop: asyncio.Event, coro) -> bool:
    """Run ``coro`` unless ``stop`` is set first; True when it finished."""
    task = asyncio.ensure_future(coro)
    waiter = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        task.result()
        return True
    task.cancel()
    return False


async def _start_telegram(application: Application, stop: asyncio.Event) -> bool:
    """initialize() (getMe) and post_init, retried while Telegram does not answer."""
    delay = 1.0
    while not stop.is_set():
        try:
            if await _until(stop, application.initialize()):
                if application.post_init and not await _until(stop, application.post_init(application)):
                    return False
                return True
            return False
        except InvalidToken:
            raise
        except TelegramError as exc:
            log.warning("Telegram is not reachable (%s); trying again in %.0f s", exc, delay)
            await _until(stop, asyncio.sleep(delay))
            delay = min(delay * 2, 30)
    return False


async def _heartbeat(application: Application, worker_id: str, stop: asyncio.Event) -> None:
    rt: Runtime = application.bot_data["runtime"]
    vitals: Vitals = application.bot_data["vitals"]
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        try:
            await loop.run_in_executor(None, liveness.beat, rt.engine, rt.clock, worker_id,
                                       application.bot_data.get("last_tick_at"), vitals.last_telegram)
            released = await loop.run_in_executor(None, liveness.reap, rt.engine, rt.clock, worker_id)
            if released:
                log.info("took back %d rows claimed by copies that are gone", released)
        except Exception as exc:  # noqa: BLE001 - the database may be away; the next beat tries again
            log.debug("heartbeat failed: %s", exc)
        try:
            await asyncio.wait_for(stop.wait(), HEARTBEAT_SECONDS)
        except TimeoutError:
            pass


async def serve(runtime: Runtime, t: Translator) -> int:
    settings = runtime.settings
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    vitals = Vitals(started=runtime.clock.now(), mode="webhook" if settings.webhook_url else "polling")
    # the delivery engine holds at most 30 connections (schedules/engine.py, MAX_IN_FLIGHT), even while Telegram
    # hangs; replies to people and getUpdates keep the other 18
    request = TrackingRequest(vitals, runtime.clock, connection_pool_size=48, connect_timeout=5.0,
                              read_timeout=10.0, write_timeout=10.0, pool_timeout=5.0)
    application = build_application(runtime, request=request)
    worker_id = liveness.new_worker_id()
    application.bot_data.update(worker_id=worker_id, stopping=stop, vitals=vitals)
    application.add_handler(TypeHandler(Update, _log_update), group=-100)
    # a 409 is answered here (on_poll_error); PTB's own traceback of it on the way out says nothing more
    logging.getLogger("telegram.ext.Updater").addFilter(
        lambda record: not (record.exc_info and isinstance(record.exc_info[1], Conflict)))

    liveness.register(runtime.engine, runtime.clock, worker_id, vitals.mode)
    released = liveness.reap(runtime.engine, runtime.clock, worker_id)
    if released:
        log.info("took back %d rows claimed by copies that are gone", released)
    heartbeat = asyncio.create_task(_heartbeat(application, worker_id, stop))
    server: tornado.httpserver.HTTPServer | None = None
    code = 0
    try:
        if not await _start_telegram(application, stop):
            return 0
        if settings.webhook_url:
            path = webhook_path(settings.webhook_url)
            server = tornado.httpserver.HTTPServer(http_app(application, path, settings.webhook_secret))
            server.listen(settings.webhook_port, settings.webhook_listen)
            if not await _until(stop, application.bot.set_webhook(
                    settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES)):
                return 0
            await application.start()
            log.info("webhook on %s:%s%s", settings.webhook_listen, settings.webhook_port, path)
        else:
            if settings.health_port:
                server = tornado.httpserver.HTTPServer(http_app(application, None, None))
                server.listen(settings.health_port, settings.webhook_listen)

            def on_poll_error(exc: TelegramError) -> None:
                if isinstance(exc, Conflict):
                    if (runtime.clock.now() - vitals.started).total_seconds() < CONFLICT_GRACE:
                        vitals.conflict = True
                        stop.set()
                    elif not vitals.conflict_logged:
                        vitals.conflict_logged = True
                        log.warning("another copy tried to poll with this token; this one keeps polling")
                    return
                log.warning("getUpdates failed: %s", exc)

            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, error_callback=on_poll_error)
            await application.start()
            log.info("polling Telegram for updates")
        await stop.wait()
    finally:
        stop.set()
        await _stop(application, server)
        heartbeat.cancel()
        try:
            given_back = liveness.stop(runtime.engine, runtime.clock, worker_id)
            if given_back:
                log.info("gave back %d claimed rows on the way out", given_back)
        except Exception as exc:  # noqa: BLE001 - the database may be the reason we stop
            log.warning("could not give back claimed rows (%s); other copies take them after the heartbeat", exc)
        runtime.engine.dispose()
    if vitals.conflict:
        message = t.gettext("Bot lain sudah berjalan dengan token yang sama (Telegram menjawab 409 Conflict). "
                            "Hanya satu salinan boleh memakai long polling; salinan ini berhenti. Untuk beberapa "
                            "salinan, pakai webhook (PANTAU_WEBHOOK_URL).")
        log.error("409 Conflict: another copy is polling with this token; stopping")
        print(message, flush=True, file=sys.stderr)
        code = EXIT_CONFLICT
    return code


async def _stop(application: Application, server: tornado.httpserver.HTTPServer | None) -> None:
    async def steps() -> None:
        if server is not None:
            server.stop()
        if application.updater and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()

    try:
        await asyncio.wait_for(steps(), STOP_BUDGET)
    except TimeoutError:
        log.warning("stopping took longer than %.0f s: leaving the rest, claimed rows are given back", STOP_BUDGET)
    except Exception as exc:  # noqa: BLE001 - the way out must not fail
        log.warning("while stopping: %s", exc)
    if server is not None:
        try:
            await asyncio.wait_for(server.close_all_connections(), 1)
        except (TimeoutError, Exception):  # noqa: BLE001
            pass
