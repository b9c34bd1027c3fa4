"""The ticker: python-telegram-bot's JobQueue (APScheduler) only says "now"; the database decides.

Nothing is stored in the scheduler: every tick the dispatcher sends what the ledger says is due,
and every ``REPLAN_EVERY`` ticks (and once at start) the planner re-syncs the ledger with the
calendar. Losing the process loses nothing.
"""

from __future__ import annotations

import logging

from telegram.ext import Application, ContextTypes

from bot.i18n import translator
from bot.liveness import release_claims
from bot.outage import is_database_down, outage_of
from bot.render.digest import digest as render_digest
from bot.runtime import Runtime
from schedules.digest import enqueue_due
from schedules.dispatcher import Dispatcher
from schedules.outbox import OutboxDispatcher
from schedules.planner import sync_all
from schedules.telegram_sender import TelegramSender

log = logging.getLogger(__name__)

REPLAN_EVERY = 20  # ticks: 10 minutes at the default 30 s
DIGEST_EVERY = 10  # ticks: the weekly digest is looked at every 5 minutes


def plan_now(runtime: Runtime) -> int:
    with runtime.session() as session:
        return sync_all(session, runtime.clock, runtime.settings)


class Stopping(Exception):
    """The process is shutting down: send nothing more; claimed rows are given back on the way out."""


def make_dispatchers(application: Application) -> tuple[Dispatcher, OutboxDispatcher]:
    rt: Runtime = application.bot_data["runtime"]
    sender = TelegramSender(application.bot)
    worker = application.bot_data.get("worker_id")  # set by bot/serve.py: the heartbeat's id
    stopping = application.bot_data.get("stopping")

    def checkpoint(step: str, _row: int) -> None:
        if step == "before_send" and stopping is not None and stopping.is_set():
            raise Stopping

    return (Dispatcher(rt.engine, rt.clock, lambda: rt.settings, sender, worker_id=worker, checkpoint=checkpoint),
            OutboxDispatcher(rt.engine, rt.clock, lambda: rt.settings, sender, worker_id=worker,
                             checkpoint=checkpoint))


def queue_digests(runtime: Runtime) -> int:
    with runtime.session() as session:
        return enqueue_due(session, runtime.clock, runtime.settings, runtime.thresholds,
                           translator(runtime.settings.locale), render_digest)  # not the last reader's language


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    data = context.application.bot_data
    rt: Runtime = data["runtime"]
    data["ticks"] = data.get("ticks", 0) + 1
    outage = outage_of(data)
    try:
        if outage.down:  # rows this copy held when the database went away are not in flight: take them back
            release_claims(rt.engine, [data["dispatcher"].worker_id, data["outbox"].worker_id])
        if data["ticks"] % REPLAN_EVERY == 0 or outage.down:
            plan_now(rt)
        if data["ticks"] % DIGEST_EVERY == 1:
            queue_digests(rt)
        report = await data["dispatcher"].run_until_idle()
        if report.claimed:
            log.info("reminders: %s", report)
        outbox = await data["outbox"].run_until_idle()
        if outbox.claimed:
            log.info("outbox: %s", outbox)
    except Stopping:
        return
    except Exception as exc:
        if not is_database_down(exc):
            raise
        outage.failed(exc)  # logged once; the next tick tries again and catches up
        return
    outage.ok()
    data["last_tick_at"] = rt.clock.now()


async def start_ticking(application: Application) -> None:
    """Called from post_init: plan once, then tick."""
    rt: Runtime = application.bot_data["runtime"]
    application.bot_data["dispatcher"], application.bot_data["outbox"] = make_dispatchers(application)
    added = plan_now(rt)
    log.info("planned %d new reminders", added)
    application.job_queue.run_repeating(tick, interval=rt.settings.tick_seconds, first=1, name="pantau-ham-tick")
