"""``pantau-ham run``: the Application's life, by hand instead of ``run_polling``/``run_webhook``, so that

- the webhook listens on the path of ``PANTAU_WEBHOOK_URL`` (``https://host/pantau`` -> ``/pantau``), never
  without a secret (``PANTAU_WEBHOOK_SECRET``, else one derived from the token), checked before the body is
  read, and serves a bare ``/healthz`` beside it (``bot/ops/webhook.py``); the details are on
  ``PANTAU_HEALTH_PORT``, in both modes;
- in polling mode, of the copies sharing a database exactly one polls and the others stand by (the polling
  lease, ``bot/ops/polling.py``); a copy that is the newcomer on a token another copy polls leaves with a clear
  message (exit code 3);
- SIGTERM stops within 10 s even when Telegram does not answer: sending stops at the next row, rows still
  claimed are given back, the polling lease is released, the worker says it is gone;
- a heartbeat tells other copies that this one is alive (``bot/core/liveness.py``).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import signal
import sys
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import tornado.httpserver
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, TypeHandler
from telegram.request import HTTPXRequest

from bot.core import liveness
from bot.core.clock import Clock
from bot.core.i18n import Translator
from bot.core.logs import describe_update
from bot.core.settings import Settings
from bot.domain.runtime import Runtime
from bot.ops import webhook
from bot.ops.app import build_application
from bot.ops.jobs import write_seen
from bot.ops.polling import ALLOWED_UPDATES, PollingRole

log = logging.getLogger("pantau_ham.serve")

HEARTBEAT_SECONDS = 5
STOP_BUDGET = 7.0  # seconds for leaving the lease and stopping the Application; the rest of 10 s: the database
EXIT_CONFLICT = 3


@dataclass
class Vitals:
    started: datetime
    last_telegram: datetime | None = None
    mode: str = "polling"  # webhook, or (through the polling role) polling / standby
    role: PollingRole | None = None
    serving: bool = False  # Telegram answered and the Application started (webhook set, or the lease looked at)

    @property
    def current_mode(self) -> str:
        """``starting`` until this copy serves (Telegram not reached yet: neither polling nor standing by for
        another copy), then ``webhook``, or ``polling`` / ``standby`` as the polling lease says."""
        if not self.serving:
            return "starting"
        return self.role.mode if self.role is not None else self.mode


class TrackingRequest(HTTPXRequest):
    """The network, noting the time of the last successful Bot API call (for /healthz)."""

    def __init__(self, vitals: Vitals, clock: Clock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vitals, self.clock = vitals, clock

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if code == 200:
            self.vitals.last_telegram = self.clock.now()
        return code, payload


async def _log_update(update: object, _context: object) -> None:
    info = describe_update(update)
    log.info("update %s", info.get("command", "-"), extra=info)


def health_of(application: Application) -> liveness.Health:
    rt: Runtime = application.bot_data["runtime"]
    vitals: Vitals = application.bot_data["vitals"]
    return liveness.health(rt.engine, rt.clock, vitals.started, application.bot_data.get("last_tick_at"),
                           vitals.last_telegram, rt.settings.tick_seconds, vitals.current_mode)


async def _until(stop: asyncio.Event, coro: Awaitable[object]) -> bool:
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
                                       application.bot_data.get("last_tick_at"), vitals.last_telegram,
                                       vitals.current_mode)
            released = await loop.run_in_executor(None, liveness.reap, rt.engine, rt.clock, worker_id)
            if released:
                log.info("took back %d rows claimed by copies that are gone", released)
        except Exception as exc:  # noqa: BLE001 - the database may be away; the next beat tries again
            log.debug("heartbeat failed: %s", exc)
        try:
            await asyncio.wait_for(stop.wait(), HEARTBEAT_SECONDS)
        except TimeoutError:
            pass


def _freeze_start_up() -> None:
    """What start-up built (modules, the reference data of 514 kab/kota, the catalog, Babel's locale data, the
    Application) lives as long as the process. Left to the garbage collector, every full collection walked all of
    it again (130,000 objects, 48-63 ms here) in the middle of somebody's update: a burst of 20 ``/status``
    that met one finished that much later. Frozen (``gc.freeze``), it is never walked (3 ms for what is left);
    collections walk what the updates create. Frozen objects are still freed when nothing refers to them; only a
    reference cycle among them would stay, and start-up builds what lives until the process ends."""
    gc.collect()
    gc.freeze()
    log.debug("start-up objects frozen: %d", gc.get_freeze_count())


def _webhook_secret(settings: Settings) -> str:
    secret = settings.webhook_secret_token
    if secret is None:  # `pantau-ham run` refuses to start without a token, and the secret is derived from it
        raise RuntimeError("a webhook needs PANTAU_WEBHOOK_SECRET or the bot's token")
    if not settings.webhook_secret:
        log.info("webhook secret derived from the token (PANTAU_WEBHOOK_SECRET is not set)")
    elif len(secret) < 16:
        log.warning("PANTAU_WEBHOOK_SECRET is only %d characters long; 32 random characters or more are better",
                    len(secret))
    return secret


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

    liveness.register(runtime.engine, runtime.clock, worker_id, vitals.current_mode)
    released = liveness.reap(runtime.engine, runtime.clock, worker_id)
    if released:
        log.info("took back %d rows claimed by copies that are gone", released)
    role: PollingRole | None = None
    if not settings.webhook_url:
        role = PollingRole(application, runtime, worker_id, stop, t)
        vitals.role = role
    heartbeat = asyncio.create_task(_heartbeat(application, worker_id, stop))
    servers: list[tornado.httpserver.HTTPServer] = []
    tasks: list[asyncio.Task] = []
    try:
        if not await _start_telegram(application, stop):
            return 0
        _freeze_start_up()
        state = functools.partial(health_of, application)
        public_port = settings.webhook_port if settings.webhook_url else None
        if settings.health_port and settings.health_port != public_port:
            servers.append(webhook.listen(webhook.health_app(state), settings.health_port, settings.webhook_listen))
        if settings.webhook_url:
            secret = _webhook_secret(settings)
            path = webhook.webhook_path(settings.webhook_url)
            servers.append(webhook.listen(webhook.public_app(application, path, secret, state),
                                          settings.webhook_port, settings.webhook_listen))
            if not await _until(stop, application.bot.set_webhook(
                    settings.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)):
                return 0
            await application.start()
            vitals.serving = True
            log.info("webhook on %s:%s%s", settings.webhook_listen, settings.webhook_port, path)
        else:
            assert role is not None  # no webhook: this copy competes for polling (made above)
            await application.start()
            tasks.append(asyncio.create_task(role.run(), name="pantau-ham:polling-lease"))
            vitals.serving = True
        await stop.wait()
    finally:
        stop.set()
        leaving = loop.time()
        for task in tasks:
            task.cancel()
        if role is not None:
            try:
                await asyncio.wait_for(role.close(), 2.5)
            except (TimeoutError, Exception) as exc:  # noqa: BLE001 - the way out must not fail
                log.warning("while leaving the polling lease: %s", exc)
        await _stop(application, servers, max(2.0, STOP_BUDGET - (loop.time() - leaving)))
        heartbeat.cancel()
        try:
            write_seen(runtime)  # the last_seen refreshes noted since the last tick
        except Exception as exc:  # noqa: BLE001 - the database may be the reason we stop
            log.info("last_seen refreshes not written on the way out: %s", exc)
        try:
            given_back = liveness.stop(runtime.engine, runtime.clock, worker_id)
            if given_back:
                log.info("gave back %d claimed rows on the way out", given_back)
        except Exception as exc:  # noqa: BLE001 - the database may be the reason we stop
            log.warning("could not give back claimed rows (%s); other copies take them after the heartbeat", exc)
        runtime.engine.dispose()
    if role is not None and role.conflict:
        message = t.gettext("Salinan lain sudah lebih dulu menerima pembaruan Telegram dengan token yang sama, tanpa "
                            "basis data ini (Telegram menjawab 409 Conflict). Salinan ini berhenti. Salinan yang "
                            "memakai basis data yang sama bergantian sendiri; hentikan salinan lain itu atau pakai "
                            "token lain.")
        log.error("409 Conflict: another copy, not on this database, has polled with this token for longer; stopping")
        print(message, flush=True, file=sys.stderr)
        return EXIT_CONFLICT
    return 0


async def _stop(application: Application, servers: list[tornado.httpserver.HTTPServer], budget: float) -> None:
    async def steps() -> None:
        for server in servers:
            server.stop()
        if application.updater and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()

    try:
        await asyncio.wait_for(steps(), budget)
    except TimeoutError:
        log.warning("stopping took longer than %.0f s: leaving the rest, claimed rows are given back", budget)
    except Exception as exc:  # noqa: BLE001 - the way out must not fail
        log.warning("while stopping: %s", exc)
    for server in servers:
        try:
            await asyncio.wait_for(server.close_all_connections(), 1)
        except (TimeoutError, Exception):  # noqa: BLE001
            pass
