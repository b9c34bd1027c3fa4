"""A bot that idles holds only what idling needs: the rarely used libraries load on first use.

The real ``pantau-ham run`` polls the local fake Bot API; once it has polled, it writes the modules it has
loaded. What each of these libraries does is tested where it is used (charts, spreadsheets, calendars,
typos in region names, migrations), so loading them late is safe; ``bench/idle.py`` measures the resident
memory against a bare python-telegram-bot bot (budget: within 2x). The holidays package and Babel's catalog
compiler are not loaded at all: the holidays are a shipped table, the catalogs are compiled at build time.
"""

from __future__ import annotations

import json
import os
import sys

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from bot.core.clock import SystemClock
from bot.core.db import make_engine
from bot.core.models import Reminder
from bot.domain.runtime import Runtime
from bot.domain.subscriptions import subscribe
from bot.reference import regions
from schedules.calendar import parse_line
from schedules.events import add
from tests.conftest import make_settings
from tests.fakes.http_server import FakeTelegramServer
from tests.processes import BotProcess, eventually, stop_bot
from tests.test_run import CHAT

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

# run the bot, and once the file "dump" appears, write sys.modules to "modules.json"
DRIVER = """
import json, os, sys, threading, time
def watch():
    while not os.path.exists("dump"):
        time.sleep(0.05)
    with open("modules.json", "w") as fh:
        json.dump(sorted(sys.modules), fh)
threading.Thread(target=watch, daemon=True).start()
from bot.cli.main import main
sys.exit(main(["run"]))
"""

NOT_WHILE_IDLE = (
    "holidays",  # not even installed with the bot: bot/reference/holidays.csv is the table
    "rapidfuzz",  # a region name that is no key (a typo)
    "matplotlib",  # the first chart (/umumkan)
    "openpyxl",  # the first spreadsheet
    "icalendar",  # the first /kalender file
    "alembic",  # only when the schema needs a migration
    "babel.messages",  # the catalogs are compiled when the package is built (setup.py), never by the bot
)


def test_an_idle_bot_has_not_loaded_the_rarely_used_libraries(sqlite_url, tmp_path):
    # a restart (the schema is current) with a rakor to plan: its reminders skip weekends and holidays
    settings = make_settings(sqlite_url, cycle=None)
    rt = Runtime.start(settings, SystemClock())
    with rt.session() as session:
        subscribe(session, rt.clock, CHAT, regions()["63.05"], 111)
        add(session, rt.clock, settings, parse_line(f"rakor Tapin {rt.clock.now().year + 1}-06-19 09:00 Rakor"), 111)
    rt.engine.dispose()
    server = FakeTelegramServer().start()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:fake", "DATABASE_URL": sqlite_url,
           "TELEGRAM_API_BASE_URL": server.base_url, "PANTAU_ADMIN_IDS": "111",
           "PYTHONPATH": os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")])}
    bot = BotProcess(env, tmp_path, command=[sys.executable, "-c", DRIVER])
    try:
        polled = eventually(lambda: server.calls("getUpdates") or not bot.running())
        (tmp_path / "dump").touch()
        eventually(lambda: (tmp_path / "modules.json").exists() and (tmp_path / "modules.json").stat().st_size)
    finally:
        output = stop_bot(bot, server)
    assert polled and (tmp_path / "modules.json").exists(), output
    loaded = set(json.loads((tmp_path / "modules.json").read_text()))
    assert "bot.ops.serve" in loaded and "telegram.ext" in loaded
    with Session(make_engine(sqlite_url)) as session:  # the rakor was planned (weekends and holidays looked at)
        assert session.exec(select(func.count()).select_from(Reminder).where(Reminder.chat_id == CHAT)).one() > 0
    assert {m for m in NOT_WHILE_IDLE if m in loaded} == set()
