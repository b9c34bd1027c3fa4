"""Reminder lateness: how long after falling due a reminder reaches the (fake) Bot API.

The real ``pantau-ham run`` process on the national dataset; before it starts, 40 reminders of a rakor
are put in the ledger for 40 subscribed chats, falling due one every 0.75 s from 12 s after the start.
The bot plans, then sleeps until the next due row. Prints median and worst lateness
(before issue 8 the dispatcher looked every 30 s: median 24 s).

    python -m bench.reminders
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.dataset import build, settings_for
from bench.fake_bot_api import FakeBotAPI
from bench.processes import pantau, percentile
from bot.core.clock import SystemClock
from bot.domain.runtime import Runtime
from bot.domain.subscriptions import subscribe
from bot.reference import regions
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows

TOKEN = "1:pantau"
CHATS = [700_000 + i for i in range(40)]


def main() -> None:
    work = Path(tempfile.mkdtemp()) / "national.db"
    shutil.copyfile(build(), work)
    rt = Runtime.start(settings_for(f"sqlite:///{work}"), SystemClock())
    first = datetime.now(UTC) + timedelta(seconds=12)
    due = {}
    with rt.session() as session:
        day = (datetime.now(UTC) + timedelta(days=200)).date().isoformat()
        event = add(session, rt.clock, rt.settings, parse_line(f"rakor Tapin {day} 09:00 Rakor uji lateness"), 1)
        for i, chat in enumerate(CHATS):
            subscribe(session, rt.clock, chat, regions()["63.05"], 2)
            due[chat] = first + timedelta(seconds=0.75 * i)
        insert_rows(session, event,
                    [Planned(chat, "snooze-bench", at, at + timedelta(days=1)) for chat, at in due.items()])
    rt.engine.dispose()
    wall_minus_mono = time.time() - time.monotonic()
    with FakeBotAPI() as server, pantau(server, TOKEN, work) as bot:
        server.know(TOKEN, CHATS)
        bot.wait_polling()
        server.wait_for(lambda: all(server.sent(TOKEN, chat) for chat in CHATS), 90)
        late = []
        for chat in CHATS:
            calls = [c for c in server.sent(TOKEN, chat) if "Rakor uji lateness" in str(c.params.get("text", ""))]
            if calls:
                late.append(calls[0].at + wall_minus_mono - due[chat].timestamp())
    print("lateness per reminder", " ".join(f"{x:.1f}" for x in late))
    print(f"reminders delivered  {len(late)} of {len(CHATS)}")
    print(f"lateness median      {percentile(late, 50):.2f} s")
    print(f"lateness worst       {max(late):.2f} s  (goal ≤ 2 s)")


if __name__ == "__main__":
    main()
