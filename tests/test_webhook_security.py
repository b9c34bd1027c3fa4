"""Who may send the bot updates: the webhook of a real ``python -m bot run`` process, attacked over HTTP.

No webhook runs without a secret (one is derived from the token when none is configured, and registered with
``setWebhook``); the secret is checked on the headers before the body is read; bodies are capped; what is not
an update is answered 400 in one log line; the public ``/healthz`` tells nothing but the status.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from bot.core.db import make_engine
from bot.core.models import Invite
from tests.fakes import OfflineBotAPI
from tests.http_bot_api import HttpBotApi, command_update, http_post_json, webhook_secret
from tests.processes import TOKEN, BotProcess, bot_env, free_port, http_get, http_status, wait_for

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process

ADMIN = 111
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _raw(port: int, head: str, body: bytes = b"", timeout: float = 15.0) -> str:
    """Send the request line and headers (and perhaps the start of a body); the status line answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n" + body)
        answer = b""
        while b"\r\n" not in answer:
            part = sock.recv(4096)
            if not part:
                break
            answer += part
    return answer.split(b"\r\n", 1)[0].decode()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _flood(port: int, size: int) -> None:
    """An unauthenticated POST that announces and tries to send ``size`` bytes."""
    chunk = b"x" * 65536
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"POST /pantau HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {size}\r\n\r\n".encode())
            for _ in range(size // len(chunk)):
                sock.sendall(chunk)
    except OSError:  # the bot answered 403 and closed the connection: the point
        pass


@pytest.fixture
def webhook_bot(sqlite_url, tmp_path):
    port, health_port = free_port(), free_port()
    with HttpBotApi() as api:
        api.know(ADMIN)
        env = bot_env(api, sqlite_url, PANTAU_WEBHOOK_URL="https://bot.kanwil.example/pantau",
                      PANTAU_WEBHOOK_LISTEN="127.0.0.1", PANTAU_WEBHOOK_PORT=str(port),
                      PANTAU_HEALTH_PORT=str(health_port))
        bot = BotProcess(env, tmp_path)
        try:
            wait_for(lambda: "setWebhook" in api.methods(), 60, what="setWebhook")
            wait_for(lambda: _status(port) == 200, 30, what="the webhook server")
            yield api, bot, port, health_port
            bot.proc.send_signal(signal.SIGTERM)
            assert bot.wait(15) == 0
        finally:
            bot.kill()


def _status(port: int) -> int | None:
    return http_status(f"http://127.0.0.1:{port}/healthz")


def _answers(api: HttpBotApi) -> list[dict]:
    return [p for p in api.sent() if int(p["chat_id"]) == ADMIN]


def test_without_a_configured_secret_a_derived_one_is_registered_and_forgeries_do_nothing(webhook_bot, sqlite_url):
    api, bot, port, health_port = webhook_bot
    secret = webhook_secret()
    hook = api.sent("setWebhook")[0]
    assert hook["secret_token"] == secret and len(secret) == 64
    url = f"http://127.0.0.1:{port}/pantau"
    # made-up updates "from" the admin: no secret, a wrong one, the token itself
    for i, headers in enumerate([{}, {HEADER: "salah"}, {HEADER: TOKEN}, {HEADER: secret[:-1]}]):
        assert http_post_json(url, command_update(10 + i, "/undang staf Kalsel", ADMIN), headers) == 403
    assert http_post_json(url, command_update(20, "/bantuan", ADMIN)) == 200  # Telegram, with the secret
    wait_for(lambda: _answers(api), 20, what="the answer to /bantuan")
    assert len(_answers(api)) == 1 and "start=" not in json.dumps(_answers(api))  # no invitation link
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Invite)).one() == 0, "no invitation was made"
    engine.dispose()
    # the public port tells the status only; the details are on the health port
    code, body = http_get(f"http://127.0.0.1:{port}/healthz")
    assert code == 200 and json.loads(body) == {"status": "ok"}
    details = json.loads(http_get(f"http://127.0.0.1:{health_port}/healthz")[1])
    assert details["mode"] == "webhook" and "version" in details and "pending_reminders" in details
    assert secret not in bot.output and TOKEN not in bot.output


def test_the_secret_is_checked_before_the_body_is_read_and_bodies_are_capped(webhook_bot):
    api, bot, port, _ = webhook_bot
    # 95 MB announced, not a byte sent: the answer comes anyway, so nothing waited for the body
    assert " 403 " in _raw(port, "POST /pantau HTTP/1.1\r\nHost: x\r\nContent-Length: 95000000")
    # with the secret, a body over 1 MiB is refused on its announced length, unread
    head = f"POST /pantau HTTP/1.1\r\nHost: x\r\n{HEADER}: {webhook_secret()}\r\nContent-Length: 2000000"
    assert " 413 " in _raw(port, head)
    # ... and when it comes in chunks without a length, once it passes 1 MiB
    head = f"POST /pantau HTTP/1.1\r\nHost: x\r\n{HEADER}: {webhook_secret()}\r\nTransfer-Encoding: chunked"
    chunks = b"".join(b"10000\r\n" + b"[" * 0x10000 + b"\r\n" for _ in range(17))
    assert _raw(port, head, chunks).split()[1] in ("400", "413")
    # eight floods of 95 MB at once leave the bot's memory where it was
    before = _rss_kib(bot.proc.pid)
    floods = [threading.Thread(target=_flood, args=(port, 95_000_000)) for _ in range(8)]
    for flood in floods:
        flood.start()
    for flood in floods:
        flood.join(60)
    grown = _rss_kib(bot.proc.pid) - before
    assert grown < 32 * 1024, f"the bot grew by {grown // 1024} MiB"
    assert _status(port) == 200
    assert "Traceback" not in bot.output


def test_an_authenticated_body_that_is_no_update_gets_400_and_one_line(webhook_bot):
    api, bot, port, _ = webhook_bot
    url = f"http://127.0.0.1:{port}/pantau"
    nested = "[" * 100_000 + "]" * 100_000
    for body in ("[]", "null", '"x"', nested, "{}", '{"update_id": "1"}', '{"update_id": true}', "kein json",
                 '{"update_id": 5, "message": "x"}', '{"update_id": 6, "message": {"chat": 1}}'):
        code = _post_raw_body(url, body.encode())
        assert code == 400, (body[:40], code)
    assert http_post_json(url, command_update(30, "/bantuan", ADMIN)) == 200, "and the bot still works"
    wait_for(lambda: _answers(api), 20, what="the answer to /bantuan")
    lines = [line for line in bot.output.splitlines() if "no update" in line]
    assert 1 <= len(lines) <= 2, lines  # one line (a burst is summed up in the next one)
    assert "Traceback" not in bot.output and " 500 " not in bot.output


def _post_raw_body(url: str, body: bytes) -> int:
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", HEADER: webhook_secret()})
    try:
        with urllib.request.urlopen(req, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("variable,value,named", [
    ("PANTAU_WEBHOOK_URL", "http://bot.kanwil.example/pantau", "PANTAU_WEBHOOK_URL"),
    ("PANTAU_WEBHOOK_URL", "https://bot.kanwil.example:8080/pantau", "PANTAU_WEBHOOK_URL"),
    ("PANTAU_WEBHOOK_SECRET", "rahasia kantor!", "PANTAU_WEBHOOK_SECRET"),
])
def test_a_webhook_telegram_would_refuse_stops_the_start_with_one_line(variable, value, named, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "TELEGRAM_", "DATABASE_URL"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                "PANTAU_WEBHOOK_URL": "https://bot.kanwil.example/pantau", variable: value})
    done = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and named in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "x.db").exists()


def test_the_stand_in_refuses_webhooks_telegram_refuses():
    api = OfflineBotAPI()
    cases = [({"url": "http://x.example/h"}, "HTTPS URL"), ({"url": "https://x.example:8080/h"}, "ports 80, 88"),
             ({"url": "https://x.example/h", "secret_token": "a b"}, "unallowed characters"),
             ({"url": "https://x.example/h", "secret_token": "a" * 257}, "too long")]
    for params, words in cases:
        status, body = api.handle("setWebhook", params)
        assert status == 400 and words in body["description"], body
    assert api.handle("setWebhook", {"url": "https://x.example:8443/h", "secret_token": "A_z-9"})[0] == 200
    status, body = api.handle("getUpdates", {})
    assert status == 409 and "webhook is active" in body["description"]
    assert api.handle("deleteWebhook", {})[0] == 200 and api.handle("getUpdates", {})[0] == 200
