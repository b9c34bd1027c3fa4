"""The ticker: python-telegram-bot's JobQueue (APScheduler) only says "now"; the database decides.

Nothing is stored in the scheduler: every tick the dispatcher sends what the ledger says is due,
and every ``REPLAN_EVERY`` ticks (and once at start) the planner re-syncs the ledger with the
calendar. Losing the process loses nothing.
"""

from __future__ import annotations

import logging

from telegram.ext import Application, ContextTypes

from bot.runtime import Runtime
from schedules.dispatcher import Dispatcher
from schedules.planner import sync_all
from schedules.telegram_sender import TelegramSender

log = logging.getLogger(__name__)

REPLAN_EVERY = 20  # ticks: 10 minutes at the default 30 s


def plan_now(runtime: Runtime) -> int:
    with runtime.session() as session:
        return sync_all(session, runtime.clock, runtime.settings)


def make_dispatcher(application: Application) -> Dispatcher:
    rt: Runtime = application.bot_data["runtime"]
    return Dispatcher(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(application.bot))


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    data = context.application.bot_data
    rt: Runtime = data["runtime"]
    data["ticks"] = data.get("ticks", 0) + 1
    if data["ticks"] % REPLAN_EVERY == 0:
        plan_now(rt)
    report = await data["dispatcher"].run_until_idle()
    if report.claimed:
        log.info("dispatch: %s", report)


async def start_ticking(application: Application) -> None:
    """Called from post_init: plan once, then tick."""
    rt: Runtime = application.bot_data["runtime"]
    application.bot_data["dispatcher"] = make_dispatcher(application)
    added = plan_now(rt)
    log.info("planned %d new reminders", added)
    application.job_queue.run_repeating(tick, interval=rt.settings.tick_seconds, first=1, name="pantau-ham-tick")
