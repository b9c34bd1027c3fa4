"""``pantau-ham health``: what ``/healthz`` says, for a container's HEALTHCHECK (exit 0 healthy, 1 not).

With ``PANTAU_HEALTH_PORT`` (or, failing that, a webhook) it asks the running bot over local HTTP: the health
port gives the details, the public webhook port only the status. Without a listener it looks at the database
itself: reachable, and a copy whose heartbeat is fresh. No such copy means no bot is running: that is
unhealthy (exit 1), however well the database answers, and the answer claims nothing about a ticker or a
mode (``"ticker": null``, ``"mode": null``).
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

from bot.core import liveness
from bot.core.clock import SystemClock
from bot.core.db import DatabaseUnavailable, make_engine
from bot.core.i18n import Translator
from bot.core.settings import Settings


def check(settings: Settings, timeout: float = 5.0) -> int:
    port = settings.health_port or (settings.webhook_port if settings.webhook_url else None)
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
        print(json.dumps({"status": "fail", "running": False, "error": f"no answer from {url}: {exc}"}))
        return 1
    print(body)
    return 0 if status == 200 else 1


def _from_database(settings: Settings) -> int:
    clock = SystemClock()
    try:
        engine = make_engine(settings.database_url)
    except DatabaseUnavailable as exc:
        print(json.dumps({"status": "fail", "database": False, "error": str(exc)}))
        return 1
    try:
        try:
            copy = liveness.running(engine, clock)
        except Exception:  # noqa: BLE001 - reported as database: false below
            copy = None
        if copy is None:
            state = liveness.health(engine, clock, None, None, None, settings.tick_seconds, "-")
        else:
            state = liveness.health(engine, clock, copy.started_at, copy.last_tick_at, copy.last_telegram_at,
                                    settings.tick_seconds, copy.mode)
    finally:
        engine.dispose()
    answer = state.as_json()
    if copy is None:  # no copy to speak for: no claim about a ticker or a mode
        answer.update(ticker=None, mode=None)
    if copy is None and state.database:
        answer.update(status="fail", running=False, error="no bot is running (no heartbeat in the last "
                                                             f"{int(liveness.STALE.total_seconds())} s)")
        print(Translator(settings.locale).plain(
            "Tidak ada bot yang berjalan: tidak ada salinan yang mengirim detak dalam {n} detik terakhir.",
            n=int(liveness.STALE.total_seconds())), file=sys.stderr)
    print(json.dumps(answer))
    return 0 if answer["status"] == "ok" else 1
