"""The outbox as the delivery engine sends it (``engine.py``): broadcasts, their delivery reports,
weekly digests, one row per Telegram message, each sent once.

A broadcast row is the chart with the text as its caption when the text fits one, else the chart (captioned
with the title) and the text as two rows. When a chat refuses the bot (403), the rest of that broadcast for
it fails at once. When every row of a broadcast has settled, its sender's delivery report (queued at Kirim,
due at its deadline) is due at once; a report that falls due while rows are still being retried says which,
and a final one follows when they settle.
"""

from __future__ import annotations

import html
from datetime import datetime
from functools import partial

from sqlalchemy import and_, case, or_, update
from sqlmodel import Session, col

from bot.core.db import session_scope
from bot.core.i18n import translator
from bot.core.ids import key_of
from bot.core.models import Broadcast, Outbox, ReminderStatus
from bot.core.telegram_text import fits_caption
from bot.domain.language import reader_language
from bot.messaging import broadcasts
from bot.messaging.broadcasts import report_of
from bot.messaging.buttons import reply_of
from bot.messaging.delivery import Photo
from bot.messaging.source import EngineHandle, Item, Job
from bot.reference import provinces
from bot.render import Reply, plain_text
from bot.render.broadcast import delivery_report
from bot.views.broadcast import is_chart_row, report

__all__ = ["OutboxSource"]


class OutboxSource:
    model = Outbox
    # a few at a time, so that a sender's delivery report (or the answer to Kirim) overtakes a long run of
    # digests to the same person: it comes within a few seconds of the last outcome
    per_chat = 3
    rank = case((or_(col(Outbox.key).like("report:%"), col(Outbox.key).like("kirim:%")), 0), else_=1)

    def jobs(self, engine: EngineHandle, chat_id: int, rows: list[Outbox]) -> list[Job]:
        return [Job(self, [key_of(row)], partial(self._item, engine, row)) for row in rows]

    def _item(self, engine: EngineHandle, row: Outbox) -> Item | None:
        broadcast_id = report_of(row.key)
        if broadcast_id is not None:
            return self._report(engine, row, broadcast_id)
        chart = self._chart(engine, row.broadcast_id) if row.with_chart and row.broadcast_id else None
        title = html.escape(plain_text(row.text.split("\n", 1)[0])[:1000], quote=False)
        parts: list[Reply | Photo]
        if chart and is_chart_row(row):  # one row, one message: the chart alone, captioned with the title
            parts = [Photo(chart, html.escape(plain_text(row.text)[:1000], quote=False))]
        elif chart and fits_caption(row.text):  # one row, one message: the chart with the text as its caption
            parts = [Photo(chart, row.text)]
        elif chart:  # a row queued before charts had rows of their own: photo and text
            parts = [Photo(chart, title), Reply(row.text)]
        else:
            parts = [reply_of(row.text, row.buttons)]  # with its buttons, when it was queued with some
        return Item(self, row, [key_of(row)], parts)

    @staticmethod
    def _chart(engine: EngineHandle, broadcast_id: int) -> bytes | None:
        key = ("chart", broadcast_id)
        if key not in engine.memo:
            with session_scope(engine.engine) as session:
                broadcast = session.get(Broadcast, broadcast_id)
                engine.memo[key] = broadcast.chart if broadcast else None
        chart = engine.memo[key]
        return chart if isinstance(chart, bytes) else None

    def _report(self, engine: EngineHandle, row: Outbox, broadcast_id: int) -> Item | None:
        """Composed when it is sent: final when every message has settled, else an interim one naming what
        is still pending (and the final one is queued to follow)."""
        settings = engine.settings()
        with session_scope(engine.engine) as session:
            found = report(session, broadcast_id)
            if found is None:
                engine.report.skipped += engine.finish(self, [key_of(row)], ReminderStatus.SKIPPED)
                return None
            delivery, final = found
            t = translator(reader_language(session, row.chat_id, settings.locale))
            province = provinces()[delivery.broadcast.province_code].name
            text = delivery_report(t, delivery, province).text
            if final:
                broadcasts.reported(session, engine.clock, broadcast_id, row.key)
            else:
                broadcasts.follow_up(session, engine.clock, broadcast_id, row.chat_id)
            session.execute(update(Outbox).where(col(Outbox.id) == row.id).values(text=text)
                            .execution_options(synchronize_session=False))
        return Item(self, row, [key_of(row)], [Reply(text)], report_of=broadcast_id if final else None)

    def give_up(self, engine: EngineHandle, item: Item, retry_at: datetime) -> ReminderStatus | None:
        return None

    def blocked(self, engine: EngineHandle, session: Session, item: Item, chat_id: int) -> None:
        row: Outbox = item.row
        if row.broadcast_id:  # the rest of this broadcast for that chat would be refused as well
            session.execute(update(Outbox).where(
                col(Outbox.broadcast_id) == row.broadcast_id, col(Outbox.chat_id) == row.chat_id,
                col(Outbox.id) != row.id,
                or_(col(Outbox.status) == ReminderStatus.PENDING.value,
                    and_(col(Outbox.status) == ReminderStatus.CLAIMED.value,
                         col(Outbox.claimed_by) == engine.worker_id)),
            ).values(status=ReminderStatus.FAILED.value, last_error="blocked: an earlier message was refused")
                .execution_options(synchronize_session=False))

    def settled(self, engine: EngineHandle, item: Item) -> None:
        row: Outbox = item.row
        if row.broadcast_id:
            with session_scope(engine.engine) as session:
                if broadcasts.settle(session, engine.clock, row.broadcast_id):
                    engine.poke()

