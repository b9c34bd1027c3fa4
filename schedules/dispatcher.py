"""Send what is due from the ledger, once.

Each run **claims** due rows in one short transaction: a conditional UPDATE that flips
``pending`` to ``claimed`` for this worker (with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two
running copies of the bot never take the same row; SQLite serialises writers). Then, row by row, it
builds the message from the database as it is *now* (a region that finished meanwhile is skipped),
sends it, and records the Telegram message id in a second transaction.

Crash policy (the one unavoidable gap): a row stays ``claimed`` if the process dies after claiming.
After ``lease`` (default 5 minutes) any dispatcher may claim it again. So a crash *before* sending
loses nothing, and a crash *between* a successful send and its commit sends that one reminder a
second time. We prefer a rare duplicate to a lost reminder before a deadline.

Rows that fell due while the bot was down are sent if their deadline has not passed (only the
newest reminder of an event per chat, the older ones are ``superseded``); rows past their deadline
are folded into one "terlewat" summary per chat, never a burst.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session

from bot.clock import Clock
from bot.db import session_scope
from bot.i18n import translator
from bot.language import reader_language
from bot.models import Event, Reminder, ReminderStatus
from bot.render import Reply
from bot.render import reminders as render
from bot.settings import Settings
from bot.subscriptions import deactivate_chat, migrate_chat
from schedules import ledger
from schedules.content import EscalationView, NoticeView, reminder_view
from schedules.delivery import Outcome, Sender, SendResult, in_parallel
from schedules.planner import ESCALATE, NOTICES
from schedules.recipients import chat_zone

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(minutes=30))


@dataclass
class Report:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    superseded: int = 0
    missed: int = 0
    failed: int = 0
    retried: int = 0
    blocked_chats: list[int] = field(default_factory=list)


class Dispatcher:
    def __init__(self, engine: Engine, clock: Clock, settings: Callable[[], Settings], sender: Sender,
                 worker_id: str | None = None, lease: timedelta = timedelta(minutes=5), batch: int = 200,
                 checkpoint: Callable[[str, int], None] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.engine = engine
        self.clock = clock
        self.settings = settings
        self.sender = sender
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease = lease
        self.batch = batch
        self.checkpoint = checkpoint or (lambda _step, _row: None)
        self.sleep = sleep

    # -- claiming -----------------------------------------------------------------------------
    def claim(self) -> list[int]:
        return ledger.claim(self.engine, Reminder, self.clock.now(), self.lease, self.worker_id, self.batch)

    def _mine(self, session: Session, ids: list[int]) -> list[Reminder]:
        return list(session.scalars(select(Reminder).where(
            Reminder.id.in_(ids), Reminder.claimed_by == self.worker_id,
            Reminder.status == ReminderStatus.CLAIMED.value,
        ).order_by(Reminder.chat_id, Reminder.due_at, Reminder.id)))

    def _finish(self, ids: list[int], status: ReminderStatus, **values) -> None:
        ledger.finish(self.engine, Reminder, ids, self.worker_id, status, **values)

    # -- one run --------------------------------------------------------------------------------
    async def run_once(self) -> Report:
        report = Report()
        self.checkpoint("before_claim", 0)  # a stopping process claims nothing more
        ids = self.claim()
        report.claimed = len(ids)
        if not ids:
            return report
        now = self.clock.now()
        with session_scope(self.engine) as session:
            rows = self._mine(session, ids)
            by_chat: dict[int, list[Reminder]] = defaultdict(list)
            for row in rows:
                by_chat[row.chat_id].append(row)

        async def one_chat(chat_id: int, chat_rows: list[Reminder]) -> None:
            late = [r for r in chat_rows if r.deadline_at <= now]
            live = [r for r in chat_rows if r.deadline_at > now]
            for row, older in self._collapse(live):
                self._finish([o.id for o in older], ReminderStatus.SUPERSEDED)
                report.superseded += len(older)
                await self._deliver(row, report)
            if late:
                await self._deliver_missed(chat_id, late, report)

        # different chats in parallel (the shared limiter paces them), one chat's rows in order
        await in_parallel(one_chat(chat_id, chat_rows) for chat_id, chat_rows in by_chat.items())
        return report

    async def run_until_idle(self, max_rounds: int = 100) -> Report:
        """Dispatch repeatedly until nothing due is left (a backlog larger than one batch)."""
        total = Report()
        for _ in range(max_rounds):
            report = await self.run_once()
            for name in ("claimed", "sent", "skipped", "superseded", "missed", "failed", "retried"):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            total.blocked_chats += report.blocked_chats
            if report.claimed < self.batch:
                break
        return total

    @staticmethod
    def _collapse(rows: list[Reminder]) -> list[tuple[Reminder, list[Reminder]]]:
        """Per event, only the newest plain reminder goes out; notices and escalations always do."""
        out: list[tuple[Reminder, list[Reminder]]] = []
        plain: dict[int, list[Reminder]] = defaultdict(list)
        for row in rows:
            if row.offset_key in NOTICES or row.offset_key == ESCALATE:
                out.append((row, []))
            else:
                plain[row.event_id].append(row)
        for group in plain.values():
            group.sort(key=lambda r: (r.due_at, r.id))
            out.append((group[-1], group[:-1]))
        return out

    def _compose(self, row_id: int) -> tuple[Reminder, Reply | None]:
        settings = self.settings()
        with session_scope(self.engine) as session:
            row = session.get(Reminder, row_id)
            t = translator(reader_language(session, row.chat_id, settings.locale))
            event = session.get(Event, row.event_id)
            view = reminder_view(session, self.clock, row, event, settings.cycle)
            session.expunge_all()
        if view is None:
            return row, None
        if isinstance(view, NoticeView):
            return row, render.notice(t, view)
        if isinstance(view, EscalationView):
            return row, render.escalation(t, view)
        return row, render.reminder(t, view)

    async def _send(self, chat_id: int, reply: Reply) -> tuple[SendResult, int]:
        result = await self.sender.send(chat_id, reply)
        if result.outcome is Outcome.MIGRATED and result.new_chat_id:
            with session_scope(self.engine) as session:
                migrate_chat(session, chat_id, result.new_chat_id)
            chat_id = result.new_chat_id
            result = await self.sender.send(chat_id, reply)
        return result, chat_id

    async def _deliver(self, row: Reminder, report: Report) -> None:
        row, reply = self._compose(row.id)
        if reply is None:
            self._finish([row.id], ReminderStatus.SKIPPED)
            report.skipped += 1
            return
        self.checkpoint("before_send", row.id)
        result, chat_id = await self._send(row.chat_id, reply)
        self.checkpoint("after_send", row.id)
        self._record(row, [row.id], result, chat_id, report)
        self.checkpoint("after_commit", row.id)

    async def _deliver_missed(self, chat_id: int, rows: list[Reminder], report: Report) -> None:
        settings = self.settings()
        with session_scope(self.engine) as session:
            events = {}
            for row in rows:
                events.setdefault(row.event_id, session.get(Event, row.event_id))
            zone = chat_zone(session, chat_id, settings.timezone)
            session.expunge_all()
        reply = render.missed(translator(settings.locale), list(events.values()), zone)
        result, new_chat = await self._send(chat_id, reply)
        self._record(rows[0], [r.id for r in rows], result, new_chat, report, success=ReminderStatus.MISSED)

    def _record(self, row: Reminder, ids: list[int], result: SendResult, chat_id: int, report: Report,
                success: ReminderStatus = ReminderStatus.SENT) -> None:
        now = self.clock.now()
        if result.outcome is Outcome.SENT:
            self._finish(ids, success, sent_at=now, message_id=result.message_id, chat_id=chat_id)
            if success is ReminderStatus.MISSED:
                report.missed += len(ids)
            else:
                report.sent += len(ids)
            return
        if result.outcome is Outcome.BLOCKED:
            with session_scope(self.engine) as session:
                deactivate_chat(session, chat_id)
            report.blocked_chats.append(chat_id)
            log.warning("chat %s blocked the bot or is gone: subscriptions deactivated", chat_id)
        if result.outcome in (Outcome.TRANSIENT, Outcome.RETRY_AFTER, Outcome.MIGRATED):
            attempts = row.attempts + 1
            wait = timedelta(seconds=result.retry_after) if result.outcome is Outcome.RETRY_AFTER else backoff(attempts)
            if attempts < MAX_ATTEMPTS and (success is ReminderStatus.MISSED or now + wait < row.deadline_at):
                ledger.release(self.engine, Reminder, ids, self.worker_id, now + wait, attempts, result.error)
                report.retried += len(ids)
                return
        self._finish(ids, ReminderStatus.FAILED, last_error=(result.error or result.outcome.value)[:500],
                     attempts=row.attempts + 1)
        report.failed += len(ids)
