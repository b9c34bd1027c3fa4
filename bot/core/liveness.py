"""Which copies of the bot are alive, and the rows they claimed.

Every running copy has a ``worker`` row whose ``beat_at`` it renews every few seconds (its id is the
``claimed_by`` of the reminder and outbox rows it takes). A copy is dead when it said so on the way out
(``stopped_at``), when its heartbeat is older than ``stale``, or when its pid is gone from the pid namespace
this copy runs in (same boot, same namespace: :func:`this_machine`). The rows a dead copy still held go back
to ``pending`` at once, instead of waiting for the claim's 5-minute lease: a kill can double at most the one
message that was in flight.

The hostname is not enough to judge a pid: containers with host networking share the host's name and each is
pid 1 in its own namespace, where the others' pids do not exist. A copy in another namespace (or one
registered before ``worker.machine`` existed) is judged by its heartbeat alone.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, text, update
from sqlmodel import col

from bot.core.claims import rowcount
from bot.core.clock import Clock
from bot.core.db import session_scope
from bot.core.models import Outbox, Reminder, ReminderStatus, Worker

STALE = timedelta(seconds=15)


def app_version() -> str:
    try:
        return version("pantau-ham")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@cache
def this_machine() -> str | None:
    """Where this process's pids mean something: the kernel's boot id and this process's pid namespace,
    ``"<boot id>/<namespace inode>"``; None where ``/proc`` does not tell (then no pid is judged from here)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return None
    return f"{boot}/{namespace.removeprefix('pid:').strip('[]')}"[:80]


def register(engine: Engine, clock: Clock, worker_id: str, mode: str) -> None:
    host, pid = _host_pid(worker_id)
    now = clock.now()
    with session_scope(engine) as session:
        session.merge(Worker(id=worker_id, host=host, pid=pid, machine=this_machine(), version=app_version()[:20],
                             mode=mode, started_at=now, beat_at=now))


def beat(engine: Engine, clock: Clock, worker_id: str, last_tick: datetime | None,
         last_telegram: datetime | None, mode: str | None = None) -> None:
    values: dict[str, object] = {"beat_at": clock.now(), "last_tick_at": last_tick, "last_telegram_at": last_telegram}
    if mode is not None:  # polling, standby (a copy waiting for the polling lease) or webhook
        values["mode"] = mode
    with session_scope(engine) as session:
        session.execute(update(Worker).where(col(Worker.id) == worker_id).values(**values))


def stop(engine: Engine, clock: Clock, worker_id: str) -> int:
    """A clean exit: say so, and give back every row still claimed (in flight or not yet sent)."""
    with session_scope(engine) as session:
        session.execute(update(Worker).where(col(Worker.id) == worker_id).values(stopped_at=clock.now()))
    return release_claims(engine, [worker_id])


def _host_pid(worker_id: str) -> tuple[str, int]:
    host, _, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    return host, int(pid) if pid.isdigit() else 0


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: alive
        return True
    return True


def _here(machine: str | None) -> bool:
    """The copy ran in this boot and pid namespace: its pid means what it means for this process."""
    return machine is not None and machine == this_machine()


def dead_workers(engine: Engine, clock: Clock, me: str, stale: timedelta = STALE) -> list[str]:
    now = clock.now()
    with session_scope(engine) as session:
        rows = session.execute(select(col(Worker.id), col(Worker.machine), col(Worker.pid), col(Worker.beat_at),
                                      col(Worker.stopped_at)).where(col(Worker.id) != me)).all()
    dead = []
    for wid, machine, pid, beat_at, stopped_at in rows:
        if stopped_at is not None or beat_at < now - stale:
            dead.append(wid)
        elif _here(machine) and (pid == os.getpid() or not _pid_alive(pid)):  # pid 1 in a restarted container
            dead.append(wid)
    return dead


def known_dead(engine: Engine, worker_ids: list[str]) -> set[str]:
    """Of these copies, the ones certainly gone: they said so (``stopped_at``), or they ran in this boot and pid
    namespace and their pid is no longer there. A silent heartbeat proves nothing here (the database may have
    been away)."""
    if not worker_ids:
        return set()
    with session_scope(engine) as session:
        rows = session.execute(select(col(Worker.id), col(Worker.machine), col(Worker.pid), col(Worker.stopped_at))
                               .where(col(Worker.id).in_(worker_ids))).all()
    return {wid for wid, machine, pid, stopped_at in rows
            if stopped_at is not None or (_here(machine) and pid != os.getpid() and not _pid_alive(pid))}


def running(engine: Engine, clock: Clock, stale: timedelta = STALE) -> Worker | None:
    """The copy with the freshest heartbeat, if one is alive (beat within ``stale``, not stopped)."""
    with session_scope(engine) as session:
        return session.execute(select(Worker).where(col(Worker.stopped_at).is_(None),
                                                    col(Worker.beat_at) >= clock.now() - stale)
                               .order_by(col(Worker.beat_at).desc()).limit(1)).scalars().first()


def reap(engine: Engine, clock: Clock, me: str, stale: timedelta = STALE) -> int:
    """Give the rows of dead copies back; forget copies dead for a day. Returns rows given back."""
    dead = dead_workers(engine, clock, me, stale)
    released = release_claims(engine, dead) if dead else 0
    with session_scope(engine) as session:
        session.execute(delete(Worker).where(
            col(Worker.id).in_(dead), col(Worker.beat_at) < clock.now() - timedelta(days=1)))
    return released


def release_claims(engine: Engine, worker_ids: list[str]) -> int:
    released = 0
    with session_scope(engine) as session:
        for model in (Reminder, Outbox):
            released += rowcount(session.execute(
                update(model).where(col(model.claimed_by).in_(worker_ids),
                                    col(model.status) == ReminderStatus.CLAIMED.value)
                .values(status=ReminderStatus.PENDING.value, claimed_by=None, claimed_at=None)
                .execution_options(synchronize_session=False)
            ))
    return released


@dataclass
class Health:
    ok: bool
    database: bool
    ticker: bool
    last_tick: datetime | None
    last_telegram: datetime | None
    pending_reminders: int | None
    pending_outbox: int | None
    version: str
    mode: str

    def as_json(self) -> dict[str, object]:
        def iso(d: datetime | None) -> str | None:
            return d.isoformat() if d else None

        return {"status": "ok" if self.ok else "fail", "database": self.database, "ticker": self.ticker,
                "last_tick": iso(self.last_tick), "last_telegram_ok": iso(self.last_telegram),
                "pending_reminders": self.pending_reminders, "pending_outbox": self.pending_outbox,
                "version": self.version, "mode": self.mode}


def health(engine: Engine, clock: Clock, started: datetime | None, last_tick: datetime | None,
           last_telegram: datetime | None, tick_seconds: float, mode: str) -> Health:
    """The process's vitals plus what the database says; not ok when the database is unreachable
    or the ticker has not ticked for three intervals (and at least a minute)."""
    pending = {}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            for name, model in (("reminders", Reminder), ("outbox", Outbox)):
                pending[name] = conn.execute(select(func.count()).select_from(model).where(
                    col(model.status).in_([ReminderStatus.PENDING.value, ReminderStatus.CLAIMED.value]),
                    col(model.due_at) <= clock.now())).scalar_one()
        database = True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" to a health check
        database = False
    allowed = timedelta(seconds=max(3 * tick_seconds, 60))
    reference = last_tick or started
    ticker = reference is None or clock.now() - reference <= allowed
    return Health(database and ticker, database, ticker, last_tick, last_telegram, pending.get("reminders"),
                  pending.get("outbox"), app_version(), mode)
