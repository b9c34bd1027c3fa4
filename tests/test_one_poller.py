"""Exactly one copy polls: real ``python -m bot run`` processes against the HTTP stand-in of the Bot API, which
ends a waiting ``getUpdates`` with 409 when another arrives, as Telegram does.

Copies on one database (SQLite file or PostgreSQL) take turns through the polling lease; copies that share
only the token settle it by Telegram's 409: the one polling longer stays, the newcomer leaves.
"""

from __future__ import annotations

import itertools
import json
import signal
import threading
import time

import pytest

from bot.core import liveness
from bot.core.clock import SystemClock
from bot.domain.runtime import Runtime
from bot.ops import lease
from tests.conftest import make_settings
from tests.http_bot_api import HttpBotApi, command_update
from tests.processes import BotProcess, bot_env, free_port, http_get, stop, wait_for

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

ADMIN = 111
TAKEOVER = 30  # seconds, as issue 17 asks
LEASE = 60  # the copies' lease: a takeover within TAKEOVER is not the lease expiring


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pantau.db'}"
    return request.getfixturevalue("pg_url")


def _env(api: HttpBotApi, url: str, port: int, lease_seconds: float = 20, **extra: str) -> dict[str, str]:
    return bot_env(api, url, PANTAU_HEALTH_PORT=str(port), PANTAU_WEBHOOK_LISTEN="127.0.0.1",
                   PANTAU_POLLING_LEASE_SECONDS=str(lease_seconds), **extra)


def _health(port: int) -> dict:
    try:
        return json.loads(http_get(f"http://127.0.0.1:{port}/healthz", timeout=2)[1])
    except (OSError, ValueError):
        return {}


def _mode(port: int) -> str | None:
    return _health(port).get("mode")


class Asker:
    """Pushes ``/bantuan`` as the admin and counts the answers."""

    def __init__(self, api: HttpBotApi) -> None:
        self.api, self.ids = api, itertools.count(1000)

    def answers(self) -> int:
        return len([p for p in self.api.sent() if int(p["chat_id"]) == ADMIN])

    def ask(self) -> int:
        """One update; how many answers it got (after a pause in which a second copy could answer too)."""
        before = self.answers()
        self.api.push(command_update(next(self.ids), "/bantuan", ADMIN))
        wait_for(lambda: self.answers() > before, 30, what="an answer to /bantuan")
        time.sleep(1.5)
        return self.answers() - before


def test_copies_on_one_database_take_turns_and_a_standby_takes_over(database, tmp_path):
    ports = [free_port() for _ in range(3)]
    with HttpBotApi() as api:
        api.know(ADMIN)
        asker = Asker(api)
        first = BotProcess(_env(api, database, ports[0], lease_seconds=LEASE), tmp_path, name="first")
        bots = [first]
        try:
            wait_for(lambda: _mode(ports[0]) == "polling", 60, what="the first copy polling")
            time.sleep(2)  # the second copy starts later, as a restart script or a second `compose up` would
            second = BotProcess(_env(api, database, ports[1], lease_seconds=LEASE), tmp_path, name="second")
            bots.append(second)
            wait_for(lambda: _mode(ports[1]) == "standby", 60, what="the second copy standing by")
            assert _health(ports[1])["status"] == "ok", "standing by is healthy"
            assert "bersiaga" in second.output and "Traceback" not in second.output
            conflicts = api.conflicts
            assert asker.ask() == 1
            assert api.conflicts == conflicts, "only one copy asked Telegram for updates"
            assert _mode(ports[0]) == "polling" and _mode(ports[1]) == "standby"

            first.kill()  # SIGKILL: no goodbye, the lease is not released
            killed = time.monotonic()
            wait_for(lambda: _mode(ports[1]) == "polling", TAKEOVER, what="the standby taking over after a kill")
            assert time.monotonic() - killed < TAKEOVER
            assert asker.ask() == 1

            third = BotProcess(_env(api, database, ports[2], lease_seconds=LEASE), tmp_path, name="third")
            bots.append(third)
            wait_for(lambda: _mode(ports[2]) == "standby", 60, what="the third copy standing by")
            second.proc.send_signal(signal.SIGTERM)
            assert second.wait(15) == 0
            stopped = time.monotonic()
            wait_for(lambda: _mode(ports[2]) == "polling", TAKEOVER, what="the standby taking over after SIGTERM")
            assert time.monotonic() - stopped < TAKEOVER
            assert asker.ask() == 1
        finally:
            stop(*bots)
    for bot in bots[1:]:
        assert "Traceback" not in bot.output, bot.output
    assert "409 Conflict" not in third.output  # what the bot logs on a 409 (a bare "409" can be a timestamp)


def test_two_copies_started_together_end_with_one_polling(database, tmp_path):
    ports = [free_port(), free_port()]
    with HttpBotApi() as api:
        api.know(ADMIN)
        bots = [BotProcess(_env(api, database, port), tmp_path, name=f"copy{i}") for i, port in enumerate(ports)]
        try:
            wait_for(lambda: sorted(str(_mode(p)) for p in ports) == ["polling", "standby"], 90,
                     what="one copy polling, the other standing by")
            conflicts = api.conflicts
            time.sleep(3)
            assert sorted(str(_mode(p)) for p in ports) == ["polling", "standby"]
            assert api.conflicts == conflicts, "the standby never asked Telegram for updates"
            assert Asker(api).ask() == 1
        finally:
            codes = stop(*bots)
    assert codes == [0, 0]
    for bot in bots:
        assert "Traceback" not in bot.output, bot.output


def test_a_lease_nobody_renews_is_taken_after_the_lease_time(sqlite_url, tmp_path):
    """A holder on another host (so no pid to look at) renews, then falls silent: the standby waits the whole
    lease time of its own watching, then takes over."""
    from sqlalchemy import update

    from bot.core.models import Worker

    rt = Runtime.start(make_settings(sqlite_url, cycle=None), SystemClock())
    holder = "farhost:4242:abcdef01"
    liveness.register(rt.engine, rt.clock, holder, "polling")
    with rt.engine.begin() as conn:  # as that host registered it: its boot, not this one
        conn.execute(update(Worker).where(Worker.id == holder).values(machine="farhost-boot/4026531836"))
    assert lease.take(rt.engine, rt.clock, holder, lease.read(rt.engine).version)
    silent = threading.Event()

    def renewing() -> None:
        while not silent.wait(0.5):
            lease.renew(rt.engine, rt.clock, holder)
            liveness.beat(rt.engine, rt.clock, holder, None, None)

    renewer = threading.Thread(target=renewing, daemon=True)
    renewer.start()
    port = free_port()
    with HttpBotApi() as api:
        bot = BotProcess(_env(api, sqlite_url, port, lease_seconds=4), tmp_path)
        try:
            wait_for(lambda: _mode(port) == "standby", 60, what="standing by")
            wait_for(lambda: holder in bot.output, 30, what="the standby naming the holder")  # logged beside the mode
            time.sleep(6)  # longer than the lease time: renewals keep it standing by
            assert _mode(port) == "standby" and "getUpdates" not in api.methods()
            silent.set()
            fell_silent = time.monotonic()
            wait_for(lambda: _mode(port) == "polling", 30, what="taking over the silent lease")
            waited = time.monotonic() - fell_silent
            wait_for(lambda: "getUpdates" in api.methods(), 10, what="polling")
        finally:
            silent.set()
            stop(bot)
            renewer.join(5)
            rt.engine.dispose()
    assert waited >= 3.5, f"took over after {waited:.1f} s, before the lease time could pass"
    assert "taking over polling from farhost:4242" in bot.output


def test_copies_sharing_only_the_token_the_newer_one_leaves(tmp_path):
    """Two databases, one token: Telegram's 409 is all they share."""
    ports = [free_port(), free_port()]
    urls = [f"sqlite:///{tmp_path / 'older.db'}", f"sqlite:///{tmp_path / 'newer.db'}"]
    with HttpBotApi() as api:
        api.know(ADMIN)
        api.poll_wait = 2.0  # a getUpdates waits as Telegram's do: the older copy's is waiting when the newer asks
        older = BotProcess(_env(api, urls[0], ports[0], lease_seconds=6), tmp_path, name="older")
        newer = None
        try:
            wait_for(lambda: _mode(ports[0]) == "polling", 60, what="the older copy polling")
            time.sleep(5)  # longer than half the lease time: the older copy is no newcomer any more
            newer = BotProcess(_env(api, urls[1], ports[1], lease_seconds=6), tmp_path, name="newer")
            code = newer.wait(90)
            assert code == 3, newer.output
            time.sleep(1)
            assert _mode(ports[0]) == "polling" and older.proc.poll() is None
            assert Asker(api).ask() == 1
        finally:
            stop(*(b for b in (older, newer) if b is not None))
    lines = [line for line in newer.output.splitlines() if "409 Conflict" in line and "berhenti" in line]
    assert len(lines) == 1, newer.output
    assert "Traceback" not in newer.output and "Traceback" not in older.output
    assert "keeps polling" in older.output


def test_the_stand_in_ends_the_older_of_two_waiting_getupdates_with_409():
    import urllib.error
    import urllib.request

    server = HttpBotApi().start()
    server.poll_wait = 3.0
    results: dict[str, int] = {}

    def poll(name: str) -> None:
        req = urllib.request.Request(f"{server.base_url}123:abc/getUpdates", data=b'{"timeout": 3}',
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:
                results[name] = answer.status
        except urllib.error.HTTPError as exc:
            results[name] = exc.code

    try:
        older = threading.Thread(target=poll, args=("older",))
        older.start()
        wait_for(lambda: server._polls == 1, 5, what="the first getUpdates waiting")
        poll("newer")
        older.join(10)
    finally:
        server.stop()
    assert results == {"older": 409, "newer": 200}
    assert server.conflicts == 1
