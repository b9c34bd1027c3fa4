"""A working day through the real process (``python -m bot run``) over the HTTP stand-in of the Bot API:
a focal point asking as fast as they read is answered every time, a stranger's script is limited with one
message, and a newcomer learns their id with /saya (told once, in English, that /bahasa en exists)."""

from __future__ import annotations

import pytest

from bot.core.clock import SystemClock
from bot.core.models import RoleBinding
from bot.domain.catalog import import_sample
from bot.domain.runtime import Runtime
from tests.conftest import make_settings
from tests.fakes import UpdateFactory
from tests.fakes.http_server import FakeTelegramServer
from tests.processes import eventually, start_bot, stop_bot

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

PIC, STRANGER, NEWCOMER = 444, 8080, 8081


def test_people_at_work_are_served_strangers_limited_and_saya_answers(sqlite_url, tmp_path):
    rt = Runtime.start(make_settings(sqlite_url, cycle=None), SystemClock())
    with rt.session() as session:
        import_sample(session, rt.clock)
        session.add(RoleBinding(user_id=PIC, role="pic", target_code="63.05", created_at=rt.clock.now()))
    rt.engine.dispose()
    server = FakeTelegramServer().start()
    factory = UpdateFactory(None, server.api)
    server.api.register_chat(111)
    bot = start_bot(server, sqlite_url, tmp_path)

    def texts(chat_id: int) -> list[str]:
        return [c.params["text"] for c in server.api.sent(chat_id=chat_id)]

    try:
        for i in range(15):  # both at once, faster than any person: one is at work, the other is not
            server.push(factory.message_data("/status Tapin" if i % 2 else "/belum Tapin", PIC))
            server.push(factory.message_data("/status Tapin", STRANGER))
        server.push(factory.message_data("/saya", NEWCOMER, language_code="en-US"))
        saya = eventually(lambda: [t for t in texts(NEWCOMER) if "ID Telegram" in t], 60)
        answered = eventually(lambda: len(texts(PIC)) >= 15 and texts(PIC), 90)
        limited = eventually(lambda: [t for t in texts(STRANGER) if "Terlalu banyak pesan" in t], 30)
    finally:
        output = stop_bot(bot, server)
    assert saya and answered and limited, output
    assert len(texts(PIC)) == 15 and all("Kabupaten Tapin" in t for t in texts(PIC))  # every one answered
    assert not any("Terlalu banyak pesan" in t for t in texts(PIC))
    assert len(limited) == 1 and len(texts(STRANGER)) == 11  # ten polite refusals, one word, then silence
    assert texts(NEWCOMER)[0] == "This bot answers in Indonesian. For answers in English, send /bahasa en."
    assert "ID Telegram: <code>8081</code>" in saya[0] and "Peran: belum ada." in saya[0]
    assert len(texts(NEWCOMER)) == 2
    assert not server.api.refusals, [(c.method, c.result) for c in server.api.refusals]
    assert "Traceback" not in output, output
