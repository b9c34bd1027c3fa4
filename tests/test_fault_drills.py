"""Fault drills: ``pantau-ham run`` killed with SIGKILL at random moments while it sends, and restarted.

Against a local HTTP stand-in of the Bot API. Each drill kills the process 20 times, each time after a
random number of messages went out (so always in the middle of sending), restarts it, and lets the last
copy finish. Then: every message arrived, and a kill doubled at most the one message in flight.
The figures are printed (``pytest -s``) and summarised in the README.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from bot import broadcasts
from bot.clock import SystemClock
from bot.db import make_engine
from bot.models import Outbox, Reminder, Subscription
from bot.reference import provinces, regions
from bot.runtime import Runtime
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows
from tests.conftest import make_settings
from tests.http_bot_api import BotProcess, HttpBotApi, bot_env, wait_for

KILLS = 20
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the stand-in does not look inside the chart


def _unsettled(url: str, model) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(model).where(
                model.status.in_(("pending", "claimed")), model.due_at <= datetime.now(UTC))).one()
    finally:
        engine.dispose()


def _drill(api: HttpBotApi, url: str, tmp_path, model, expected: int, low: int, high: int, seed: int) -> dict:
    """Kill ``KILLS`` times after a random number (low..high) of new messages, then let one copy finish."""
    rng = random.Random(seed)
    env = bot_env(api, url)
    resume_delays = []
    started = time.monotonic()
    for kill in range(KILLS):
        before = len(api.accepted())
        bot = BotProcess(env, tmp_path, name=f"run{kill}")
        launched = time.monotonic()
        target = rng.randint(low, high)
        sends = lambda: sum(1 for c in api.accepted()[before:] if c.method in ("sendMessage", "sendPhoto"))  # noqa: E731
        try:
            wait_for(lambda: sends() >= 1, 60, what="the restarted copy to send")
            resume_delays.append(time.monotonic() - launched)
            wait_for(lambda: sends() >= target, 60, what=f"{target} messages")
            time.sleep(rng.uniform(0, 0.03))
            bot.proc.send_signal(signal.SIGKILL)
        finally:
            bot.kill()
        assert bot.proc.returncode == -signal.SIGKILL, bot.output
    final = BotProcess(env, tmp_path, name="final")
    try:
        wait_for(lambda: _unsettled(url, model) == 0, 120, interval=0.5, what="the last copy to finish")
        final.proc.send_signal(signal.SIGTERM)
        assert final.wait(10) == 0
    finally:
        final.kill()
    return {"kills": KILLS, "seconds": round(time.monotonic() - started, 1),
            "max_resume_seconds": round(max(resume_delays), 2), "expected": expected}


def test_sigkill_during_a_1000_reminder_dispatch(tmp_path):
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    chats = list(range(10_000, 11_000))
    settings = make_settings(url, cycle=None)
    rt = Runtime.start(settings, SystemClock())
    with rt.session() as session:
        now = rt.clock.now()
        # in three hours, reminded one day before: the planner has nothing to add (that offset has passed),
        # so the drill's rows are the whole dispatch
        local = (now + timedelta(hours=3)).astimezone(ZoneInfo("Asia/Makassar"))
        line = f"rakor Tapin {local:%Y-%m-%d %H:%M} Rakor latihan | ingatkan 1d"
        event = add(session, rt.clock, settings, parse_line(line), 111)
        session.add_all([Subscription(chat_id=c, target_code="63.05", created_by=111, created_at=now) for c in chats])
        insert_rows(session, event, [Planned(c, "snooze-drill", now - timedelta(seconds=1), now + timedelta(hours=2))
                                     for c in chats])
    rt.engine.dispose()
    with HttpBotApi() as api:
        api.know(111, *chats)
        api.send_delay = 0.005
        figures = _drill(api, url, tmp_path, Reminder, len(chats), low=10, high=75, seed=12)
    per_chat = Counter(int(p["chat_id"]) for p in api.sent() if "Rakor latihan" in p.get("text", ""))
    lost = [c for c in chats if per_chat[c] == 0]
    doubled = sum(n - 1 for n in per_chat.values() if n > 1)
    figures.update(lost=len(lost), doubled=doubled, messages=sum(per_chat.values()))
    print(f"\nreminder drill: {figures}")
    assert not lost
    # reminders to different chats go out in parallel: a kill can double the one in flight to each chat being
    # sent to at that moment (one or two at Telegram's pace); no chat gets a reminder more than twice
    assert doubled <= 2 * KILLS and max(per_chat.values()) <= 2
    engine = make_engine(url)
    with Session(engine) as session:
        statuses = Counter(session.exec(select(Reminder.status).where(Reminder.offset_key == "snooze-drill")).all())
    engine.dispose()
    assert statuses == {"sent": len(chats)}
    assert figures["max_resume_seconds"] < 15, "rows of a killed copy are taken back at once, not after the lease"


def test_sigkill_during_a_broadcast_to_45_groups(tmp_path):
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    # enough rows for 20 kills after 1-4 new messages each, now that a kill doubles few of them
    groups = [-100_100 - i for i in range(45)]
    settings = make_settings(url, cycle=None)
    rt = Runtime.start(settings, SystemClock())
    kalsel = provinces()["63"]
    with rt.session() as session:
        now = rt.clock.now()
        session.add_all([Subscription(chat_id=g, target_code="63", created_by=111, created_at=now) for g in groups])
        session.flush()
        # longer than a caption: each group gets two rows (the chart, then the text), the harder case for kills
        text = "<b>Hasil latihan</b>\nIsi pengumuman latihan.\n" + "Rincian kab/kota peserta latihan.\n" * 40
        cast = broadcasts.create(session, rt.clock, kalsel, 111, text, PNG)
        assert broadcasts.confirm(session, rt.clock, cast.id, 111, kalsel, {}) == len(groups)
    rt.engine.dispose()
    assert regions()["63.05"].province_code == "63"
    with HttpBotApi() as api:
        api.know(111, *groups)
        api.send_delay = 0.02
        figures = _drill(api, url, tmp_path, Outbox, 2 * len(groups) + 1, low=1, high=4, seed=21)
    texts = Counter(int(p["chat_id"]) for p in api.sent() if "Isi pengumuman latihan" in p.get("text", ""))
    charts = Counter(int(p["chat_id"]) for p in api.sent("sendPhoto"))
    reports = [p for p in api.sent() if int(p["chat_id"]) == 111 and "Laporan pengiriman" in p["text"]]
    lost = [g for g in groups if texts[g] == 0 or charts[g] == 0]
    doubled = sum(n - 1 for n in texts.values() if n > 1) + sum(n - 1 for n in charts.values() if n > 1) \
        + max(len(reports) - 1, 0)
    figures.update(lost=len(lost), doubled=doubled, doubled_charts=sum(n - 1 for n in charts.values() if n > 1),
                   messages=sum(texts.values()) + sum(charts.values()), reports=len(reports))
    print(f"\nbroadcast drill: {figures}")
    assert not lost and reports, "every group's chart and text, and the sender's delivery report"
    # different chats are sent in parallel: a kill can double the message in flight to each chat being sent to
    # at that moment. The drill kills soon after each restart (after 1-4 new messages), while the same first
    # rows are in flight again, so one chat's chart can be doubled at several kills; the total stays bounded
    assert doubled <= 2 * KILLS
    engine = make_engine(url)
    with Session(engine) as session:
        assert set(session.exec(select(Outbox.status)).all()) == {"sent"}
    engine.dispose()
