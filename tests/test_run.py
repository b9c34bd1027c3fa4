"""``pantau-ham run`` for real: a subprocess polling a fake Bot API over local HTTP, ticking, reminding."""

from __future__ import annotations

from datetime import timedelta

import pytest
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
from tests.processes import eventually, start_bot, stop_bot

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

CHAT = 4242


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
    bot = start_bot(server, sqlite_url, tmp_path)
    try:
        sent = eventually(lambda: [c.params for c in server.api.sent(chat_id=CHAT)])
    finally:
        output = stop_bot(bot, server)
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
    bot = start_bot(server, sqlite_url, tmp_path)
    try:
        server.push(factory.message_data("/status Tapin", 111))
        server.push(factory.my_member(-100777, "member", 111, "Grup HAM Kalsel", raw=True))
        server.push(factory.message_data("/foo", 111))
        status = eventually(lambda: [c for c in server.api.sent(chat_id=111) if "Tapin" in c.params["text"]])
        greeting = eventually(lambda: server.api.sent(chat_id=-100777))
        hint = eventually(lambda: [c for c in server.api.sent(chat_id=111) if "/bantuan" in c.params["text"]])
    finally:
        output = stop_bot(bot, server)
    assert status and greeting and hint, output
    assert "/langganan" in greeting[0].params["text"]
    assert not server.api.refusals, [(c.method, c.result) for c in server.api.refusals]
    assert "Traceback" not in output, output
