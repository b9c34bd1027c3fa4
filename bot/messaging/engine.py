"""The one delivery engine: everything the bot sends on its own (reminders, broadcasts and their delivery
reports, weekly digests) goes out through it. What it delivers comes from **sources** (``reminders.py`` for
the reminder ledger, ``outbox.py`` for the outbox; what a source is: ``source.py``); the engine does the rest
the same way for all:

- **Claim** (``ledger.py``): due rows, a chat at a time, at most ``batch`` rows held by this copy and
  ``PER_CHAT`` of one chat, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL.
- **A continuous pipeline with a queue per chat**: each chat's rows go out in order, different chats in
  parallel. While it sends, it claims again whenever rows are settled, when poked (something new was queued)
  and at least every ``LOOK_AGAIN`` seconds, so a chat that may receive 1 message a second (or a group 20 a
  minute) never holds up the others, and a reply never waits behind a whole batch.
- **At most ``MAX_IN_FLIGHT`` messages in flight**, from the moment one is handed to Telegram until its outcome
  is recorded: about one second of Telegram's 30 a second, so replies to people are never starved of
  rate-limit slots. A chat waits for its own limits *before* it takes a place. When an answer does not come
  (Telegram hanging), the cap halves (not below ``MIN_IN_FLIGHT``) and grows back by one with each answer.
- **Outcomes**: sent (message id recorded); 429 (try again after ``retry_after``); not delivered (5xx, no
  connection: again after ``retry_seconds``, doubling, at most 30 minutes, ``MAX_ATTEMPTS`` in all); no answer
  (a timeout after the request went out: it may have arrived, so never again in the same breath: one doubling
  later, and for a reminder only while still useful); 403 or unknown chat (the chat's subscriptions are
  deactivated, its other queued rows fail); a group that became a supergroup (followed, sent there).

**Crash policy** (the one unavoidable gap): a row is ``claimed`` until its outcome is committed. A copy that
dies leaves its rows claimed; they are given back at once (``bot/core/liveness.py``), at the latest after ``lease``.
So a crash before sending loses nothing, and a crash between Telegram accepting a message and its commit
sends that message again: a kill doubles at most the messages in flight, at most ``MAX_IN_FLIGHT``. We prefer
a rare duplicate to a lost reminder before a deadline.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlmodel import col

from bot.core.clock import Clock
from bot.core.db import session_scope
from bot.core.models import Outbox, Reminder, ReminderStatus
from bot.core.settings import Settings
from bot.domain.subscriptions import deactivate_chat, migrate_chat
from bot.messaging import ledger
from bot.messaging.delivery import Outcome, Photo, Report, Sender, SendResult
from bot.messaging.outbox import OutboxSource
from bot.messaging.reminders import ReminderSource
from bot.messaging.source import MAX_ATTEMPTS, Item, Job, Source, Stopping, backoff
from bot.render import Reply

__all__ = ["MAX_IN_FLIGHT", "DeliveryEngine", "InFlight", "Stopping", "backoff"]

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 30  # messages between hand-over to Telegram and their recorded outcome, per copy
MIN_IN_FLIGHT = 2
MAX_HELD = 200  # rows claimed and not yet settled, per copy
LOOK_AGAIN = 1.0  # seconds: while sending, look for rows that fell due at least this often
RETRY = (Outcome.TRANSIENT, Outcome.RETRY_AFTER, Outcome.MIGRATED, Outcome.UNSURE)


class InFlight:
    """At most ``limit`` messages in flight; ``limit`` halves when an answer does not come, grows back with
    each answer, never above ``cap``."""

    def __init__(self, cap: int, limit: int | None = None) -> None:
        self.cap, self.limit = cap, min(limit or cap, cap)
        self.count = self.peak = 0
        self._free = asyncio.Condition()

    async def __aenter__(self) -> None:
        async with self._free:
            await self._free.wait_for(lambda: self.count < self.limit)
            self.count += 1
            self.peak = max(self.peak, self.count)

    async def __aexit__(self, *exc: object) -> None:
        async with self._free:
            self.count -= 1
            self._free.notify_all()

    def observed(self, outcome: Outcome) -> None:
        if outcome is Outcome.UNSURE:
            self.limit = max(MIN_IN_FLIGHT, self.limit // 2)
        elif outcome is not Outcome.TRANSIENT:
            self.limit = min(self.cap, self.limit + 1)


class DeliveryEngine:
    def __init__(self, engine: Engine, clock: Clock, settings: Callable[[], Settings], sender: Sender,
                 worker_id: str | None = None, lease: timedelta = timedelta(minutes=5), batch: int = MAX_HELD,
                 checkpoint: Callable[[str, int], None] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, in_flight: int = MAX_IN_FLIGHT,
                 sources: Iterable[Source] | None = None) -> None:
        self.engine, self.clock, self.settings, self.sender = engine, clock, settings, sender
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease, self.batch, self.in_flight, self.sleep = lease, batch, in_flight, sleep
        self.checkpoint = checkpoint or (lambda _step, _row: None)
        self.sources: tuple[Source, ...] = tuple(sources or (ReminderSource(), OutboxSource()))
        self.report = Report()
        self.memo: dict[object, object] = {}  # what one run looks up once (a broadcast's chart)
        self.peak_in_flight = 0
        self._limit = in_flight
        self._queues: dict[int, deque[Job]] = {}
        self._held = 0
        self._stopped = self._poked = False
        self._changed: asyncio.Event | None = None

    # -- running ----------------------------------------------------------------------------------
    async def run_once(self) -> Report:
        """Claim once and deliver what was claimed."""
        return await self._run(max_rounds=1)

    async def run_until_idle(self, max_rounds: int = 100_000) -> Report:
        """Deliver continuously, claiming as room frees up, until nothing due is left."""
        return await self._run(max_rounds=max_rounds)

    def poke(self) -> None:
        """Something new may be due: claim now (a no-op when not running)."""
        self._poked = True
        if self._changed is not None:
            self._changed.set()

    def _time_to_claim(self, last: float) -> bool:
        """Claim when poked, when idle, when a quarter of the room is free, or a second after the last claim: not
        after every message (a claim looks at every due row)."""
        return (self._poked or not self._queues or self.batch - self._held >= max(1, self.batch // 4)
                or time.monotonic() - last >= LOOK_AGAIN)

    async def _run(self, max_rounds: int) -> Report:
        self.report, self.memo = Report(), {}
        self._queues, self._held, self._stopped = {}, 0, False
        self._changed = changed = asyncio.Event()
        self._gate = InFlight(self.in_flight, self._limit)
        rounds, last = 0, 0.0
        try:
            async with asyncio.TaskGroup() as group:
                while True:
                    try:
                        self.checkpoint("before_claim", 0)  # a stopping process claims nothing more
                    except Stopping:
                        self._stopped = True
                    if self._stopped:
                        break
                    changed.clear()
                    claimed = 0
                    if rounds < max_rounds and self._time_to_claim(last):
                        self._poked, last = False, time.monotonic()
                        claimed = self._claim_round(group)
                        rounds += 1 if claimed else 0
                    if max_rounds == 1 or not (claimed or self._queues):
                        break
                    try:
                        await asyncio.wait_for(changed.wait(), LOOK_AGAIN)
                    except TimeoutError:
                        pass
        except BaseExceptionGroup as errors:  # a chat's failure (the process dying, in tests) as itself
            raise errors.exceptions[0] from None
        finally:
            self._changed = None
            self._limit = self._gate.limit
            self.peak_in_flight = max(self.peak_in_flight, self._gate.peak)
        if self._stopped:
            raise Stopping
        return self.report

    def _claim_round(self, group: asyncio.TaskGroup) -> int:
        now, claimed = self.clock.now(), 0
        for source in self.sources:
            ids = ledger.claim(self.engine, source.model, now, self.lease, self.worker_id, self.batch - self._held,
                               source.per_chat, source.rank)
            if not ids:
                continue
            claimed += len(ids)
            self.report.claimed += len(ids)
            self._held += len(ids)
            by_chat: dict[int, list[Reminder | Outbox]] = defaultdict(list)
            for row in self._mine(source, ids):
                by_chat[row.chat_id].append(row)
            for chat_id, rows in by_chat.items():
                jobs = source.jobs(self, chat_id, rows)
                if chat_id in self._queues:  # already sending to that chat (rows of the other table)
                    self._queues[chat_id].extend(jobs)
                else:
                    self._queues[chat_id] = deque(jobs)
                    group.create_task(self._chat(chat_id))
        return claimed

    def _mine(self, source: Source, ids: list[int]) -> list[Reminder | Outbox]:
        """The claimed rows, in the order they go out (per chat)."""
        model = source.model
        by_time = (col(model.due_at), col(model.id))
        order = by_time if source.rank is None else (source.rank, *by_time)
        with session_scope(self.engine) as session:
            rows: list[Reminder | Outbox] = list(session.scalars(select(model).where(
                col(model.id).in_(ids), col(model.claimed_by) == self.worker_id,
                col(model.status) == ReminderStatus.CLAIMED.value,
            ).order_by(*order)))
            session.expunge_all()
        return rows

    # -- one chat --------------------------------------------------------------------------------------
    async def _chat(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue and not self._stopped:
                job = queue.popleft()
                try:
                    outcome = await self._job(job)
                finally:
                    self._held -= len(job.ids)
                    self._wake()
                if outcome is Outcome.BLOCKED:
                    self._fail_rest(queue)
        except Stopping:
            self._stopped = True
        finally:
            del self._queues[chat_id]
            self._wake()

    def _wake(self) -> None:
        """Rows were settled or a chat's queue ended: the run loop looks again (a no-op when not running)."""
        if self._changed is not None:
            self._changed.set()

    async def _job(self, job: Job) -> Outcome | None:
        item = job.make()
        if item is None:
            return None
        ready = getattr(self.sender, "ready", None)
        if ready is not None:
            await ready(item.chat_id)  # the chat's own limits, before it takes a place in flight
        async with self._gate:
            self.checkpoint("before_send", item.row.id)
            result, chat_id = await self._send(item)
            self.checkpoint("after_send", item.row.id)
            # nothing awaited from here to the commit: the outcome is recorded as soon as it is known
            self._gate.observed(result.outcome)
            self._record(item, result, chat_id)
            self.checkpoint("after_commit", item.row.id)
        return result.outcome

    async def _send(self, item: Item) -> tuple[SendResult, int]:
        chat_id = item.chat_id
        result = await self._send_parts(chat_id, item.parts)
        for again in (True, False):  # a group that became a supergroup: followed, and a second go there
            if result.outcome is not Outcome.MIGRATED or not result.new_chat_id:
                break
            with session_scope(self.engine) as session:
                migrate_chat(session, chat_id, result.new_chat_id)
            chat_id = result.new_chat_id
            if again:
                result = await self._send_parts(chat_id, item.parts)
        return result, chat_id

    async def _send_parts(self, chat_id: int, parts: list[Reply | Photo]) -> SendResult:
        result = SendResult(Outcome.SENT)
        for part in parts:
            if isinstance(part, Photo):
                result = await self.sender.send_photo(chat_id, part.png, part.caption)
            else:
                result = await self.sender.send(chat_id, part)
            if result.outcome is not Outcome.SENT:
                break
        return result

    # -- outcomes -----------------------------------------------------------------------------------------
    def finish(self, source: Source, ids: list[int], status: ReminderStatus, **values: object) -> int:
        return ledger.finish(self.engine, source.model, ids, self.worker_id, status, **values)

    def _record(self, item: Item, result: SendResult, chat_id: int) -> None:
        report, now, n = self.report, self.clock.now(), len(item.ids)
        if result.outcome is Outcome.SENT:
            self.finish(item.source, item.ids, item.success, sent_at=now, message_id=result.message_id,
                        chat_id=chat_id)
            if item.success is ReminderStatus.MISSED:
                report.missed += n
            else:
                report.sent += n
            if item.report_of is not None:
                report.reports.append(item.report_of)
        elif result.outcome is Outcome.BLOCKED:
            with session_scope(self.engine) as session:
                deactivate_chat(session, chat_id)
                item.source.blocked(self, session, item, chat_id)
            self.finish(item.source, item.ids, ReminderStatus.FAILED, last_error=f"blocked: {result.error or ''}"[:500])
            report.failed += n
            report.blocked_chats.append(chat_id)
            log.warning("chat %s blocked the bot or is gone: subscriptions deactivated", chat_id)
        elif not self._retry(item, result, now):
            return
        item.source.settled(self, item)

    def _retry(self, item: Item, result: SendResult, now: datetime) -> bool:
        """Give the rows back for another try, or settle them; True when they were settled."""
        attempts, n = item.row.attempts + 1, len(item.ids)
        error = (result.error or result.outcome.value)[:500]
        if result.outcome is Outcome.UNSURE:
            self.report.unsure += 1
        if result.outcome in RETRY and attempts < MAX_ATTEMPTS:
            base = self.settings().retry_seconds
            if result.outcome is Outcome.RETRY_AFTER:
                wait = timedelta(seconds=result.retry_after)
            elif result.outcome is Outcome.UNSURE:  # it may have arrived: not again in the same breath
                wait = backoff(attempts + 1, base)
            else:
                wait = backoff(attempts, base)
            verdict = item.source.give_up(self, item, now + wait)
            if verdict is None:
                ledger.release(self.engine, item.source.model, item.ids, self.worker_id, now + wait, attempts, error)
                self.report.retried += n
                return False
            self.finish(item.source, item.ids, verdict, last_error=error, attempts=attempts)
            if verdict is ReminderStatus.SUPERSEDED:
                self.report.superseded += n
                return True
        else:
            self.finish(item.source, item.ids, ReminderStatus.FAILED, last_error=error, attempts=attempts)
        self.report.failed += n
        return True

    def _fail_rest(self, queue: deque[Job]) -> None:
        """The chat blocked the bot: its other queued rows would be refused as well."""
        while queue:
            job = queue.popleft()
            self.report.failed += self.finish(job.source, job.ids, ReminderStatus.FAILED,
                                              last_error="blocked: an earlier message to this chat was refused")
            self._held -= len(job.ids)
