"""``pantau-ham health``: what ``/healthz`` says, for a container's HEALTHCHECK (exit 0 healthy, 1 not).

With a webhook or ``PANTAU_HEALTH_PORT`` it asks the running bot over local HTTP. Without a listener it
looks at the database itself: reachable, and the freshest heartbeat of a running copy.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from sqlalchemy import select

from bot import liveness
from bot.clock import SystemClock
from bot.db import make_engine
from bot.models import Worker
from bot.settings import Settings


def check(settings: Settings, timeout: float = 5.0) -> int:
    port = settings.webhook_port if settings.webhook_url else settings.health_port
    if port:
        return _ask(f"http://127.0.0.1:{port}/healthz", timeout)
    return _from_database(settings)


def _ask(url: str, timeout: float) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - a local http URL
            body, status = answer.read().decode(), answer.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read().decode(), exc.code
    except OSError as exc:
        print(json.dumps({"status": "fail", "error": f"no answer from {url}: {exc}"}))
        return 1
    print(body)
    return 0 if status == 200 else 1


def _from_database(settings: Settings) -> int:
    clock = SystemClock()
    engine = make_engine(settings.database_url)
    try:
        last_tick = last_telegram = started = None
        mode = "polling"
        try:
            with engine.connect() as conn:
                row = conn.execute(select(Worker).where(Worker.stopped_at.is_(None))
                                   .order_by(Worker.beat_at.desc()).limit(1)).first()
            if row is not None:
                started, last_tick, last_telegram, mode = row.started_at, row.last_tick_at, row.last_telegram_at, row.mode
        except Exception:  # noqa: BLE001 - reported as database: false below
            pass
        state = liveness.health(engine, clock, started, last_tick, last_telegram, settings.tick_seconds, mode)
    finally:
        engine.dispose()
    print(json.dumps(state.as_json()))
    return 0 if state.ok else 1
