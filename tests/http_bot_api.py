"""A local HTTP stand-in for the Bot API (answers like ``tests/fakes/bot_api.py``); the bot as a real process is
``tests/processes.py``.

Behaviours a test can switch on: ``conflict`` (getUpdates answers 409 like Telegram when another copy
polls), ``hang`` (every call waits, as when Telegram does not answer), ``send_delay`` (each sendMessage
and sendPhoto takes that long, to widen the window for a kill).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from tests.fakes import ApiCall, ScriptedError
from tests.fakes.http_server import FakeTelegramServer
from tests.processes import TOKEN


class HttpBotApi(FakeTelegramServer):
    """The strict stand-in over HTTP (``tests.fakes.http_server``), with failures a drill needs."""

    def __init__(self) -> None:
        super().__init__()
        self.conflict = False
        self.hang = False
        self.send_delay = 0.0

    def handle_error(self, request, client_address) -> None:
        """A killed bot drops its connections: that is the drill, not an error of the stand-in."""

    def __enter__(self) -> HttpBotApi:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.hang = False
        self.stop()

    def handle_call(self, method: str, params: dict, files: dict) -> tuple[int, dict]:
        while self.hang:
            time.sleep(0.05)
        if method == "getUpdates" and self.conflict:
            time.sleep(0.1)
            return 409, {"ok": False, "error_code": 409, "description": "Conflict: terminated by other getUpdates "
                         "request; make sure that only one bot instance is running"}
        if method in ("sendMessage", "sendPhoto") and self.send_delay:
            time.sleep(self.send_delay)
        return super().handle_call(method, params, files)

    def accepted(self) -> list[ApiCall]:
        """Every call Telegram would have accepted, in order."""
        return [c for c in self.calls() if not isinstance(c.result, ScriptedError)]

    def sent(self, method: str = "sendMessage") -> list[dict]:
        return [c.params for c in self.accepted() if c.method == method]

    def methods(self) -> set[str]:
        return {c.method for c in self.calls()}

    def know(self, *chat_ids: int) -> None:
        with self.lock:
            for chat_id in chat_ids:
                self.api.register_chat(chat_id)


def webhook_secret(token: str = TOKEN) -> str:
    """The secret a bot with this token and no ``PANTAU_WEBHOOK_SECRET`` registers with ``setWebhook``."""
    from bot.core.settings import Settings

    return Settings(_env_file=None, telegram_bot_token=token).webhook_secret_token or ""


def http_post_json(url: str, payload: dict, headers: dict | None = None, timeout: float = 5.0) -> int:
    """POST as Telegram does to a webhook: with the secret derived from :data:`TOKEN` unless ``headers`` are
    given (``{}``: no secret at all)."""
    if headers is None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret()}
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def command_update(update_id: int, text: str, user_id: int = 111, chat_id: int | None = None) -> dict:
    chat = chat_id or user_id
    command = text.split()[0]
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup", "first_name": "Uji"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Uji", "language_code": "id"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}] if command.startswith("/") else [],
    }}
