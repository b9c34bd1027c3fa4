"""The strict stand-in for the Telegram Bot API: the console's in-process Bot API, refusing what Telegram refuses.

The tests run the real python-telegram-bot ``Application`` with this request object (built on
``bot.cli.local_api.LocalBotAPI``, which answers the console): every call the bot makes is answered here,
recorded, and never leaves the machine. It refuses what Telegram refuses, with Telegram's error texts, so a
green test means Telegram would have accepted the same calls:

* HTML parse mode parsed as Telegram does (``bot.core.telegram_text``), for texts and captions;
* text 1–4096 UTF-16 units after parsing, captions ≤ 1024, callback data 1–64 bytes, button labels;
* ``chat not found`` for a chat that never wrote to the bot (tests register chats, or their updates do);
* 403 for a private chat that blocked the bot and a group that removed it; a group that became a
  supergroup answers 400 with ``migrate_to_chat_id``;
* editing (or deleting) a message that does not exist, or was deleted, or editing it to the same text and
  buttons ("message is not modified");
* answering a callback query twice, or one that never came ("query is too old");
* Telegram's sending limits on an injectable clock: 30 messages a second overall, 20 a minute per
  group, and about one a second per private chat (a burst of 3 in any 3 s) → 429 with ``retry_after``
  (``limits=False`` switches them off).

Every refusal is kept in ``refusals`` (besides the errors a test scripts with ``fail_next``), so a test
can assert that a whole flow produced none. A sick Telegram is scripted with ``fail_next(method, Fault(...))``:
the next calls answer 500, or no answer comes at all (a timeout; ``NoAnswer``), optionally after Telegram
did the work (``delivered``: the message arrived, only its answer was lost). ``OfflineBotAPI.handle`` is
transport-free: the local HTTP server of ``tests.fakes.http_server`` answers with the same rules.
"""
from __future__ import annotations

import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram.error import TimedOut
from telegram.request import RequestData

from bot.cli.local_api import EDITING, SENDING, ApiCall, LocalBotAPI
from bot.core.telegram_text import MAX_CAPTION, MAX_TEXT, EntityError, parse_html, utf16_len

WITH_CHAT = SENDING | EDITING | {"deleteMessage", "getChatMember", "getChat", "sendChatAction", "leaveChat",
                                 "pinChatMessage"}

# Telegram's sending limits: (messages, seconds)
OVERALL_LIMIT = (30, 1.0)
GROUP_LIMIT = (20, 60.0)
PRIVATE_LIMIT = (3, 3.0)  # about one a second, with a small burst


@dataclass
class ScriptedError:
    status: int
    description: str
    retry_after: int | None = None
    migrate_to_chat_id: int | None = None


@dataclass
class Fault:
    """A sick Telegram for one call: 500 Internal Server Error, or (``timeout``) no answer at all.

    With ``delivered`` Telegram did the work first (the message arrived; only the answer was lost)."""

    timeout: bool = False
    delivered: bool = False


SERVER_ERROR = ScriptedError(500, "Internal Server Error")


class NoAnswer(Exception):
    """The call got no answer (a scripted timeout): in-process a ``TimedOut``, over HTTP a dropped connection."""


class Refused(Exception):
    """What Telegram would answer instead of a result."""

    def __init__(self, status: int, description: str, **parameters: int) -> None:
        super().__init__(description)
        self.error = ScriptedError(status, description, parameters.get("retry_after"),
                                   parameters.get("migrate_to_chat_id"))


def _bad(description: str, **parameters: int) -> Refused:
    return Refused(400, f"Bad Request: {description}", **parameters)


def error_body(err: ScriptedError) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": err.status, "description": err.description}
    extra = {k: v for k, v in (("retry_after", err.retry_after), ("migrate_to_chat_id", err.migrate_to_chat_id))
             if v is not None}
    if extra:
        body["parameters"] = extra
    return body


class OfflineBotAPI(LocalBotAPI):
    def __init__(self, listener: Callable[[ApiCall], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, limits: bool = True) -> None:
        super().__init__(listener)
        self.limits = limits
        self.refusals: list[ApiCall] = []
        self.clock = clock
        self._errors: dict[str, deque[ScriptedError | Fault]] = {}
        self.member_status: dict[tuple[int, int], str] = {}  # (chat, user) -> status; default administrator
        self.blocked: set[int] = set()  # private chats that blocked the bot, groups that removed it
        self.migrated: dict[int, int] = {}  # old group id -> supergroup id
        self._windows: dict[object, deque[float]] = {}
        self.pending_updates: list[dict[str, Any]] = []
        self.webhook: str | None = None  # set by setWebhook: getUpdates is refused (409) meanwhile
        # (scope type, chat id, language) -> commands
        self.menus: dict[tuple[Any, Any, str], list[str]] = {}

    # -- what tests arrange ----------------------------------------------------------
    def register_chat(self, chat_id: int, kind: str | None = None, title: str | None = None) -> None:
        """A chat the bot knows: a person who wrote to it, a group it was added to."""
        super().register_chat(chat_id, kind, title)
        self.blocked.discard(chat_id)

    def block(self, chat_id: int) -> None:
        """The person blocked the bot, or the group removed it."""
        self.blocked.add(chat_id)

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        self.migrated[old_chat_id] = new_chat_id
        self.register_chat(new_chat_id, "supergroup", self.chats.get(old_chat_id, {}).get("title"))

    def fail_next(self, method: str, error: ScriptedError | Fault, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` fail with ``error`` (a Telegram error, or a ``Fault``)."""
        self._errors.setdefault(method, deque()).extend([error] * times)

    # -- what tests look at --------------------------------------------------------
    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[ApiCall]:
        return [
            c for c in self.calls
            if c.method == method and not isinstance(c.result, ScriptedError)
            and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
        ]

    def last(self, methods: tuple[str, ...] = ("sendMessage", "editMessageText")) -> ApiCall:
        return next(c for c in reversed(self.calls) if c.method in methods and not isinstance(c.result, ScriptedError))

    # -- the transport ---------------------------------------------------------------
    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = None, write_timeout: object = None,
                         connect_timeout: object = None, pool_timeout: object = None) -> tuple[int, bytes]:
        try:
            return await super().do_request(url, method, request_data, read_timeout, write_timeout,
                                            connect_timeout, pool_timeout)
        except NoAnswer:
            raise TimedOut(f"no answer to {url.rsplit('/', 1)[-1]} (scripted)") from None

    def handle(self, method: str, params: dict[str, Any], files: dict[str, bytes] | None = None,
               ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (HTTP status, JSON body), recording it."""
        files = files or {}
        queue = self._errors.get(method)
        if queue:
            err = queue.popleft()
            if isinstance(err, Fault):
                return self._fault(err, method, params, files)
            self.calls.append(ApiCall(method, params, files, result=err))
            return err.status, error_body(err)
        return self._handle(method, params, files)

    def _fault(self, fault: Fault, method: str, params: dict[str, Any], files: dict[str, bytes],
               ) -> tuple[int, dict[str, Any]]:
        if fault.delivered:
            self._handle(method, params, files)
        else:
            self.calls.append(ApiCall(method, params, files, result=SERVER_ERROR))
        if fault.timeout:
            raise NoAnswer(method)
        return SERVER_ERROR.status, error_body(SERVER_ERROR)

    def _handle(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> tuple[int, dict[str, Any]]:
        try:
            return super().handle(method, params, files)
        except Refused as refused:
            call = ApiCall(method, params, files, result=refused.error)
            self.calls.append(call)
            self.refusals.append(call)
            return refused.error.status, error_body(refused.error)

    # -- the rules -------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getUpdates":
            if self.webhook:
                raise Refused(409, "Conflict: can't use getUpdates method while webhook is active; use "
                                   "deleteWebhook to delete the webhook first")
            return self._updates(params)
        if method in ("setWebhook", "deleteWebhook"):
            self.webhook = self._webhook(params) if method == "setWebhook" else None
            return True
        if method == "answerCallbackQuery":
            if str(params.get("callback_query_id", "")) not in self.open_queries:
                raise _bad("query is too old and response timeout expired or query ID is invalid")
            if utf16_len(str(params.get("text") or "")) > 200:
                raise _bad("MESSAGE_TOO_LONG")
        if method == "getFile" and str(params.get("file_id", "")) not in self.files:
            raise _bad("invalid file_id")
        if method in ("setMyCommands", "deleteMyCommands"):
            return self._commands(method, params)
        if method not in WITH_CHAT:
            return super().answer(method, params, files)
        chat_id = self._known_chat(method, params)
        if method in EDITING:
            self._check_edit(method, chat_id, params)
        elif method == "getChatMember":
            return self._member(chat_id, int(params.get("user_id", 0)))
        elif method == "deleteMessage" and (chat_id, int(params.get("message_id") or 0)) not in self.messages:
            raise _bad("message to delete not found")
        elif method in SENDING:
            self._check_sending(method, chat_id, params, files)
        return super().answer(method, params, files)

    def _check_sending(self, method: str, chat_id: int, params: dict[str, Any], files: dict[str, bytes]) -> None:
        if method == "sendMessage":
            self._check_text(params.get("text"), params, MAX_TEXT, "text")
        elif "caption" in params:
            self._check_text(params.get("caption"), params, MAX_CAPTION, "caption")
        self._check_markup(params.get("reply_markup"))
        self._check_rate(chat_id)
        if method == "sendDocument" and not files and not params.get("document"):
            raise _bad("there is no document in the request")
        if method == "sendPhoto" and not files and not params.get("photo"):
            raise _bad("there is no photo in the request")

    def _check_edit(self, method: str, chat_id: int, params: dict[str, Any]) -> None:
        message_id = int(params.get("message_id") or 0)
        if (chat_id, message_id) not in self.messages:
            raise _bad("message to edit not found")
        if method == "editMessageText":
            self._check_text(params.get("text"), params, MAX_TEXT, "text")
        elif method == "editMessageCaption":
            self._check_text(params.get("caption"), params, MAX_CAPTION, "caption")
        self._check_markup(params.get("reply_markup") or None)
        if self.edited(method, chat_id, params) == self.messages[(chat_id, message_id)]:
            raise _bad("message is not modified: specified new message content and reply markup are exactly the "
                       "same as a current content and reply markup of the message")

    def _known_chat(self, method: str, params: dict[str, Any]) -> int:
        raw = params.get("chat_id")
        if raw is None:
            raise _bad("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            raise _bad("chat not found")
        chat_id = int(raw)
        if chat_id in self.migrated:
            raise _bad("group chat was upgraded to a supergroup chat", migrate_to_chat_id=self.migrated[chat_id])
        if chat_id not in self.chats:
            raise _bad("chat not found")
        if chat_id in self.blocked and method != "getChat":
            if chat_id > 0:
                raise Refused(403, "Forbidden: bot was blocked by the user")
            raise Refused(403, "Forbidden: bot was kicked from the supergroup chat")
        return chat_id

    def _check_text(self, text: Any, params: dict[str, Any], limit: int, what: str) -> None:
        if text is None:
            text = ""
        if not isinstance(text, str):
            text = str(text)
        visible = text
        if params.get("parse_mode") == "HTML":
            try:
                visible = parse_html(text)
            except EntityError as exc:
                raise _bad(str(exc)[:1].lower() + str(exc)[1:]) from None
        elif params.get("parse_mode") not in (None, ""):
            raise _bad(f"unsupported parse_mode {params.get('parse_mode')!r}")
        if what == "text" and not visible.strip():
            raise _bad("message text is empty")
        if utf16_len(visible) > limit:
            raise _bad("message is too long" if what == "text" else "message caption is too long")

    @staticmethod
    def _check_markup(markup: Any) -> None:
        if not markup:
            return
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if rows is None:
            return
        for row in rows:
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise _bad("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
                if data is None and not any(k in button for k in ("url", "switch_inline_query", "login_url",
                                                                    "web_app", "pay", "copy_text")):
                    raise _bad("can't parse inline keyboard button: a button must have exactly one action")

    def _check_rate(self, chat_id: int) -> None:
        if not self.limits:
            return
        now = self.clock()
        keys: list[tuple[object, tuple[int, float]]] = [("overall", OVERALL_LIMIT)]
        keys.append((("chat", chat_id), GROUP_LIMIT if chat_id < 0 else PRIVATE_LIMIT))
        wait = 0.0
        for key, (count, period) in keys:
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= now - period:
                window.popleft()
            if len(window) >= count:
                wait = max(wait, window[0] + period - now)
        if wait > 0:
            raise Refused(429, f"Too Many Requests: retry after {math.ceil(wait)}", retry_after=math.ceil(wait))
        for key, _ in keys:
            self._windows[key].append(now)

    def _commands(self, method: str, params: dict[str, Any]) -> bool:
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") in ("chat", "chat_administrators", "chat_member"):
            self._known_chat(method, {"chat_id": scope.get("chat_id")})
        commands = params.get("commands") or []
        if len(commands) > 100:
            raise _bad("too many commands")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name.islower() and name.replace("_", "").isalnum()):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (scope.get("type"), scope.get("chat_id"), params.get("language_code") or "")
        self.menus[key] = [c["command"] for c in commands]
        return True

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        status = self.member_status.get((chat_id, user_id), "administrator")
        member: dict[str, Any] = {"user": {"id": user_id, "is_bot": False, "first_name": "Anggota"}, "status": status}
        if status == "administrator":
            member.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                          can_delete_messages=True, can_manage_video_chats=True, can_restrict_members=True,
                          can_promote_members=False, can_change_info=True, can_invite_users=True,
                          can_post_stories=False, can_edit_stories=False, can_delete_stories=False)
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update(is_member=True, until_date=0, **dict.fromkeys(
                ("can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
                 "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
                 "can_send_other_messages", "can_add_web_page_previews", "can_change_info", "can_invite_users",
                 "can_pin_messages", "can_manage_topics"), True))
        return member

    # -- updates for a polling bot (the HTTP server uses them) -------------------------------
    @staticmethod
    def _webhook(params: dict[str, Any]) -> str | None:
        """What api.telegram.org accepts: an https URL on port 443, 80, 88 or 8443, a secret of at most 256
        characters A-Z a-z 0-9 _ -. An empty URL removes the webhook."""
        url = str(params.get("url") or "")
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if (parts.port or 443) not in (80, 88, 443, 8443):
            raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = str(params.get("secret_token") or "")
        if len(secret) > 256:
            raise _bad("secret token is too long")
        if not re.fullmatch(r"[A-Za-z0-9_-]*", secret):
            raise _bad("secret token contains unallowed characters")
        return url

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for ``getUpdates`` (the local HTTP server's polling bots)."""
        self.pending_updates.append(update)

    def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        pending = self.pending_updates
        offset = int(params.get("offset") or 0)
        if offset:
            pending[:] = [u for u in pending if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        return pending[:limit]
