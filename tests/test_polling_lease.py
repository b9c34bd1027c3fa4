"""The polling lease (``bot/ops/lease.py``): one conditional UPDATE decides, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

from bot.core import liveness
from bot.core.clock import FixedClock
from bot.core.db import make_engine, upgrade
from bot.ops import lease
from tests.conftest import NOW


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lease.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_of_two_copies_that_read_the_same_version_exactly_one_takes_the_lease(engine):
    clock = FixedClock(NOW)
    state = lease.read(engine)
    assert state.holder is None
    assert lease.take(engine, clock, "a:1:x", state.version)
    assert not lease.take(engine, clock, "b:2:y", state.version), "the version moved on: the second one loses"
    assert lease.read(engine).holder == "a:1:x"
    assert lease.renew(engine, clock, "a:1:x") and not lease.renew(engine, clock, "b:2:y")
    assert not lease.release(engine, clock, "b:2:y") and lease.read(engine).holder == "a:1:x"
    assert lease.release(engine, clock, "a:1:x") and lease.read(engine).holder is None


def test_many_copies_racing_for_a_free_lease_give_one_holder(engine):
    clock = FixedClock(NOW)
    version = lease.read(engine).version
    won: list[str] = []
    start = threading.Barrier(8)

    def contender(i: int) -> None:
        start.wait()
        if lease.take(engine, clock, f"host:{i}:x", version):
            won.append(f"host:{i}:x")

    threads = [threading.Thread(target=contender, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and lease.read(engine).holder == won[0]


def test_a_standby_takes_over_only_after_a_whole_lease_time_without_renewal(engine):
    clock, ticks = FixedClock(NOW), Ticks()
    state = lease.read(engine)
    lease.take(engine, clock, "other:1:a", state.version)
    watcher = lease.Observer(20, ticks)
    assert not watcher.may_take(lease.read(engine), "me:2:b", set())
    ticks.now += 15
    lease.renew(engine, clock, "other:1:a")  # the holder is alive: the count starts again
    assert not watcher.may_take(lease.read(engine), "me:2:b", set())
    ticks.now += 19
    assert not watcher.may_take(lease.read(engine), "me:2:b", set())
    ticks.now += 1  # 20 s without a renewal, as this copy saw it
    state = lease.read(engine)
    assert watcher.may_take(state, "me:2:b", set())
    assert lease.take(engine, clock, "me:2:b", state.version)
    assert not lease.renew(engine, clock, "other:1:a"), "the old holder learns at its next renewal"


def test_a_database_outage_hides_renewals_so_it_hands_nothing_over(engine):
    clock, ticks = FixedClock(NOW), Ticks()
    lease.take(engine, clock, "other:1:a", lease.read(engine).version)
    watcher = lease.Observer(20, ticks)
    watcher.may_take(lease.read(engine), "me:2:b", set())
    ticks.now += 10
    watcher.lost_sight()  # the database did not answer this copy
    ticks.now += 60
    assert not watcher.may_take(lease.read(engine), "me:2:b", set()), "the watch starts again after an outage"
    ticks.now += 20
    assert watcher.may_take(lease.read(engine), "me:2:b", set())


def test_a_released_or_dead_holders_lease_is_taken_at_once(engine):
    clock, ticks = FixedClock(NOW), Ticks()
    watcher = lease.Observer(20, ticks)
    lease.take(engine, clock, "other:1:a", lease.read(engine).version)
    assert watcher.may_take(lease.read(engine), "me:2:b", {"other:1:a"})
    lease.release(engine, clock, "other:1:a")
    assert watcher.may_take(lease.read(engine), "me:2:b", set())


def test_known_dead_trusts_a_stop_or_a_missing_pid_on_this_host_never_a_silent_heartbeat(engine):
    from sqlalchemy import update

    from bot.core.models import Worker

    clock = FixedClock(NOW)
    here = liveness.new_worker_id()
    host = here.split(":")[0]
    liveness.register(engine, clock, "farhost:1:a", "polling")  # another host, silent for an hour
    liveness.register(engine, clock, f"{host}:999999:b", "polling")  # this host, no such process
    liveness.register(engine, clock, f"{host}:1:c", "polling")  # this host, a process that exists
    liveness.register(engine, clock, "farhost:2:d", "polling")
    with engine.begin() as conn:  # as the other host registered them: its boot, not this one
        conn.execute(update(Worker).where(Worker.id.like("farhost:%")).values(machine="farhost-boot/4026531836"))
    liveness.stop(engine, clock, "farhost:2:d")
    clock.advance(timedelta(hours=1))
    dead = liveness.known_dead(engine, ["farhost:1:a", f"{host}:999999:b", f"{host}:1:c", "farhost:2:d"])
    assert dead == {f"{host}:999999:b", "farhost:2:d"}


def test_the_row_comes_back_if_someone_deleted_it(engine):
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("DELETE FROM polling_lease"))
    lease.ensure(engine)
    lease.ensure(engine)
    assert lease.take(engine, FixedClock(NOW), "a:1:x", lease.read(engine).version)


async def test_after_a_409_the_senior_keeps_polling_the_newcomer_leaves_a_lost_lease_stands_by(runtime):
    """The decisions of ``bot/ops/polling.py`` on Telegram's 409, on the lease of a real database."""
    from bot.core.i18n import Translator
    from bot.ops.app import build_application
    from bot.ops.polling import PollingRole
    from tests.fakes import OfflineBotAPI

    runtime.settings = runtime.settings.model_copy(update={"polling_lease_seconds": 2.0})
    application = build_application(runtime, request=OfflineBotAPI(), token="1:offline")
    ticks, stop = Ticks(), asyncio.Event()
    role = PollingRole(application, runtime, "me:1:a", stop, Translator("id"), monotonic=ticks)
    assert await role._try_take()
    role.mode, role.poller.since = "polling", ticks.now  # polling (without the loop: the offline API never waits)

    ticks.now += 1.5  # longer than half the lease time
    assert await role._conflict() and not role.conflict and not stop.is_set(), "the senior keeps polling"

    role.poller.since = ticks.now  # just started polling: the newcomer
    assert not await role._conflict() and role.conflict and stop.is_set()

    role.conflict, stop = False, asyncio.Event()
    role.stop_event = stop
    lease.release(runtime.engine, runtime.clock, "me:1:a")
    lease.take(runtime.engine, runtime.clock, "other:2:b", lease.read(runtime.engine).version)
    assert not await role._conflict() and not role.conflict and not stop.is_set(), "no exit: another copy polls"
    await role._step()  # the next renewal finds the lease taken
    assert role.mode == "standby"
    assert not await role._try_take(), "the other copy renews nothing yet, but a new watch has only just begun"
