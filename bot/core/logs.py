"""Logging: text or JSON lines (``PANTAU_LOG_FORMAT``), one event per line, never the bot's token.

The token is part of every Bot API URL (``https://api.telegram.org/bot<token>/sendMessage``), so an
exception text from the HTTP layer can carry it. Every line, traceback included, is scrubbed after
formatting: the configured token itself and anything shaped like a token are replaced.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
URL_TOKEN = re.compile(r"(/bot)[^/\s\"']+(/)")
HIDDEN = "<token>"
EVENT_FIELDS = ("update_id", "chat_id", "user_id", "command")


class Scrubber:
    def __init__(self, secrets: list[str]) -> None:
        self.secrets = [s for s in secrets if s]

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        text = TOKEN_SHAPE.sub(HIDDEN, text)
        return URL_TOKEN.sub(rf"\1{HIDDEN}\2", text)


class TextFormatter(logging.Formatter):
    def __init__(self, scrub: Scrubber) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.scrub = scrub

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(f"{k}={getattr(record, k)}" for k in EVENT_FIELDS if getattr(record, k, None) is not None)
        if extra:
            head, sep, tail = line.partition("\n")
            line = f"{head} [{extra}]{sep}{tail}"
        return self.scrub(line)


class JsonFormatter(logging.Formatter):
    def __init__(self, scrub: Scrubber) -> None:
        super().__init__()
        self.scrub = scrub

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.scrub(record.getMessage()),
        }
        for key in EVENT_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = self.scrub(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["error"] = self.scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class _Stderr(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time (a test runner swaps it between tests)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure(log_format: str = "text", secrets: list[str] | None = None, level: int = logging.INFO) -> None:
    scrub = Scrubber(list(secrets or []))
    handler = _Stderr()
    handler.setFormatter(JsonFormatter(scrub) if log_format == "json" else TextFormatter(scrub))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "alembic", "tornado.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # "maximum number of running instances reached": a long tick makes the next ones wait, as intended
    logging.getLogger("apscheduler").setLevel(logging.ERROR)



def describe_update(update: object) -> dict[str, Any]:
    """update id, chat, user and command of an incoming update (never the free text someone typed).
    Duck-typed on python-telegram-bot's ``Update``, so this module needs no Telegram import."""
    update_id = getattr(update, "update_id", None)
    if update_id is None:
        return {}
    info: dict[str, Any] = {"update_id": update_id}
    chat, user = getattr(update, "effective_chat", None), getattr(update, "effective_user", None)
    if chat is not None:
        info["chat_id"] = chat.id
    if user is not None:
        info["user_id"] = user.id
    message, query = getattr(update, "message", None), getattr(update, "callback_query", None)
    if message is not None and message.text and message.text.startswith("/"):
        info["command"] = message.text.split()[0].split("@")[0][:40]
    elif query is not None and query.data:
        info["command"] = "button:" + query.data.split(":")[0][:30]
    elif getattr(update, "my_chat_member", None) is not None:
        info["command"] = "membership"
    elif message is not None:
        info["command"] = "message"
    return info
