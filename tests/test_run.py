"""``pantau-ham run`` for real: a subprocess polling a fake Bot API over local HTTP, ticking, reminding."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

from sqlmodel import Session, select

from bot.core.clock import SystemClock
from bot.core.db import make_engine
from bot.core.models import Reminder
from bot.domain.runtime import Runtime
from bot.domain.subscriptions import subscribe
from bot.reference import regions
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows
from tests.conftest import make_settings
from tests.fakes import UpdateFactory
from tests.fakes.http_server import FakeTelegramServer

CHAT = 4242


def start_bot(server: FakeTelegramServer, database_url: str, cwd, **env_extra: str) -> subprocess.Popen:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:fake", "DATABASE_URL": database_url,
           "TELEGRAM_API_BASE_URL": server.base_url, "PANTAU_TICK_SECONDS": "1", "PANTAU_ADMIN_IDS": "111",
           **env_extra}
    env.pop("PANTAU_CYCLE", None)
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def interrupt(proc: subprocess.Popen) -> str:
    """Ctrl-C the bot (killed if it does not stop within 20 s); its output."""
    proc.send_signal(signal.SIGINT)
    try:
        output, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
    return output


def stop_bot(proc: subprocess.Popen, server: FakeTelegramServer) -> str:
    output = interrupt(proc)
    server.stop()
    return output


def wait_for(probe, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    return probe()


def test_run_polls_ticks_and_sends_a_due_reminder(sqlite_url, tmp_path):
    settings = make_settings(sqlite_url, cycle=None)
    rt = Runtime.start(settings, SystemClock())
    with rt.session() as session:
        subscribe(session, rt.clock, CHAT, regions()["63.05"], 111)
        now = rt.clock.now()
        line = parse_line(f"rakor Tapin {now.year + 1}-06-19 09:00 Rakor uji coba")
        event = add(session, rt.clock, settings, line, 111)
        now = rt.clock.now()
        # an "Ingatkan besok" row that is due now (the planner leaves snoozes alone)
        insert_rows(session, event, [Planned(CHAT, "snooze-test", now - timedelta(seconds=1), now + timedelta(days=1))])
    rt.engine.dispose()

    server = FakeTelegramServer().start()
    server.api.register_chat(CHAT)
    server.api.register_chat(111)  # the admin has written to the bot before
    proc = start_bot(server, sqlite_url, tmp_path)
    try:
        sent = wait_for(lambda: [c.params for c in server.api.sent(chat_id=CHAT)])
    finally:
        output = stop_bot(proc, server)
    assert sent, f"no reminder was sent; bot output:\n{output}"
    assert "Pengingat: Rakor uji coba" in sent[0]["text"]
    assert not server.api.refusals, server.api.refusals
    methods = {c.method for c in server.calls()}
    assert {"getMe", "setMyCommands", "getUpdates"} <= methods
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        row = session.exec(select(Reminder).where(Reminder.chat_id == CHAT, Reminder.offset_key == "snooze-test")).one()
    engine.dispose()
    assert row.status == "sent" and row.message_id is not None


def test_run_answers_people_and_greets_a_group_over_http(sqlite_url, tmp_path):
    """The first contact as Telegram sees it: every answer of the real process is accepted by the strict stand-in."""
    rt = Runtime.start(make_settings(sqlite_url, cycle=None), SystemClock())
    from bot.domain.catalog import import_sample

    with rt.session() as session:
        import_sample(session, rt.clock)
    rt.engine.dispose()
    server = FakeTelegramServer().start()
    factory = UpdateFactory(None, server.api)
    server.api.register_chat(111)
    proc = start_bot(server, sqlite_url, tmp_path)
    try:
        server.push(factory.message_data("/status Tapin", 111))
        server.push(factory.my_member(-100777, "member", 111, "Grup HAM Kalsel", raw=True))
        server.push(factory.message_data("/foo", 111))
        status = wait_for(lambda: [c for c in server.api.sent(chat_id=111) if "Tapin" in c.params["text"]])
        greeting = wait_for(lambda: server.api.sent(chat_id=-100777))
        hint = wait_for(lambda: [c for c in server.api.sent(chat_id=111) if "/bantuan" in c.params["text"]])
    finally:
        output = stop_bot(proc, server)
    assert status and greeting and hint, output
    assert "/langganan" in greeting[0].params["text"]
    assert not server.api.refusals, [(c.method, c.result) for c in server.api.refusals]
    assert "Traceback" not in output, output
