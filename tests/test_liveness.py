"""Heartbeats: the rows of a copy that is gone are taken back at once, those of a living copy never."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

from sqlmodel import select

from bot.core import liveness
from bot.core.models import Reminder, Worker
from bot.domain.subscriptions import subscribe
from bot.reference import regions
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows

HERE = socket.gethostname()[:40]


def _claimed_rows(rt, owners: list[str]) -> None:
    with rt.session() as session:
        now = rt.clock.now()
        event = add(session, rt.clock, rt.settings, parse_line(f"rakor Tapin {now.year + 1}-06-19 09:00 Rakor"), 1)
        for i, _owner in enumerate(owners):
            chat = 7000 + i
            subscribe(session, rt.clock, chat, regions()["63.05"], 1)
            insert_rows(session, event, [Planned(chat, "snooze-live", now, now + timedelta(days=1))])
        for i, row in enumerate(session.exec(select(Reminder).where(Reminder.offset_key == "snooze-live")
                                             .order_by(Reminder.chat_id)).all()):
            row.status, row.claimed_by, row.claimed_at = "claimed", owners[i], now


def _status(rt) -> dict[str, str]:
    with rt.session() as session:
        rows = session.exec(select(Reminder).where(Reminder.offset_key == "snooze-live")).all()
        return {f"{r.chat_id}": r.status for r in rows}


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_rows_of_a_silent_a_stopped_or_a_dead_copy_come_back_and_a_living_copys_stay(runtime):
    me = f"{HERE}:1:mine"
    silent, stopped, dead, alive = "far:11:silent", "far:12:stopped", f"{HERE}:{_dead_pid()}:dead", "far:13:alive"
    for worker in (me, silent, stopped, dead, alive):
        liveness.register(runtime.engine, runtime.clock, worker, "webhook")
    _claimed_rows(runtime, [silent, stopped, dead, alive])
    runtime.clock.advance(timedelta(seconds=10))
    liveness.beat(runtime.engine, runtime.clock, alive, None, None)
    with runtime.session() as session:
        session.get(Worker, stopped).stopped_at = runtime.clock.now()
    # 10 s after the last beat: the silent copy may still be alive; the stopped and the dead one are not
    assert liveness.reap(runtime.engine, runtime.clock, me) == 2
    assert _status(runtime) == {"7000": "claimed", "7001": "pending", "7002": "pending", "7003": "claimed"}
    runtime.clock.advance(timedelta(seconds=10))  # 20 s without a beat: gone
    liveness.beat(runtime.engine, runtime.clock, alive, None, None)
    assert liveness.reap(runtime.engine, runtime.clock, me) == 1
    assert _status(runtime) == {"7000": "pending", "7001": "pending", "7002": "pending", "7003": "claimed"}


def test_a_clean_stop_gives_back_what_it_held(runtime):
    me = f"{HERE}:1:leaving"
    liveness.register(runtime.engine, runtime.clock, me, "polling")
    _claimed_rows(runtime, [me, me])
    assert liveness.stop(runtime.engine, runtime.clock, me) == 2
    assert set(_status(runtime).values()) == {"pending"}
    with runtime.session() as session:
        assert session.get(Worker, me).stopped_at == runtime.clock.now()
