"""``last_seen`` is written behind the answers (``bot/domain/last_seen.py``): a focal point who comes back after
an hour is answered from one read, and the tick writes when they were seen; what other people read of them (a
new name) is written before the answer, as before."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from bot.core.clock import SystemClock
from bot.core.db import make_engine
from bot.core.models import Chat, Person
from bot.domain.runtime import Runtime
from bot.ops.jobs import write_seen
from tests.conftest import ADMIN, PIC, make_settings, replies
from tests.http_bot_api import HttpBotApi, command_update
from tests.processes import BotProcess, bot_env, wait_for
from tests.test_unit_of_work import counting


def _person(rt, user_id: int) -> Person:
    with rt.session() as session:
        person = session.get(Person, user_id)
        assert person is not None
        session.expunge(person)
        return person


async def test_a_focal_point_back_after_two_hours_is_answered_without_a_write(bot):
    rt = bot.runtime
    await bot.say("/status Tapin", PIC)  # met: names and chat remembered
    first = _person(rt, PIC).last_seen
    rt.clock.advance(timedelta(hours=2))
    with counting(rt.engine) as counted:
        (reply,) = replies(await bot.say("/status Tapin", PIC))
    assert "Tapin" in reply.params["text"]
    assert not [s for s in counted.statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert _person(rt, PIC).last_seen == first  # not yet: noted for the tick
    assert write_seen(rt) == 1
    assert _person(rt, PIC).last_seen == rt.clock.now()
    assert write_seen(rt) == 0  # written once


async def test_an_older_note_never_moves_last_seen_back(bot):
    rt = bot.runtime
    await bot.say("/status Tapin", PIC)
    rt.clock.advance(timedelta(hours=2))
    await bot.say("/status Tapin", PIC)  # noted at +2 h
    noted = rt.clock.now()
    with rt.session() as session:  # another copy wrote a later moment meanwhile
        person = session.get(Person, PIC)
        assert person is not None
        person.last_seen = noted + timedelta(minutes=30)
    write_seen(rt)
    assert _person(rt, PIC).last_seen == noted + timedelta(minutes=30)


async def test_a_new_name_is_written_before_the_answer(bot):
    rt = bot.runtime
    await bot.say("/status Tapin", PIC)
    rt.clock.advance(timedelta(hours=2))
    await bot.app.process_update(bot.factory.message("/status Tapin", PIC, first_name="Rina Baru"))
    person = _person(rt, PIC)
    assert person.first_name == "Rina Baru"
    assert person.last_seen == rt.clock.now()
    assert write_seen(rt) == 0  # nothing left for the tick


@pytest.mark.slow
def test_the_running_bot_writes_last_seen_at_its_tick(sqlite_url, tmp_path):
    """Through ``pantau-ham run`` over HTTP: the answer comes first, the tick (every second here) writes."""
    rt = Runtime.start(make_settings(sqlite_url, cycle=None), SystemClock())
    long_ago = rt.clock.now() - timedelta(hours=3)
    with rt.session() as session:
        session.add(Person(id=ADMIN, first_name="Uji", created_at=long_ago, last_seen=long_ago,
                           telegram_language="id"))
        session.add(Chat(id=ADMIN, kind="private", title="Uji", updated_at=long_ago))  # known: nothing else to write
    rt.engine.dispose()
    with HttpBotApi() as api:
        api.know(ADMIN)
        bot = BotProcess(bot_env(api, sqlite_url), tmp_path)
        try:
            wait_for(lambda: "getUpdates" in api.methods(), 60, what="the bot polling")
            asked = SystemClock().now()
            api.push(command_update(1, "/saya", ADMIN))
            wait_for(lambda: any(int(p["chat_id"]) == ADMIN for p in api.sent()), 60, what="the answer")
            wait_for(lambda: _last_seen(sqlite_url) >= asked, 30, what="last_seen written by the tick")
        finally:
            bot.proc.terminate()
            bot.wait(20)
    assert "Traceback" not in bot.output


def _last_seen(url: str) -> datetime:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            person = session.get(Person, ADMIN)
            assert person is not None
            return person.last_seen
    finally:
        engine.dispose()
