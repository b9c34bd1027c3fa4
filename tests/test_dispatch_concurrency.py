"""Two dispatchers at once, each in its own thread and connection pool: no duplicates, no losses."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from bot.core.clock import FixedClock
from bot.core.db import make_engine
from bot.core.models import Reminder, Subscription
from bot.domain.runtime import Runtime
from bot.messaging.delivery import Outcome, SendResult
from bot.messaging.engine import DeliveryEngine
from bot.reference import regions
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows
from tests.conftest import make_settings

NOW = datetime(2025, 6, 10, 1, 0, tzinfo=UTC)


class SlowSender:
    """Records every send; yields to the loop so claims and sends interleave."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def for_worker(self, name: str):
        outer = self

        class _Sender:
            async def send(self, chat_id, reply):
                await asyncio.sleep(0.0005)
                with outer.lock:
                    outer.sent.append((name, chat_id))
                return SendResult(Outcome.SENT, message_id=len(outer.sent))

        return _Sender()


def run_two_dispatchers(url: str, count: int) -> None:
    settings = make_settings(url, admin_ids=frozenset())
    rt = Runtime.start(settings, FixedClock(NOW))
    codes = sorted(regions())
    with rt.session() as session:
        event = add(session, rt.clock, settings, parse_line("rakor nasional 2025-06-20 09:00 Rakor nasional"), None)
        session.add_all(Subscription(chat_id=10_000 + i, target_code=codes[i % len(codes)], created_at=NOW)
                        for i in range(count))
        session.flush()
        insert_rows(session, event, [Planned(10_000 + i, "1d", NOW - timedelta(minutes=1), NOW + timedelta(days=5))
                                     for i in range(count)])
    rt.engine.dispose()
    sender = SlowSender()

    def worker(name: str) -> None:
        own = Runtime(settings, make_engine(url), FixedClock(NOW))  # migrated already
        dispatcher = DeliveryEngine(own.engine, own.clock, lambda: settings, sender.for_worker(name),
                                worker_id=name, batch=25)
        asyncio.run(dispatcher.run_until_idle(max_rounds=1000))
        own.engine.dispose()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    per_chat = Counter(chat for _w, chat in sender.sent)
    assert len(per_chat) == count, "lost reminders"
    assert max(per_chat.values()) == 1, "duplicates"
    workers = Counter(w for w, _chat in sender.sent)
    assert workers["a"] > 0 and workers["b"] > 0, workers
    check = make_engine(url)
    with Session(check) as session:
        by_status = dict(session.exec(select(Reminder.status, func.count()).group_by(Reminder.status)).all())
    check.dispose()
    assert by_status == {"sent": count}


def test_two_dispatchers_on_postgresql_send_1000_exactly_once(pg_url):
    run_two_dispatchers(pg_url, 1000)


def test_two_dispatchers_on_sqlite_send_200_exactly_once(sqlite_url):
    run_two_dispatchers(sqlite_url, 200)
