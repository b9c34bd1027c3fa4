"""The timers: python-telegram-bot's JobQueue (APScheduler) only says "now"; the database decides.

Nothing is stored in the scheduler; losing the process loses nothing.

- **Dispatch**: the one delivery engine (``schedules/engine.py``) runs when the next row of the reminder
  ledger or the outbox falls due: after each run the timer looks up the earliest pending ``due_at`` and sets
  a one-off job for that moment (at most ``tick_seconds`` ahead, so rows written by another process are
  seen too). While it runs, the engine claims newly due rows itself (a long broadcast never holds up a
  reminder). A commit that adds or moves rows in this process (``schedules/wakeup.py``) brings the job
  forward to now, or pokes the running engine. So a reminder leaves within moments of falling due.
- **The tick** (every ``tick_seconds``) plans incrementally (``schedules/incremental.py``) in a worker
  thread, so the event loop keeps answering, queues the PIC's messages of review sittings that are over
  (``bot/messaging/review.py``), and now and then the weekly digests and the staf's daily verification line.
  It also writes the ``last_seen`` refreshes the gate noted (``bot/domain/last_seen.py``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import select
from telegram.ext import Application, ContextTypes, Job

from bot.core import wakeup
from bot.core.i18n import translator
from bot.core.liveness import release_claims
from bot.core.models import Outbox, Reminder, ReminderStatus
from bot.core.outage import is_database_down, outage_of
from bot.domain.runtime import Runtime
from bot.messaging.digest import enqueue_due
from bot.messaging.engine import DeliveryEngine, Stopping
from bot.messaging.review import enqueue_notices, enqueue_queue_lines
from bot.render.digest import digest as render_digest
from bot.telegram.sender import TelegramSender
from schedules.incremental import IncrementalPlanner, plan_now

__all__ = ["DispatchTimer", "Stopping", "make_engine", "start_ticking", "tick", "write_seen"]

log = logging.getLogger(__name__)

DIGEST_EVERY = 10  # ticks: the weekly digest is looked at every 5 minutes


def make_engine(application: Application) -> DeliveryEngine:
    rt: Runtime = application.bot_data["runtime"]
    worker = application.bot_data.get("worker_id")  # set by bot/ops/serve.py: the heartbeat's id
    stopping = application.bot_data.get("stopping")

    def checkpoint(step: str, _row: int) -> None:
        if step in ("before_claim", "before_send") and stopping is not None and stopping.is_set():
            raise Stopping

    return DeliveryEngine(rt.engine, rt.clock, lambda: rt.settings, TelegramSender(application.bot),
                          worker_id=worker, checkpoint=checkpoint)


def queue_digests(runtime: Runtime) -> int:
    with runtime.session() as session:
        return enqueue_due(session, runtime.clock, runtime.settings, runtime.thresholds,
                           translator(runtime.settings.locale), render_digest)  # not the last reader's language


def write_seen(runtime: Runtime) -> int:
    """The ``last_seen`` refreshes noted since the last tick (``bot/domain/last_seen.py``), in one statement."""
    if not len(runtime.seen_later):
        return 0
    with runtime.session() as session:
        return runtime.seen_later.write(session)


def queue_reviews(runtime: Runtime, daily_lines: bool) -> int:
    """The PIC's messages of review sittings that are over; with ``daily_lines``, the staf's daily line."""
    t = translator(runtime.settings.locale)
    with runtime.session() as session:
        queued = enqueue_notices(session, runtime.clock, runtime.settings, t)
        if daily_lines:
            queued += enqueue_queue_lines(session, runtime.clock, runtime.settings, t)
    return queued


def next_due(runtime: Runtime) -> datetime | None:
    """The earliest pending row of the ledger and the outbox (indexed look-ups)."""
    with runtime.session() as session:
        due: list[datetime | None] = [  # MIN of no rows is NULL
            session.exec(select(func.min(model.due_at)).where(model.status == ReminderStatus.PENDING.value)).one()
            for model in (Reminder, Outbox)]
    return min((d for d in due if d is not None), default=None)


class DispatchTimer:
    """One-off jobs at the next due moment of the delivery engine's tables; never two runs at once."""

    def __init__(self, application: Application, key: str = "engine") -> None:
        self.application = application
        self.key = key
        self.runtime: Runtime = application.bot_data["runtime"]
        self.job: Job | None = None
        self.running = False
        self.again = False
        self.loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        wakeup.listen(self.wake)
        self.schedule(0.0)

    def stop(self) -> None:
        wakeup.forget(self.wake)

    def wake(self) -> None:
        """Something new may be due; callable from any thread."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self.running:
            self.again = True
            self.application.bot_data[self.key].poke()  # it claims what is new while it runs
        else:
            self.schedule(0.0)

    def schedule(self, delay: float) -> None:
        queue = self.application.job_queue
        if queue is None:
            return
        when = datetime.now().astimezone() + timedelta(seconds=delay)
        if self.job is not None and not self.job.removed:
            try:
                planned = self.job.next_t
            except AttributeError:  # the scheduler has not started yet: the job waits, due at once
                return
            if planned is not None and planned <= when:
                return
            try:
                self.job.schedule_removal()
            except LookupError:  # it has just run
                pass
        self.job = queue.run_once(self.run, when=max(delay, 0.0), name=f"pantau-ham-{self.key}")

    async def run(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.job = None
        if self.running:
            self.again = True
            return
        self.running = True
        engine: DeliveryEngine = self.application.bot_data[self.key]
        stopping = False
        try:
            while True:
                self.again = False
                outage = outage_of(self.application.bot_data)
                try:
                    if outage.down:  # rows this copy held when the database went away: take them back first
                        await asyncio.to_thread(release_claims, engine.engine, [engine.worker_id])
                    report = await engine.run_until_idle()
                except Stopping:
                    stopping = True
                    return
                except Exception as exc:
                    if not is_database_down(exc):
                        raise
                    outage.failed(exc)  # the tick catches up
                    return
                outage.ok()  # it answered: logged once if it had been away
                if report.claimed:
                    log.info("%s: %s", self.key, report)
                if not self.again:
                    break
        finally:
            self.running = False
            if not stopping:
                self.schedule(self._delay())

    def _delay(self) -> float:
        cap = float(self.runtime.settings.tick_seconds)
        try:
            due = next_due(self.runtime)
        except Exception as exc:
            if not is_database_down(exc):
                raise
            return cap  # the database is away: look again at the next tick's pace
        if due is None:
            return cap
        return min(max((due - self.runtime.clock.now()).total_seconds(), 0.0), cap)


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    data = context.application.bot_data
    rt: Runtime = data["runtime"]
    data["ticks"] = data.get("ticks", 0) + 1
    outage = outage_of(data)
    try:
        if outage.down:  # rows this copy held when the database went away are not in flight: take them back
            release_claims(rt.engine, [data["engine"].worker_id])
        report = await asyncio.to_thread(plan_now, rt, data["planner"])
        if report.planned:
            log.info("planned %d events, %d new reminders%s", report.planned, report.added,
                     " (everything)" if report.full else "")
        if data["ticks"] % DIGEST_EVERY == 1:
            await asyncio.to_thread(queue_digests, rt)
        await asyncio.to_thread(queue_reviews, rt, data["ticks"] % DIGEST_EVERY == 1)
        await asyncio.to_thread(write_seen, rt)
    except Exception as exc:
        if not is_database_down(exc):
            raise
        outage.failed(exc)  # logged once; the next tick tries again and catches up
        return
    outage.ok()
    data["last_tick_at"] = rt.clock.now()
    for timer in data["timers"]:
        timer.schedule(0.0)  # rows another process wrote, leases that ran out, what an outage held back


async def start_ticking(application: Application) -> None:
    """Called from post_init: plan once (off the event loop), then tick and dispatch."""
    rt: Runtime = application.bot_data["runtime"]
    application.bot_data["engine"] = make_engine(application)
    application.bot_data["planner"] = planner = IncrementalPlanner()
    report = await asyncio.to_thread(plan_now, rt, planner)
    log.info("planned %d new reminders", report.added)
    timers = application.bot_data["timers"] = [DispatchTimer(application)]
    for timer in timers:
        timer.start()
    if application.job_queue is not None:
        application.job_queue.run_repeating(tick, interval=rt.settings.tick_seconds, first=rt.settings.tick_seconds,
                                            name="pantau-ham-tick")
