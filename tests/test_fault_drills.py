"""Fault drills: ``pantau-ham run`` as a real process against the HTTP stand-in of the Bot API.

**Kills.** The process is killed with SIGKILL 20 times while it sends, each time by the stand-in itself at
the moment it accepts a chosen (seeded) n-th message, so always in the middle of sending, then restarted; a
last copy finishes. The guarantee per kill, in terms the stand-in can count: the messages doubled are at
most those *in flight* at the kill (accepted by Telegram, their outcome not yet committed), and those are
never more than the engine's cap (``MAX_IN_FLIGHT``), nor are the requests the stand-in serves at once.

**Telegram misbehaving.** Through ``tests/fault_proxy.py``: a share of sends answered 500 without being
delivered, a share held (delivered, the answer kept 20 s, or past the bot's timeout so that the answer is
lost). Nothing is lost, a message is doubled only when its answer was lost, and the sender's delivery report
comes at its deadline naming what is still pending. The figures are printed (``pytest -s``) and kept in
``docs/operations.md`` ("Fault drills").
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from bot.core.clock import SystemClock
from bot.core.db import make_engine
from bot.core.models import Chat, Outbox, Reminder, Subscription
from bot.domain.runtime import Runtime
from bot.messaging import broadcasts
from bot.messaging.engine import MAX_IN_FLIGHT
from bot.reference import provinces
from bot.telegram.sender import READ_TIMEOUT
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows
from tests.conftest import make_settings
from tests.fault_proxy import FaultProxy
from tests.http_bot_api import HttpBotApi
from tests.processes import BotProcess, bot_env, wait_for

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

KILLS = 20
ADMIN = 111
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the stand-in does not look inside the chart
LONG_TEXT = "<b>Hasil latihan</b>\nIsi pengumuman latihan.\n" + "Rincian kab/kota peserta latihan.\n" * 40


class DrillApi(HttpBotApi):
    """The stand-in, counting the sends it serves at once, and killing the bot when it accepts the n-th."""

    def __init__(self) -> None:
        super().__init__()
        self.serving = self.peak_serving = self.accepted_sends = 0
        self.kill_at: int | None = None
        self.victim: int | None = None  # pid
        self.counting = threading.Lock()

    def handle_call(self, method: str, params: dict, files: dict) -> tuple[int, dict]:
        sending = method in ("sendMessage", "sendPhoto")
        if sending:
            with self.counting:
                self.serving += 1
                self.peak_serving = max(self.peak_serving, self.serving)
        try:
            status, answer = super().handle_call(method, params, files)
            if sending and status == 200:
                with self.counting:
                    self.accepted_sends += 1
                    if self.kill_at is not None and self.accepted_sends >= self.kill_at and self.victim:
                        os.kill(self.victim, signal.SIGKILL)  # accepted, its answer never reaches the bot
                        self.kill_at = None
            return status, answer
        finally:
            if sending:
                with self.counting:
                    self.serving -= 1


def _unsettled(url: str, model) -> int:
    """The drill's rows not yet settled, due or waiting for another try."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            query = select(func.count()).select_from(model).where(model.status.in_(("pending", "claimed")))
            if model is Reminder:
                query = query.where(Reminder.offset_key == "snooze-drill")
            return session.exec(query).one()
    finally:
        engine.dispose()


def _statuses(url: str, model, keys: set) -> dict:
    """{key: status} of the rows behind ``keys`` (chat ids of reminders, outbox keys)."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            if model is Reminder:
                rows = session.exec(select(Reminder.chat_id, Reminder.status).where(
                    Reminder.offset_key == "snooze-drill")).all()
            else:
                rows = session.exec(select(Outbox.key, Outbox.status)).all()
        return {k: s for k, s in rows if k in keys}
    finally:
        engine.dispose()


def _claimed_by_pid(url: str, model, pid: int) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(model).where(
                model.status == "claimed", model.claimed_by.like(f"%:{pid}:%"))).one()
    finally:
        engine.dispose()


def _quiet(api: DrillApi, calm: float = 0.3) -> None:
    """Until the stand-in has answered everything it received: nothing served and nothing new for ``calm`` s."""
    seen, since = -1, time.monotonic()
    deadline = since + 30
    while time.monotonic() < deadline:
        now = (api.serving, len(api.calls()))
        if now[0] or now[1] != seen:
            seen, since = now[1], time.monotonic()
        elif time.monotonic() - since >= calm:
            return
        time.sleep(0.02)
    raise AssertionError("the stand-in kept answering after the bot was killed")


def _kill_drill(api: DrillApi, url: str, tmp_path, model, key_of: Callable, low: int, high: int, seed: int) -> dict:
    """Kill ``KILLS`` times at the n-th (low..high) message accepted after each start, then let one copy finish.
    ``key_of(call)`` names the row an accepted message belongs to (None: not the drill's)."""
    rng = random.Random(seed)
    env = bot_env(api, url)
    in_flight_at_kill, resume_delays, killed = [], [], []
    started = time.monotonic()
    for kill in range(KILLS):
        before = len(api.accepted())
        bot = BotProcess(env, tmp_path, name=f"run{kill}")
        launched = time.monotonic()
        try:
            with api.counting:
                sends = api.accepted_sends
                api.victim, api.kill_at = bot.proc.pid, sends + rng.randint(low, high)
            wait_for(lambda s=sends: api.accepted_sends > s, 60, what="the restarted copy to send")
            resume_delays.append(time.monotonic() - launched)
            for pid in killed:  # the rows a killed copy held were taken back before this one sent anything
                assert _claimed_by_pid(url, model, pid) == 0
            assert bot.proc.wait(timeout=120) == -signal.SIGKILL, bot.output
        finally:
            bot.kill()
        killed.append(bot.proc.pid)
        # requests the copy made before it died may still be being answered: count them with this kill
        _quiet(api)
        keys = {key_of(c) for c in api.accepted()[before:]} - {None}
        # in flight at the kill: accepted by Telegram (so delivered), its outcome not committed (so sent again)
        in_flight_at_kill.append(sum(1 for s in _statuses(url, model, keys).values() if s != "sent"))
    final = BotProcess(env, tmp_path, name="final")
    try:
        wait_for(lambda: _unsettled(url, model) == 0, 180, interval=0.5, what="the last copy to finish")
        final.proc.send_signal(signal.SIGTERM)
        assert final.wait(15) == 0
    finally:
        final.kill()
    delivered = Counter(key_of(c) for c in api.accepted() if key_of(c) is not None)
    return {"kills": KILLS, "seconds": round(time.monotonic() - started, 1),
            "max_resume_seconds": round(max(resume_delays), 2), "in_flight_at_kills": in_flight_at_kill,
            "peak_served_at_once": api.peak_serving, "delivered": delivered,
            "doubled": sum(n - 1 for n in delivered.values())}


def _assert_kill_guarantees(figures: dict) -> None:
    # a kill doubles at most the messages in flight at that moment, and those never exceed the documented cap
    assert figures["doubled"] <= sum(figures["in_flight_at_kills"])
    assert max(figures["in_flight_at_kills"]) <= MAX_IN_FLIGHT
    assert figures["peak_served_at_once"] <= MAX_IN_FLIGHT


def _reminder_rows(url: str, chats: list[int], title: str) -> None:
    settings = make_settings(url, cycle=None)
    rt = Runtime.start(settings, SystemClock())
    with rt.session() as session:
        now = rt.clock.now()
        # in three hours, reminded one day before: the planner has nothing to add (that offset has passed),
        # so the drill's rows are the whole dispatch
        local = (now + timedelta(hours=3)).astimezone(ZoneInfo("Asia/Makassar"))
        line = f"rakor Tapin {local:%Y-%m-%d %H:%M} {title} | ingatkan 1d"
        event = add(session, rt.clock, settings, parse_line(line), ADMIN)
        session.add_all([Subscription(chat_id=c, target_code="63.05", created_by=ADMIN, created_at=now) for c in chats])
        insert_rows(session, event, [Planned(c, "snooze-drill", now - timedelta(seconds=1), now + timedelta(hours=2))
                                     for c in chats])
    rt.engine.dispose()


def _broadcast(url: str, groups: list[int], report_grace: timedelta) -> tuple[int, datetime]:
    """A confirmed broadcast too long for a caption (the chart, then the text: two rows per group)."""
    rt = Runtime.start(make_settings(url, cycle=None), SystemClock())
    kalsel = provinces()["63"]
    with rt.session() as session:
        now = rt.clock.now()
        session.add_all([Subscription(chat_id=g, target_code="63", created_by=ADMIN, created_at=now) for g in groups])
        session.add_all([Chat(id=g, kind="supergroup", title=f"Grup {i + 1}", updated_at=now)
                         for i, g in enumerate(groups)])
        session.flush()
        cast = broadcasts.create(session, rt.clock, kalsel, ADMIN, LONG_TEXT, PNG)
        assert broadcasts.confirm(session, rt.clock, cast.id, ADMIN, kalsel, {}, report_grace=report_grace) \
            == len(groups)
        cast_id = cast.id
        deadline = session.exec(select(Outbox.due_at).where(Outbox.key == f"report:{cast_id}")).one()
    rt.engine.dispose()
    return cast_id, deadline


def _broadcast_key(cast: int) -> Callable:
    def key_of(call) -> str | None:
        chat = int(call.params.get("chat_id", 0))
        if call.method == "sendPhoto":
            return f"broadcast:{cast}:{chat}:chart"
        text = call.params.get("text", "")
        if "Isi pengumuman latihan" in text:
            return f"broadcast:{cast}:{chat}"
        if chat == ADMIN and "Laporan pengiriman" in text:
            return f"report:{cast}"
        return None

    return key_of


def test_sigkill_during_a_1000_reminder_dispatch(tmp_path):
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    chats = list(range(10_000, 11_000))
    _reminder_rows(url, chats, "Rakor latihan")
    with DrillApi() as api:
        api.know(ADMIN, *chats)
        api.send_delay = 0.005

        def key_of(call) -> int | None:
            text = call.params.get("text", "")
            return int(call.params["chat_id"]) if "Rakor latihan" in text else None

        figures = _kill_drill(api, url, tmp_path, Reminder, key_of, low=10, high=75, seed=12)
    delivered = figures.pop("delivered")
    lost = [c for c in chats if delivered[c] == 0]
    print(f"\nreminder kill drill: lost {len(lost)}, {figures}")
    assert not lost
    _assert_kill_guarantees(figures)
    assert set(_statuses(url, Reminder, set(chats)).values()) == {"sent"}


def test_sigkill_during_a_broadcast_to_30_groups(tmp_path):
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    groups = [-100_100 - i for i in range(30)]
    cast, _deadline = _broadcast(url, groups, report_grace=timedelta(minutes=30))  # one report, the final one
    with DrillApi() as api:
        api.know(ADMIN, *groups)
        api.send_delay = 0.02
        figures = _kill_drill(api, url, tmp_path, Outbox, _broadcast_key(cast), low=1, high=4, seed=21)
    delivered = figures.pop("delivered")
    lost = [g for g in groups if not delivered[f"broadcast:{cast}:{g}"] or not delivered[f"broadcast:{cast}:{g}:chart"]]
    print(f"\nbroadcast kill drill: lost {len(lost)}, {figures}")
    assert not lost and delivered[f"report:{cast}"], "every group's chart and text, and the sender's delivery report"
    _assert_kill_guarantees(figures)
    engine = make_engine(url)
    with Session(engine) as session:
        assert set(session.exec(select(Outbox.status)).all()) == {"sent"}
    engine.dispose()


def _misbehaving(api: HttpBotApi, url: str, tmp_path, proxy: FaultProxy, model,
                 done: Callable[[], bool] = lambda: True) -> float:
    """Run one copy through the proxy until every due row has settled and ``done()``; seconds it took."""
    env = bot_env(api, url, TELEGRAM_API_BASE_URL=proxy.base_url, PANTAU_RETRY_SECONDS="2")
    started = time.monotonic()
    bot = BotProcess(env, tmp_path, name="faults")
    try:
        wait_for(lambda: _unsettled(url, model) == 0 and done(), 300, interval=0.5, what="every row to settle")
        bot.proc.send_signal(signal.SIGTERM)
        assert bot.wait(40) == 0, bot.output
    finally:
        bot.kill()
    assert "Traceback" not in bot.output, bot.output
    return round(time.monotonic() - started, 1)


def _fault_figures(proxy: FaultProxy, sends: int, doubled: int, seconds: float) -> dict:
    held = proxy.of("hold")
    return {"sends": sends, "answered_500": len(proxy.of("fail")),
            "held_answered": sum(1 for r in held if not r.answer_lost), "answers_lost": proxy.lost_answers(),
            "doubled": doubled, "doubled_per_message_%": round(100 * doubled / max(sends, 1), 1), "seconds": seconds}


def test_300_reminders_through_500s_and_lost_answers(tmp_path):
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    chats = list(range(20_000, 20_300))
    _reminder_rows(url, chats, "Rakor gangguan")
    with HttpBotApi() as api, FaultProxy(api.base_url, seed=5, fail=0.25, hold=0.06, hold_seconds=(20.0, 35.0),
                                         client_timeout=READ_TIMEOUT) as proxy:
        api.know(ADMIN, *chats)
        seconds = _misbehaving(api, url, tmp_path, proxy, Reminder)
        per_chat = Counter(int(p["chat_id"]) for p in api.sent() if "Rakor gangguan" in p.get("text", ""))
        doubled = sum(n - 1 for n in per_chat.values())
        figures = _fault_figures(proxy, len(chats), doubled, seconds)
        print(f"\n300 reminders through faults: {figures}")
        assert proxy.of("fail") and proxy.lost_answers() and figures["held_answered"], "the seed gives every fault"
        assert not [c for c in chats if per_chat[c] == 0], "nothing is lost"
        for chat, n in per_chat.items():  # doubled only where Telegram's answer was lost, at most once per loss
            assert n - 1 <= proxy.lost_answers(chat), chat
    assert set(_statuses(url, Reminder, set(chats)).values()) == {"sent"}


def test_a_broadcast_to_30_groups_through_500s_and_lost_answers(tmp_path):
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    groups = [-100_300 - i for i in range(30)]
    names = {g: f"Grup {i + 1}" for i, g in enumerate(groups)}
    cast, deadline = _broadcast(url, groups, report_grace=timedelta(seconds=15))
    with HttpBotApi() as api, FaultProxy(api.base_url, seed=3, fail=0.25, hold=0.1, hold_seconds=(20.0, 35.0),
                                         client_timeout=READ_TIMEOUT) as proxy:
        api.know(ADMIN, *groups)
        stamps: dict[int, float] = {}
        api.api.listener = lambda call: stamps.setdefault(id(call), time.time())
        seconds = _misbehaving(api, url, tmp_path, proxy, Outbox,
                               done=lambda: any("Terkirim: 30" in p.get("text", "") for p in api.sent()))
        calls = api.accepted()
    key_of = _broadcast_key(cast)
    delivered = Counter(key_of(c) for c in calls if key_of(c) is not None)
    doubled = sum(n - 1 for k, n in delivered.items() if not k.startswith("report"))
    figures = _fault_figures(proxy, 2 * len(groups), doubled, seconds)
    reports = [c for c in calls if key_of(c) == f"report:{cast}"]
    figures["reports"] = [c.params["text"].split("\n")[0] for c in reports]
    print(f"\nbroadcast through faults: {figures}")
    assert proxy.lost_answers() and proxy.of("fail"), "the seed gives every fault"
    assert all(delivered[f"broadcast:{cast}:{g}"] and delivered[f"broadcast:{cast}:{g}:chart"] for g in groups)
    for g in groups:  # doubled only where Telegram's answer was lost
        assert delivered[f"broadcast:{cast}:{g}"] + delivered[f"broadcast:{cast}:{g}:chart"] - 2 \
            <= proxy.lost_answers(g), names[g]
    # the report at its deadline: interim, naming every group whose messages had not all gone out by then
    interim, final = reports[0], reports[-1]
    assert "sementara" in interim.params["text"] and "sementara" not in final.params["text"]
    assert "Terkirim: 30" in final.params["text"]
    assert datetime.fromtimestamp(stamps[id(interim)], UTC) >= deadline  # not before its deadline
    pending_line = next(line for line in interim.params["text"].split("\n") if line.startswith("Masih diproses"))
    before = {key_of(c) for c in calls[:calls.index(interim)]}
    incomplete = {g for g in groups if not {f"broadcast:{cast}:{g}", f"broadcast:{cast}:{g}:chart"} <= before}
    named = {g for g in groups if f"{names[g]}," in pending_line or f"{names[g]})" in pending_line}
    assert named and incomplete <= named, (pending_line, sorted(names[g] for g in incomplete))
