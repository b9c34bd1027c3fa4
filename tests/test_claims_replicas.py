"""One-time things across two real webhook copies of ``pantau-ham run`` on one PostgreSQL.

The same update arrives at both copies at the same moment (two people opening one invitation, "Kirim" of
one import and of one broadcast pressed on both): exactly one takes effect, and the other person gets a
clear Indonesian answer, never a traceback.
"""

from __future__ import annotations

import itertools
import signal
import threading

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from bot.core.clock import SystemClock
from bot.core.db import make_engine
from bot.core.models import AuditEntry, Broadcast, ChecklistEntry, Role, RoleBinding, Subscription
from bot.domain.catalog import import_sample
from bot.domain.people import create_invite
from bot.domain.runtime import Runtime
from bot.reference import regions
from tests.conftest import make_settings
from tests.fakes import ApiCall, buttons_of
from tests.http_bot_api import HttpBotApi, command_update, http_post_json
from tests.processes import BotProcess, bot_env, free_port, wait_for
from tests.test_progress_import import HEADER, xlsx
from tests.test_replicas import _status

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

ADMIN = 111
NEWCOMERS = (7_001, 7_002)
GROUPS = (-100_901, -100_902)
ids = itertools.count(1)


def _prepare(url: str) -> str:
    rt = Runtime.start(make_settings(url), SystemClock())
    with rt.session() as session:
        import_sample(session, rt.clock)
        session.add_all([Subscription(chat_id=g, target_code="63", created_by=ADMIN, created_at=rt.clock.now())
                         for g in GROUPS])
        token = create_invite(session, rt.clock, Role.PIC, regions()["63.01"], ADMIN).token
    rt.engine.dispose()
    return token


def at_once(posts: list[tuple[int, dict]]) -> None:
    """POST each (port, update) from its own thread, released together."""
    barrier = threading.Barrier(len(posts))
    codes: list[int] = []

    def post(port: int, payload: dict) -> None:
        barrier.wait()
        codes.append(http_post_json(f"http://127.0.0.1:{port}/hook", payload))

    threads = [threading.Thread(target=post, args=p) for p in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert codes == [200] * len(posts)


def to(api: HttpBotApi, chat: int) -> list[ApiCall]:
    return [c for c in api.accepted() if int(c.params.get("chat_id") or 0) == chat
            and c.method in ("sendMessage", "editMessageText")]


def alerts(api: HttpBotApi) -> list[str]:
    return [c.params["text"] for c in api.accepted() if c.method == "answerCallbackQuery" and c.params.get("text")]


def press(api: HttpBotApi, call: ApiCall, label: str) -> dict:
    data = next(d for lbl, d in buttons_of(call) if label in (lbl, d))
    query_id = f"q{next(ids)}"
    with api.lock:
        api.api.open_queries.add(query_id)
    user = {"id": ADMIN, "is_bot": False, "first_name": "Uji", "language_code": "id"}
    return {"update_id": next(ids) + 1000, "callback_query": {
        "id": query_id, "from": user, "chat_instance": "two", "data": data, "message": call.result}}


def count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_one_time_things_pressed_on_two_copies_at_once(pg_url, tmp_path):
    token = _prepare(pg_url)
    ports = [free_port(), free_port()]
    engine = make_engine(pg_url)
    with HttpBotApi() as api:
        api.know(ADMIN, *NEWCOMERS, *GROUPS)
        copies = [BotProcess(bot_env(api, pg_url, PANTAU_WEBHOOK_URL="https://lb.example/hook",
                                     PANTAU_WEBHOOK_PORT=str(port), PANTAU_WEBHOOK_LISTEN="127.0.0.1"),
                             tmp_path, name=f"copy{i}") for i, port in enumerate(ports)]
        try:
            for port in ports:
                wait_for(lambda p=port: _status(p) == 200, 60, what=f"copy on {port}")

            # one invitation, opened by two people at once, each on a different copy
            at_once([(port, command_update(next(ids), f"/start {token}", person))
                     for port, person in zip(ports, NEWCOMERS, strict=True)])
            wait_for(lambda: all(to(api, p) for p in NEWCOMERS), 30, what="both answers")
            answers = {p: to(api, p)[-1].params["text"] for p in NEWCOMERS}
            welcomed = [p for p, text in answers.items() if "Anda kini PIC (narahubung kab/kota)" in text]
            refused = [p for p, text in answers.items() if "Tautan undangan ini sudah dipakai" in text]
            assert len(welcomed) == 1 and len(refused) == 1, answers
            assert count(engine, RoleBinding, RoleBinding.user_id.in_(NEWCOMERS)) == 1

            # one import previewed, "Kirim" pressed on both copies at once
            with api.lock:
                api.api.files["progres-dua"] = xlsx([HEADER, ["Tapin", "1.01", "lengkap", "", ""],
                                                     ["Tapin", "1.02", "proses", "", ""]])
            document = {"file_id": "progres-dua", "file_unique_id": "u-dua", "file_name": "progres.xlsx",
                        "file_size": 5000}
            upload = command_update(next(ids), "berkas", ADMIN)
            upload["message"].pop("text")
            upload["message"].pop("entities")
            upload["message"]["document"] = document
            before = len(to(api, ADMIN))
            assert http_post_json(f"http://127.0.0.1:{ports[0]}/hook", upload) == 200
            wait_for(lambda: len(to(api, ADMIN)) > before, 30, what="the preview")
            preview = to(api, ADMIN)[-1]
            assert "Pratinjau impor progres" in preview.params["text"]
            shown_alerts = len(alerts(api))
            at_once([(port, press(api, preview, "✅ Kirim")) for port in ports])
            wait_for(lambda: any("selesai" in c.params["text"] for c in to(api, ADMIN)), 30, what="the import")
            wait_for(lambda: len(alerts(api)) > shown_alerts, 30, what="the other press's answer")
            assert "Tombol untuk berkas ini sudah ditekan (Kirim atau Batal)" in alerts(api)[-1]
            assert count(engine, AuditEntry, AuditEntry.action == "checklist.import") == 1
            assert count(engine, ChecklistEntry, ChecklistEntry.region_code == "63.05") == 2

            # one broadcast previewed, "Kirim" pressed on both copies at once
            before = len(to(api, ADMIN))
            assert http_post_json(f"http://127.0.0.1:{ports[1]}/hook",
                                  command_update(next(ids), "/umumkan Kalsel", ADMIN)) == 200
            wait_for(lambda: any("Kirim" in label for c in to(api, ADMIN)[before:] for label, _ in buttons_of(c)),
                     60, what="the broadcast preview")
            preview = next(c for c in to(api, ADMIN)[before:] if any("Kirim" in lbl for lbl, _ in buttons_of(c)))
            label = next(lbl for lbl, _ in buttons_of(preview) if "Kirim" in lbl)
            before = len(to(api, ADMIN))
            at_once([(port, press(api, preview, label)) for port in ports])
            def answered() -> list[str]:
                return [c.params["text"] for c in to(api, ADMIN)[before:]]
            # both answers (the delivery report may come before or between them: wait for the two themselves)
            wait_for(lambda: any("Sedang dikirim ke 2 penerima" in t for t in answered())
                     and any("Pengumuman ini sudah dikirim atau dibatalkan" in t for t in answered()),
                     30, what="both answers to Kirim")
            texts = answered()
            assert sum("Sedang dikirim ke 2 penerima" in t for t in texts) == 1, texts
            assert sum("Pengumuman ini sudah dikirim atau dibatalkan" in t for t in texts) == 1, texts
            assert count(engine, AuditEntry, AuditEntry.action == "broadcast.confirm") == 1
            assert count(engine, Broadcast, Broadcast.status == "confirmed") == 1
        finally:
            for bot in copies:
                bot.proc.send_signal(signal.SIGTERM)
            for bot in copies:
                try:
                    bot.wait(15)
                finally:
                    bot.kill()
            engine.dispose()
    for bot in copies:
        assert "Traceback" not in bot.output, bot.output
