"""Sending the outbox (broadcasts, weekly digests) once each, with the reminder ledger's guarantees:
claimed with SKIP LOCKED, a lease for dead workers, backoff on network trouble, 403 deactivates the chat.
When every delivery of a broadcast has settled, its sender gets one delivery report."""

from __future__ import annotations

import html
import logging
import os
import socket
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine, and_, or_, update
from sqlmodel import select

from bot.broadcasts import is_chart_row, report
from bot.clock import Clock
from bot.db import session_scope
from bot.i18n import translator
from bot.language import reader_language
from bot.models import Broadcast, Outbox, ReminderStatus
from bot.reference import provinces
from bot.render import Reply, plain_text
from bot.render.broadcast import delivery_report
from bot.settings import Settings
from bot.subscriptions import deactivate_chat, migrate_chat
from bot.telegram_text import fits_caption
from schedules import ledger
from schedules.delivery import Outcome, Sender, SendResult, in_parallel
from schedules.dispatcher import MAX_ATTEMPTS, backoff

log = logging.getLogger(__name__)



@dataclass
class OutboxReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    reports: list[int] = field(default_factory=list)  # broadcasts whose delivery report went out


class OutboxDispatcher:
    def __init__(self, engine: Engine, clock: Clock, settings, sender: Sender, worker_id: str | None = None,
                 lease: timedelta = timedelta(minutes=5), batch: int = 250, checkpoint=None) -> None:
        self.engine, self.clock, self.settings, self.sender = engine, clock, settings, sender
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease, self.batch = lease, batch
        self.checkpoint = checkpoint or (lambda _step, _row: None)

    async def run_once(self) -> OutboxReport:
        """Send one claimed batch: different chats in parallel (the shared limiter paces them), the rows
        of one chat in order."""
        out = OutboxReport()
        self.checkpoint("before_claim", 0)  # a stopping process claims nothing more
        ids = ledger.claim(self.engine, Outbox, self.clock.now(), self.lease, self.worker_id, self.batch)
        out.claimed = len(ids)
        if not ids:
            return out
        with session_scope(self.engine) as session:
            rows = session.exec(select(Outbox).where(Outbox.id.in_(ids)).order_by(Outbox.id)).all()
            charts = {b.id: b.chart for b in session.exec(select(Broadcast).where(
                Broadcast.id.in_({r.broadcast_id for r in rows if r.with_chart and r.broadcast_id})))}
            session.expunge_all()
        by_chat: dict[int, list[Outbox]] = defaultdict(list)
        for row in rows:
            if row.claimed_by == self.worker_id and row.status == ReminderStatus.CLAIMED.value:
                by_chat[row.chat_id].append(row)

        async def one_chat(chat_rows: list[Outbox]) -> None:
            for row in chat_rows:  # in order: a broadcast's chart before its text
                chart = charts.get(row.broadcast_id) if row.with_chart else None
                self.checkpoint("before_send", row.id)
                result, chat_id = await self._send(row, chart)
                self.checkpoint("after_send", row.id)
                self._record(row, result, chat_id, out)
                if result.outcome is Outcome.BLOCKED:
                    break  # the chat's other rows of this run were marked failed with it

        await in_parallel(one_chat(chat_rows) for chat_rows in by_chat.values())
        for broadcast_id in sorted({r.broadcast_id for r in rows if r.broadcast_id}):
            await self._maybe_report(broadcast_id, out)
        return out

    async def run_until_idle(self, max_rounds: int = 100) -> OutboxReport:
        total = OutboxReport()
        for _ in range(max_rounds):
            r = await self.run_once()
            total.claimed += r.claimed
            total.sent += r.sent
            total.failed += r.failed
            total.retried += r.retried
            total.reports += r.reports
            if r.claimed < self.batch and not r.reports:  # a report just queued goes out in the next round
                break
        return total

    async def _send(self, row: Outbox, chart: bytes | None) -> tuple[SendResult, int]:
        chat_id = row.chat_id
        for _ in range(2):  # a second go after a supergroup migration
            result = await self._send_once(chat_id, row, chart)
            if result.outcome is Outcome.MIGRATED and result.new_chat_id:
                with session_scope(self.engine) as session:
                    migrate_chat(session, chat_id, result.new_chat_id)
                chat_id = result.new_chat_id
                continue
            return result, chat_id
        return result, chat_id

    async def _send_once(self, chat_id: int, row: Outbox, chart: bytes | None) -> SendResult:
        if chart and is_chart_row(row):  # one row, one message: the chart alone, captioned with the title
            return await self.sender.send_photo(chat_id, chart, html.escape(plain_text(row.text)[:1000], quote=False))
        if chart and fits_caption(row.text):  # one row, one message: the chart with the text as its caption
            return await self.sender.send_photo(chat_id, chart, row.text)
        if chart:  # a row queued before charts had rows of their own: photo and text
            title = row.text.split("\n", 1)[0]
            result = await self.sender.send_photo(chat_id, chart, html.escape(plain_text(title)[:1000], quote=False))
            if result.outcome is not Outcome.SENT:
                return result
        return await self.sender.send(chat_id, Reply(row.text))

    def _record(self, row: Outbox, result: SendResult, chat_id: int, out: OutboxReport) -> None:
        now = self.clock.now()
        if result.outcome is Outcome.SENT:
            ledger.finish(self.engine, Outbox, [row.id], self.worker_id, ReminderStatus.SENT, sent_at=now,
                          message_id=result.message_id, chat_id=chat_id)
            out.sent += 1
            return
        if result.outcome is Outcome.BLOCKED:
            with session_scope(self.engine) as session:
                deactivate_chat(session, chat_id)
                if row.broadcast_id:  # the rest of this broadcast for that chat would be refused as well
                    session.execute(update(Outbox).where(
                        Outbox.broadcast_id == row.broadcast_id, Outbox.chat_id == row.chat_id, Outbox.id != row.id,
                        or_(Outbox.status == ReminderStatus.PENDING.value,
                            and_(Outbox.status == ReminderStatus.CLAIMED.value, Outbox.claimed_by == self.worker_id)),
                    ).values(status=ReminderStatus.FAILED.value, last_error=f"blocked: {result.error or ''}"[:500])
                        .execution_options(synchronize_session=False))
            ledger.finish(self.engine, Outbox, [row.id], self.worker_id, ReminderStatus.FAILED,
                          last_error=f"blocked: {result.error or ''}"[:500])
            out.failed += 1
            return
        attempts = row.attempts + 1
        if result.outcome in (Outcome.TRANSIENT, Outcome.RETRY_AFTER) and attempts < MAX_ATTEMPTS:
            wait = timedelta(seconds=result.retry_after) if result.outcome is Outcome.RETRY_AFTER else backoff(attempts)
            ledger.release(self.engine, Outbox, [row.id], self.worker_id, now + wait, attempts, result.error)
            out.retried += 1
            return
        ledger.finish(self.engine, Outbox, [row.id], self.worker_id, ReminderStatus.FAILED,
                      last_error=(result.error or result.outcome.value)[:500], attempts=attempts)
        out.failed += 1

    async def _maybe_report(self, broadcast_id: int, out: OutboxReport) -> None:
        """Once every delivery has settled, the sender's report is queued as an outbox row of its own, in
        the transaction that marks the broadcast reported: a crash can neither lose it nor queue it twice."""
        with session_scope(self.engine) as session:
            delivery, final = report(session, broadcast_id)
            if not final or delivery.broadcast.created_by is None:
                return
            claimed = session.execute(
                update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.reported_at.is_(None))
                .values(reported_at=self.clock.now()).execution_options(synchronize_session=False)
            ).rowcount
            if not claimed:
                return
            creator = delivery.broadcast.created_by
            province = provinces()[delivery.broadcast.province_code].name
            settings: Settings = self.settings()
            locale = reader_language(session, creator, settings.locale)
            reply = delivery_report(translator(locale), delivery, province)
            ledger.enqueue(session, [dict(key=f"report:{broadcast_id}", chat_id=creator, broadcast_id=None,
                                          text=reply.text, with_chart=False, due_at=self.clock.now())])
        out.reports.append(broadcast_id)
