"""The database goes away (PostgreSQL refuses connections) while the bot runs, then comes back.

A TCP relay stands between the bot and PostgreSQL; taking it down closes every connection and makes new
ones refused, like a database server that stopped, for 30 seconds.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.core.clock import SystemClock
from bot.core.db import make_engine
from bot.core.models import Reminder
from bot.domain.catalog import import_sample
from bot.domain.runtime import Runtime
from bot.domain.subscriptions import subscribe
from bot.reference import regions
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows
from tests.conftest import make_settings
from tests.http_bot_api import HttpBotApi, command_update, http_post_json
from tests.processes import BotProcess, bot_env, free_port, http_status, wait_for

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

CHAT = 4343
APOLOGY = "basis data sedang tidak dapat dihubungi"

OUTAGE_SECONDS = 30  # as long as the issue asks


class Relay:
    """127.0.0.1:<port> -> PostgreSQL, which can be switched off (connection refused) and on again."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        with self.lock:
            if self.listener is not None:
                try:  # wakes the thread blocked in accept(): a close alone leaves the socket listening on Linux
                    self.listener.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self.listener.close()
                self.listener = None
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                try:
                    s.close()
                except OSError:
                    pass


def test_the_database_goes_away_the_bot_apologises_logs_once_and_catches_up(pg_url, tmp_path):
    from sqlalchemy.engine import make_url

    settings = make_settings(pg_url, cycle=None)
    rt = Runtime.start(settings, SystemClock())
    due = rt.clock.now() + timedelta(seconds=20)
    with rt.session() as session:
        import_sample(session, rt.clock)
        subscribe(session, rt.clock, CHAT, regions()["63.05"], 111)
        line = parse_line(f"rakor Tapin {rt.clock.now().year + 1}-06-19 09:00 Rakor saat gangguan")
        event = add(session, rt.clock, settings, line, 111)
        insert_rows(session, event, [Planned(CHAT, "snooze-outage", due, due + timedelta(days=1))])
    rt.engine.dispose()

    real = make_url(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    relay = Relay((real.host or "127.0.0.1", real.port or 5432))
    relay.up()
    relayed = pg_url.replace(f"{real.host}:{real.port or 5432}", f"127.0.0.1:{relay.port}", 1)
    if relayed == pg_url:
        pytest.skip("TEST_DATABASE_URL without host:port")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with HttpBotApi() as api:
        api.know(111, CHAT)
        env = bot_env(api, relayed, PANTAU_WEBHOOK_URL="https://host.example/hook", PANTAU_WEBHOOK_PORT=str(port),
                      PANTAU_WEBHOOK_LISTEN="127.0.0.1")
        bot = BotProcess(env, tmp_path)
        try:
            wait_for(lambda: _health(base) == 200, 40, what="a healthy bot")
            assert time.time() < due.timestamp() - 3, "the bot took too long to start for this drill"
            relay.down()
            went_down = time.monotonic()
            answers = []
            for i in range(3):
                before = len(api.sent())
                assert http_post_json(f"{base}/hook", command_update(100 + i, "/status Tapin")) == 200
                wait_for(lambda before=before: len(api.sent()) > before, 20,
                         what="an answer while the database is away")
                answers.append(api.sent()[-1]["text"])
            wait_for(lambda: _health(base) == 503, 20, what="/healthz to say 503")
            while time.time() < due.timestamp() + 2 or time.monotonic() - went_down < OUTAGE_SECONDS:
                time.sleep(0.2)
            assert not [p for p in api.sent() if int(p["chat_id"]) == CHAT], "nothing sent while away"
            relay.up()
            wait_for(lambda: [p for p in api.sent() if int(p["chat_id"]) == CHAT], 40,
                     what="the reminder that fell due during the outage")
            before = len(api.sent())
            assert http_post_json(f"{base}/hook", command_update(200, "/status Tapin")) == 200
            wait_for(lambda: len(api.sent()) > before, 20, what="an answer after the outage")
            after = api.sent()[-1]["text"]
            wait_for(lambda: _health(base) == 200, 20, what="/healthz to recover")
        finally:
            bot.proc.terminate()
            try:
                bot.wait(15)
            finally:
                bot.kill()
                relay.down()
    assert all(APOLOGY in a for a in answers), answers
    assert APOLOGY not in after and "Tapin" in after
    reminders = [p for p in api.sent() if int(p["chat_id"]) == CHAT]
    assert len(reminders) == 1 and "Rakor saat gangguan" in reminders[0]["text"]
    assert bot.output.count("database unreachable") == 1, bot.output
    assert bot.output.count("database reachable again") == 1
    assert "Traceback" not in bot.output
    engine = make_engine(pg_url)
    with Session(engine) as session:
        row = session.exec(select(Reminder).where(Reminder.offset_key == "snooze-outage")).one()
    engine.dispose()
    assert row.status == "sent"


def _health(base: str) -> int | None:
    return http_status(f"{base}/healthz", timeout=3)
