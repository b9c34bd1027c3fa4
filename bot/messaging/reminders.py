"""Reminders as the delivery engine sends them (``engine.py``): from the ledger, once.

Each reminder is built from the database as it is *when its turn comes* (a region that finished meanwhile
is skipped). Rows that fell due while the bot was down are sent if their deadline has not passed (only the
newest reminder of an event per chat, the older ones are ``superseded``); rows past their deadline are
folded into one "terlewat" summary per chat, never a burst. A reminder given back for another try is sent
again only while still useful: before its deadline, and unless a newer reminder of the same event to the
same chat falls due first (then it is ``superseded``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlmodel import Session, col

from bot.core.db import session_scope
from bot.core.i18n import translator
from bot.core.ids import key_of
from bot.core.models import Event, Reminder, ReminderStatus
from bot.domain.language import reader_language
from bot.messaging.source import PER_CHAT, EngineHandle, Item, Job
from bot.render import Reply
from bot.render import reminders as render
from bot.views.reminders import EscalationView, NoticeView, reminder_view
from schedules.planner import ESCALATE, NOTICES, policy_from
from schedules.recipients import chat_zone

__all__ = ["ReminderSource"]

def is_plain(row: Reminder) -> bool:
    return row.offset_key not in NOTICES and row.offset_key != ESCALATE


def collapse(rows: list[Reminder]) -> list[tuple[Reminder, list[Reminder]]]:
    """Per event, only the newest plain reminder goes out; notices and escalations always do."""
    out: list[tuple[Reminder, list[Reminder]]] = []
    plain: dict[int, list[Reminder]] = defaultdict(list)
    for row in rows:
        if is_plain(row):
            plain[row.event_id].append(row)
        else:
            out.append((row, []))
    for group in plain.values():
        group.sort(key=lambda r: (r.due_at, r.id))
        out.append((group[-1], group[:-1]))
    return out


class ReminderSource:
    model = Reminder
    per_chat = PER_CHAT  # a chat's due reminders together: collapsed, or folded into one summary
    rank = None

    def jobs(self, engine: EngineHandle, chat_id: int, rows: list[Reminder]) -> list[Job]:
        now = engine.clock.now()
        late = [r for r in rows if r.deadline_at <= now]
        live = [r for r in rows if r.deadline_at > now]
        jobs = [Job(self, [key_of(row)] + [key_of(o) for o in older], partial(self._one, engine, row, older))
                for row, older in collapse(live)]
        if late:
            jobs.append(Job(self, [key_of(r) for r in late], partial(self._missed, engine, chat_id, late)))
        return jobs

    def _one(self, engine: EngineHandle, row: Reminder, older: list[Reminder]) -> Item | None:
        engine.report.superseded += engine.finish(self, [key_of(o) for o in older], ReminderStatus.SUPERSEDED)
        row, reply = self._compose(engine, key_of(row))
        if reply is None:
            engine.report.skipped += engine.finish(self, [key_of(row)], ReminderStatus.SKIPPED)
            return None
        return Item(self, row, [key_of(row)], [reply])

    @staticmethod
    def _compose(engine: EngineHandle, row_id: int) -> tuple[Reminder, Reply | None]:
        settings = engine.settings()
        with session_scope(engine.engine) as session:
            row = session.get(Reminder, row_id)
            assert row is not None  # claimed by this copy; reminders are never deleted
            t = translator(reader_language(session, row.chat_id, settings.locale))
            event = session.get(Event, row.event_id)
            assert event is not None  # the reminder's foreign key
            view = reminder_view(session, engine.clock, row, event, settings.cycle, settings.aksi_actions,
                                 policy=policy_from(settings), admins=settings.admin_ids)
            session.expunge_all()
        if view is None:
            return row, None
        if isinstance(view, NoticeView):
            return row, render.notice(t, view)
        if isinstance(view, EscalationView):
            return row, render.escalation(t, view)
        return row, render.reminder(t, view)

    def _missed(self, engine: EngineHandle, chat_id: int, rows: list[Reminder]) -> Item:
        settings = engine.settings()
        with session_scope(engine.engine) as session:
            events: dict[int, Event] = {}
            for row in rows:
                event = events.get(row.event_id) or session.get(Event, row.event_id)
                assert event is not None  # the reminder's foreign key
                events[row.event_id] = event
            zone = chat_zone(session, chat_id, settings.timezone)
            session.expunge_all()
        reply = render.missed(translator(settings.locale), list(events.values()), zone)
        return Item(self, rows[0], [key_of(r) for r in rows], [reply], success=ReminderStatus.MISSED)

    def give_up(self, engine: EngineHandle, item: Item, retry_at: datetime) -> ReminderStatus | None:
        if item.success is ReminderStatus.MISSED:
            return None
        row: Reminder = item.row
        if retry_at >= row.deadline_at:
            return ReminderStatus.FAILED
        if is_plain(row):
            with session_scope(engine.engine) as session:
                newer = session.scalars(select(col(Reminder.offset_key)).where(
                    col(Reminder.event_id) == row.event_id, col(Reminder.chat_id) == row.chat_id,
                    col(Reminder.id) != row.id, col(Reminder.status) == ReminderStatus.PENDING.value,
                    col(Reminder.due_at) <= retry_at, col(Reminder.deadline_at) > retry_at)).all()
            if any(key not in NOTICES and key != ESCALATE for key in newer):
                return ReminderStatus.SUPERSEDED
        return None

    def blocked(self, engine: EngineHandle, session: Session, item: Item, chat_id: int) -> None:
        return None

    def settled(self, engine: EngineHandle, item: Item) -> None:
        return None

