"""``pantau-ham run`` from the outside: webhook on the URL's path, /healthz, 409, SIGTERM, logs, file modes."""

from __future__ import annotations

import json
import logging
import os
import signal
import stat
import subprocess
import time
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bot.core import liveness
from bot.core.clock import FixedClock, SystemClock
from bot.core.db import make_engine, upgrade
from bot.core.liveness import health
from bot.core.logs import configure
from bot.core.models import Reminder, Worker
from bot.domain.runtime import Runtime
from bot.domain.subscriptions import subscribe
from bot.reference import regions
from schedules.calendar import parse_line
from schedules.events import add
from schedules.planner import Planned, insert_rows
from tests.conftest import NOW, make_settings
from tests.http_bot_api import HttpBotApi, command_update, http_post_json
from tests.processes import TOKEN, BotProcess, bot_env, clean_env, free_port, http_get, http_status, run_cli, wait_for


@pytest.mark.slow
def test_webhook_answers_on_the_urls_path_and_serves_health(sqlite_url, tmp_path):
    port, health_port = free_port(), free_port()
    with HttpBotApi() as api:
        api.know(111)
        env = bot_env(api, sqlite_url, PANTAU_WEBHOOK_URL="https://bot.kanwil.example/pantau",
                      PANTAU_WEBHOOK_LISTEN="127.0.0.1", PANTAU_WEBHOOK_PORT=str(port),
                      PANTAU_WEBHOOK_SECRET="rahasia-uji", PANTAU_HEALTH_PORT=str(health_port))
        bot = BotProcess(env, tmp_path)
        try:
            wait_for(lambda: "setWebhook" in api.methods(), 30, what="setWebhook")
            hook = api.sent("setWebhook")[0]
            assert hook["url"] == "https://bot.kanwil.example/pantau" and hook["secret_token"] == "rahasia-uji"
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: _status(f"{base}/healthz") == 200, 20, what="/healthz")
            # Telegram posts to the path of the URL, with the secret
            secret = {"X-Telegram-Bot-Api-Secret-Token": "rahasia-uji"}
            assert http_post_json(f"{base}/pantau", command_update(1, "/bantuan"), secret) == 200
            wait_for(lambda: any(int(p["chat_id"]) == 111 for p in api.sent()), 20, what="the answer to /bantuan")
            # a post elsewhere or without the secret is not an update
            assert http_post_json(f"{base}/", command_update(2, "/bantuan"), secret) in (404, 405)
            assert http_post_json(f"{base}/pantau", command_update(3, "/bantuan"), {}) == 403
            # the public port says only whether the bot is well; the details are on the health port
            code, body = http_get(f"{base}/healthz")
            assert code == 200 and json.loads(body) == {"status": "ok"}
            code, body = http_get(f"http://127.0.0.1:{health_port}/healthz")
            state = json.loads(body)
            assert code == 200 and state["status"] == "ok" and state["database"] is True
            assert state["mode"] == "webhook" and state["version"] and state["last_telegram_ok"]
            assert state["pending_reminders"] == 0 and state["pending_outbox"] == 0
            wait_for(lambda: json.loads(http_get(f"http://127.0.0.1:{health_port}/healthz")[1])["last_tick"], 10,
                     what="a tick")
            # the container's HEALTHCHECK command says the same
            check = run_cli(tmp_path, env, "health", timeout=30)
            assert check.returncode == 0, check.stdout + check.stderr
            assert json.loads(check.stdout)["database"] is True
            time.sleep(0.5)
            bot.proc.send_signal(signal.SIGTERM)
            assert bot.wait(10) == 0
        finally:
            bot.kill()
    answers = [p["text"][:80] for p in api.sent() if int(p["chat_id"]) == 111]
    assert len(answers) == 1, answers
    assert TOKEN not in bot.output and TOKEN.split(":")[1] not in bot.output
    assert "rahasia-uji" not in bot.output


def _status(url: str) -> int | None:
    return http_status(url, timeout=1)


@pytest.mark.slow
def test_a_second_poller_leaves_with_a_clear_message(sqlite_url, tmp_path):
    with HttpBotApi() as api:
        api.conflict = True  # Telegram: another copy is already polling with this token
        bot = BotProcess(bot_env(api, sqlite_url), tmp_path)
        try:
            code = bot.wait(30)
        finally:
            bot.kill()
    assert code == 3
    assert "409 Conflict" in bot.output and "Salinan ini berhenti" in bot.output
    assert bot.output.count("Traceback") == 0


def _due_reminders(database_url: str, chats: list[int]) -> None:
    settings = make_settings(database_url, cycle=None)
    rt = Runtime.start(settings, SystemClock())
    with rt.session() as session:
        line = parse_line(f"rakor Tapin {rt.clock.now().year + 1}-06-19 09:00 Rakor uji coba")
        event = add(session, rt.clock, settings, line, 111)
        now = rt.clock.now()
        for chat in chats:
            subscribe(session, rt.clock, chat, regions()["63.05"], 111)
            due = now - timedelta(seconds=1)
            insert_rows(session, event, [Planned(chat, "snooze-x", due, now + timedelta(days=1))])
    rt.engine.dispose()


@pytest.mark.slow
def test_sigterm_stops_within_10_s_when_telegram_hangs_and_gives_claims_back(sqlite_url, tmp_path):
    chats = list(range(5001, 5031))
    _due_reminders(sqlite_url, chats)
    health_port = free_port()
    with HttpBotApi() as api:
        api.know(111, *chats)
        bot = BotProcess(bot_env(api, sqlite_url, PANTAU_HEALTH_PORT=str(health_port),
                                 PANTAU_WEBHOOK_LISTEN="127.0.0.1", PANTAU_LOG_FORMAT="json"), tmp_path)
        try:
            wait_for(lambda: len(api.sent()) >= 3, 30, what="the first reminders")
            code, body = http_get(f"http://127.0.0.1:{health_port}/healthz")
            assert code == 200 and json.loads(body)["mode"] == "polling"
            api.hang = True  # Telegram stops answering, with sends in flight
            time.sleep(1.0)
            started = time.monotonic()
            bot.proc.send_signal(signal.SIGTERM)
            code = bot.wait(15)
            took = time.monotonic() - started
        finally:
            bot.kill()
            api.hang = False
    assert took < 10, f"took {took:.1f} s to stop"
    assert code == 0
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        rows = session.exec(select(Reminder).where(Reminder.offset_key == "snooze-x")).all()
        workers = session.exec(select(Worker)).all()
    engine.dispose()
    assert not [r for r in rows if r.status == "claimed"], "nothing left half done"
    sent_chats = {int(p["chat_id"]) for p in api.sent()}
    assert {r.chat_id for r in rows if r.status == "sent"} <= sent_chats
    assert [r for r in rows if r.status == "pending"], "the unsent ones wait for the next start"
    assert all(w.stopped_at is not None for w in workers)
    # JSON lines, no token anywhere
    lines = [json.loads(line) for line in bot.output.splitlines() if line.startswith("{")]
    assert lines and all({"ts", "level", "logger", "message"} <= set(entry) for entry in lines)
    assert TOKEN not in bot.output and TOKEN.split(":")[1] not in bot.output


@pytest.mark.slow
def test_each_update_is_one_json_line_with_update_chat_and_command(sqlite_url, tmp_path):
    port = free_port()
    with HttpBotApi() as api:
        api.know(111)
        env = bot_env(api, sqlite_url, PANTAU_WEBHOOK_URL="https://host.example/hook", PANTAU_WEBHOOK_PORT=str(port),
                      PANTAU_WEBHOOK_LISTEN="127.0.0.1", PANTAU_LOG_FORMAT="json")
        bot = BotProcess(env, tmp_path)
        try:
            wait_for(lambda: _status(f"http://127.0.0.1:{port}/healthz") == 200, 30, what="/healthz")
            assert http_post_json(f"http://127.0.0.1:{port}/hook", command_update(77, "/status Tapin")) == 200
            wait_for(lambda: api.sent(), 20, what="the answer")
            bot.proc.send_signal(signal.SIGTERM)
            bot.wait(10)
        finally:
            bot.kill()
    events = [json.loads(line) for line in bot.output.splitlines() if line.startswith("{")]
    update = [e for e in events if e.get("update_id") == 77]
    assert update and update[0]["chat_id"] == 111 and update[0]["command"] == "/status"
    assert "Tapin" not in json.dumps(update)  # what people type stays out of the log


@pytest.fixture
def own_logging():
    """configure() replaces the root handlers with one on the (captured) stderr: put the old ones back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_token_never_reaches_the_log(log_format, capsys, own_logging):
    configure(log_format, [TOKEN])
    log = logging.getLogger("pantau_ham.test")
    try:
        raise httpx.ConnectError(f"could not reach https://api.telegram.org/bot{TOKEN}/sendMessage")
    except httpx.ConnectError:
        log.exception("send failed for https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning("another shape: %s", "https://api.telegram.org/bot999999:ABCDEFGHIJKLMNOPQRSTUVWXYZ/getMe")
    err = capsys.readouterr().err
    assert "sendMessage" in err and "getMe" in err
    assert TOKEN not in err and TOKEN.split(":")[1] not in err and "ABCDEFGHIJKLMNOPQRSTUVWXYZ" not in err


def test_sqlite_database_and_its_wal_files_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        url = f"sqlite:///{tmp_path / 'var' / 'pantau.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            conn.commit()
            files = [tmp_path / "var" / name for name in ("pantau.db", "pantau.db-wal", "pantau.db-shm")]
            assert all(f.exists() for f in files)
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
        engine.dispose()
    finally:
        os.umask(old)
    assert modes == {"pantau.db": 0o600, "pantau.db-wal": 0o600, "pantau.db-shm": 0o600}


def test_health_fails_when_the_database_is_unreachable_or_the_ticker_stalls(sqlite_url):
    clock = FixedClock(NOW)
    engine = make_engine(sqlite_url)
    upgrade(engine)
    fine = health(engine, clock, NOW, NOW - timedelta(seconds=20), NOW, tick_seconds=30, mode="polling")
    stalled = health(engine, clock, NOW, NOW - timedelta(minutes=5), NOW, tick_seconds=30, mode="polling")
    engine.dispose()
    gone = make_engine(f"postgresql://nobody@127.0.0.1:{free_port()}/none")
    unreachable = health(gone, clock, NOW, NOW, NOW, tick_seconds=30, mode="polling")
    assert fine.ok and fine.as_json()["status"] == "ok"
    assert not stalled.ok and stalled.database and not stalled.ticker
    assert not unreachable.ok and not unreachable.database and unreachable.as_json()["status"] == "fail"


@pytest.mark.slow
def test_telegram_unreachable_from_the_start_stops_on_time_and_hides_the_token(sqlite_url, tmp_path):
    closed = free_port()  # nothing listens: connection refused, and the URL carries the token
    env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=sqlite_url, PANTAU_ADMIN_IDS="111",
                    TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed}/bot")
    bot = BotProcess(env, tmp_path)
    try:
        wait_for(lambda: "not reachable" in bot.output, 30, what="the bot to notice Telegram is away")
        started = time.monotonic()
        bot.proc.send_signal(signal.SIGTERM)
        code = bot.wait(15)
        took = time.monotonic() - started
    finally:
        bot.kill()
    assert code == 0 and took < 10
    assert TOKEN not in bot.output and TOKEN.split(":")[1] not in bot.output


@pytest.mark.slow
def test_the_only_copy_that_has_not_reached_telegram_is_starting_not_standing_by(sqlite_url, tmp_path):
    closed = free_port()  # nothing listens: Telegram is away from the start
    env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=sqlite_url, PANTAU_ADMIN_IDS="111",
                    TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed}/bot")
    bot = BotProcess(env, tmp_path)
    try:
        wait_for(lambda: "not reachable" in bot.output, 30, what="the bot to notice Telegram is away")
        check = run_cli(tmp_path, clean_env(DATABASE_URL=sqlite_url), "health", timeout=60)
    finally:
        bot.proc.send_signal(signal.SIGTERM)
        bot.wait(15)
        bot.kill()
    answer = json.loads(check.stdout)
    assert answer["mode"] == "starting", answer  # no other copy polls: it is not standing by for one
    assert answer["last_telegram_ok"] is None and answer["last_tick"] is None


def test_a_copy_is_starting_until_it_serves():
    from bot.ops.serve import Vitals

    webhook = Vitals(started=NOW, mode="webhook")
    assert webhook.current_mode == "starting"
    webhook.serving = True
    assert webhook.current_mode == "webhook"


@pytest.mark.slow
def test_health_command_without_a_listener_reads_the_database(sqlite_url, tmp_path):
    env = clean_env()
    engine = make_engine(sqlite_url)
    upgrade(engine)

    def health_command(url: str) -> subprocess.CompletedProcess:
        return run_cli(tmp_path, {**env, "DATABASE_URL": url}, "health", timeout=60)

    nobody = health_command(sqlite_url)  # the database answers, but no bot runs
    clock = SystemClock()
    liveness.register(engine, clock, "host:1:standing", "standby")  # a copy standing by is a running bot
    standby = health_command(sqlite_url)
    liveness.stop(engine, clock, "host:1:standing")
    stopped = health_command(sqlite_url)
    engine.dispose()
    gone = health_command(f"postgresql://nobody@127.0.0.1:{free_port()}/none")
    assert nobody.returncode == 1 and json.loads(nobody.stdout)["status"] == "fail"
    assert json.loads(nobody.stdout)["running"] is False and json.loads(nobody.stdout)["database"] is True
    assert "Tidak ada bot yang berjalan" in nobody.stderr
    assert json.loads(nobody.stdout)["ticker"] is None and json.loads(nobody.stdout)["mode"] is None  # no claims
    assert json.loads(nobody.stdout)["last_tick"] is None
    assert standby.returncode == 0, standby.stdout + standby.stderr
    assert json.loads(standby.stdout)["mode"] == "standby"
    assert stopped.returncode == 1 and json.loads(stopped.stdout)["running"] is False
    assert gone.returncode == 1 and json.loads(gone.stdout)["status"] == "fail"


def test_an_event_line_names_update_chat_and_command_but_not_what_was_typed(capsys, own_logging):
    from telegram import Update

    from bot.core.logs import describe_update

    configure("json", [TOKEN])
    update = Update.de_json(command_update(4711, "/status Kabupaten Rahasia", user_id=555, chat_id=-100999), None)
    logging.getLogger("pantau_ham.test").error("error while handling an update", extra=describe_update(update))
    (line,) = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    assert (line["update_id"], line["chat_id"], line["user_id"], line["command"]) == (4711, -100999, 555, "/status")
    assert "Rahasia" not in json.dumps(line)
    assert describe_update(object()) == {}
