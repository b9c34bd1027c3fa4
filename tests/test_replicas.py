"""Two copies of ``pantau-ham run`` in webhook mode on one PostgreSQL, behind an imaginary load balancer.

Updates go alternately to one and the other (one guided conversation continued across both), while
reminders and a broadcast fall due at the same moment: every message goes out exactly once.
"""

from __future__ import annotations

import itertools
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import Session, select

from bot.core.clock import SystemClock
from bot.core.db import make_engine
from bot.core.models import Event, Outbox, Reminder, Subscription
from bot.domain.catalog import import_sample
from bot.domain.runtime import Runtime
from bot.messaging import broadcasts
from bot.reference import provinces
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows
from tests.conftest import make_settings
from tests.fakes import ApiCall, buttons_of
from tests.http_bot_api import HttpBotApi, command_update, http_post_json
from tests.processes import BotProcess, bot_env, free_port, http_status, wait_for

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

ADMIN = 111
CHATS = list(range(5101, 5141))
GROUPS = [-100_200 - i for i in range(10)]


def _prepare(url: str):
    settings = make_settings(url, cycle=None)
    rt = Runtime.start(settings, SystemClock())
    due = rt.clock.now() + timedelta(seconds=25)
    with rt.session() as session:
        import_sample(session, rt.clock)
        now = rt.clock.now()
        session.add_all([Subscription(chat_id=c, target_code="63.05", created_by=ADMIN, created_at=now) for c in CHATS])
        session.add_all([Subscription(chat_id=g, target_code="63", created_by=ADMIN, created_at=now) for g in GROUPS])
        line = parse_line(f"rakor Tapin {now.year + 1}-06-19 09:00 Rakor dua salinan")
        event = add(session, rt.clock, settings, line, ADMIN)
        insert_rows(session, event, [Planned(c, "snooze-replica", due, due + timedelta(days=1)) for c in CHATS])
        kalsel = provinces()["63"]
        cast = broadcasts.create(session, rt.clock, kalsel, ADMIN, "<b>Hasil dua salinan</b>\nIsi.", b"\x89PNG\r\n")
        broadcasts.confirm(session, rt.clock, cast.id, ADMIN, kalsel, {})
        # the messages fall due with the reminders; the sender's report follows when they have settled
        session.execute(update(Outbox).where(Outbox.broadcast_id == cast.id).values(due_at=due))
    rt.engine.dispose()
    return due


def _unsettled(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(func.count()).select_from(Reminder).where(
                Reminder.offset_key == "snooze-replica", Reminder.status.in_(("pending", "claimed")))).one()
            rows += session.exec(select(func.count()).select_from(Outbox).where(
                Outbox.status.in_(("pending", "claimed")))).one()
            return rows
    finally:
        engine.dispose()


class Balancer:
    """Sends each update to the next copy in turn and waits for the answer to the admin."""

    def __init__(self, api: HttpBotApi, ports: list[int]) -> None:
        self.api, self.ports = api, itertools.cycle(ports)
        self.ids = itertools.count(1)
        self.used: list[int] = []

    def _answers(self) -> list[ApiCall]:
        return [c for c in self.api.accepted() if c.method in ("sendMessage", "editMessageText")
                and int(c.params.get("chat_id", 0)) == ADMIN and "Laporan pengiriman" not in c.params.get("text", "")]

    def _post(self, payload: dict) -> ApiCall:
        before = len(self._answers())
        port = next(self.ports)
        self.used.append(port)
        assert http_post_json(f"http://127.0.0.1:{port}/hook", payload) == 200
        wait_for(lambda: len(self._answers()) > before, 30, what="an answer")
        return self._answers()[-1]

    def say(self, text: str) -> ApiCall:
        return self._post(command_update(next(self.ids), text, ADMIN))

    def press(self, call: ApiCall, label: str) -> ApiCall:
        data = next(d for lbl, d in buttons_of(call) if label in (lbl, d))
        query_id = f"q{next(self.ids)}"
        with self.api.lock:
            self.api.api.open_queries.add(query_id)
        user = {"id": ADMIN, "is_bot": False, "first_name": "Uji", "language_code": "id"}
        return self._post({"update_id": next(self.ids), "callback_query": {
            "id": query_id, "from": user, "chat_instance": "lb", "data": data, "message": call.result}})


def test_two_webhook_copies_send_everything_once_and_share_a_conversation(pg_url, tmp_path):
    due = _prepare(pg_url)
    ports = [free_port(), free_port()]
    with HttpBotApi() as api:
        api.know(ADMIN, *CHATS, *GROUPS)
        copies = []
        for i, port in enumerate(ports):
            env = bot_env(api, pg_url, PANTAU_WEBHOOK_URL="https://lb.example/hook", PANTAU_WEBHOOK_PORT=str(port),
                          PANTAU_WEBHOOK_LISTEN="127.0.0.1")
            copies.append(BotProcess(env, tmp_path, name=f"copy{i}"))
        try:
            for port in ports:
                wait_for(lambda p=port: _status(p) == 200, 60, what=f"copy on {port}")
            assert datetime.now(UTC) < due, "both copies run before the rows fall due"
            lb = Balancer(api, ports)
            kind = lb.say("/jadwal_tambah")
            assert "Jenis acara?" in kind.params["text"]
            scope = lb.press(kind, "Rapat koordinasi")
            assert "Untuk siapa?" in scope.params["text"]
            calendar = lb.say("Tapin")
            assert "Tanggal?" in calendar.params["text"]
            month = lb.press(calendar, "›")
            at = lb.press(month, "20")
            assert "Jam" in at.params["text"]
            title = lb.press(at, "09.00")
            preview = lb.say("Rakor lintas salinan")
            assert "Periksa lalu simpan" in preview.params["text"], preview.params["text"]
            saved = lb.press(preview, "💾 Simpan")
            assert "✔️ Acara dibuat" in saved.params["text"]
            assert set(lb.used) == set(ports) and title
            wait_for(lambda: _unsettled(pg_url) == 0, 90, interval=0.5, what="every reminder and broadcast row")
            wait_for(lambda: any("Laporan pengiriman" in p.get("text", "") for p in api.sent()), 30,
                     what="the delivery report")
        finally:
            for bot in copies:
                bot.proc.send_signal(signal.SIGTERM)
            for bot in copies:
                try:
                    bot.wait(15)
                finally:
                    bot.kill()
    reminders = Counter(int(p["chat_id"]) for p in api.sent() if "Rakor dua salinan" in p.get("text", ""))
    # the text fits a caption: one photo with the text under it (a longer text would be the chart, then the text)
    texts = Counter(int(p["chat_id"]) for p in api.sent() + api.sent("sendPhoto")
                    if "Hasil dua salinan" in (p.get("text") or p.get("caption") or ""))
    charts = Counter(int(p["chat_id"]) for p in api.sent("sendPhoto"))
    reports = [p for p in api.sent() if "Laporan pengiriman" in p.get("text", "")]
    assert reminders == Counter({c: 1 for c in CHATS})
    assert texts == Counter({g: 1 for g in GROUPS}) and charts == Counter({g: 1 for g in GROUPS})
    assert len(reports) == 1
    engine = make_engine(pg_url)
    with Session(engine) as session:
        events = session.exec(select(Event).where(Event.title == "Rakor lintas salinan")).all()
    engine.dispose()
    assert len(events) == 1
    for bot in copies:
        assert "Traceback" not in bot.output, bot.output


def _status(port: int) -> int | None:
    return http_status(f"http://127.0.0.1:{port}/healthz")
