"""Heartbeats: the rows of a copy that is gone are taken back at once, those of a living copy never."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
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


def _elsewhere(rt, *workers: str, machine: str = "another-boot/4026532999") -> None:
    """These copies registered themselves on another machine, or in another container (pid namespace)."""
    with rt.session() as session:
        for worker in workers:
            session.get(Worker, worker).machine = machine


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_rows_of_a_silent_a_stopped_or_a_dead_copy_come_back_and_a_living_copys_stay(runtime):
    me = f"{HERE}:1:mine"
    silent, stopped, dead, alive = "far:11:silent", "far:12:stopped", f"{HERE}:{_dead_pid()}:dead", "far:13:alive"
    for worker in (me, silent, stopped, dead, alive):
        liveness.register(runtime.engine, runtime.clock, worker, "webhook")
    _elsewhere(runtime, silent, stopped, alive)
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


def test_a_copy_in_another_container_on_this_host_is_judged_by_its_heartbeat_only(runtime):
    """Containers with host networking share the hostname and are each pid 1: a pid says nothing across them."""
    import os

    me = f"{HERE}:{os.getpid()}:mine"
    twin, other = f"{HERE}:{os.getpid()}:twin", f"{HERE}:{_dead_pid()}:other"  # same name, same or absent pid
    restarted = f"{HERE}:{os.getpid()}:before"  # this very container before its restart: same namespace
    for worker in (me, twin, other, restarted):
        liveness.register(runtime.engine, runtime.clock, worker, "webhook")
    boot = liveness.this_machine().partition("/")[0]
    _elsewhere(runtime, twin, other, machine=f"{boot}/4026532999")  # same boot, another pid namespace
    _claimed_rows(runtime, [twin, other, restarted])
    runtime.clock.advance(timedelta(seconds=10))
    liveness.beat(runtime.engine, runtime.clock, twin, None, None)
    liveness.beat(runtime.engine, runtime.clock, other, None, None)
    assert liveness.known_dead(runtime.engine, [twin, other]) == set()
    assert liveness.reap(runtime.engine, runtime.clock, me) == 1  # only the restarted container's own past
    assert _status(runtime) == {"7000": "claimed", "7001": "claimed", "7002": "pending"}
    runtime.clock.advance(timedelta(seconds=20))  # silent for 20 s: gone, wherever they ran
    assert liveness.reap(runtime.engine, runtime.clock, me) == 2
    assert set(_status(runtime).values()) == {"pending"}


CONTAINER = """
import sys
from bot.core import liveness
from bot.core.clock import SystemClock
from bot.core.db import make_engine
engine, clock = make_engine(sys.argv[1]), SystemClock()
me = liveness.new_worker_id()
liveness.register(engine, clock, me, "webhook")
print(me, liveness.this_machine(), *liveness.dead_workers(engine, clock, me))
"""


@pytest.mark.slow
def test_two_pid_namespaces_sharing_a_hostname_never_take_each_others_rows(runtime, sqlite_url):
    """Two real processes, each pid 1 in its own pid namespace (``unshare``, as two containers are)."""
    import shutil

    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare here")
    for prefix in ([unshare, "--pid", "--fork"], [unshare, "--user", "--map-root-user", "--pid", "--fork"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            break
    else:
        pytest.skip("no pid namespaces for this user")
    first, second = (subprocess.run([*prefix, sys.executable, "-c", CONTAINER, sqlite_url], capture_output=True,
                                    text=True, timeout=120) for _ in range(2))
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    first_id, first_machine = first.stdout.split()
    second_id, second_machine, *dead_for_second = second.stdout.split()
    assert first_id.split(":")[:2] == second_id.split(":")[:2] == [HERE, "1"]  # same hostname, both pid 1
    assert first_machine != second_machine != liveness.this_machine()
    assert first_machine.partition("/")[0] == liveness.this_machine().partition("/")[0]  # one boot
    assert dead_for_second == [], "the first container's pid 1 is not the second one's"
