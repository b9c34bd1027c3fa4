"""An in-process stand-in for the Telegram Bot API, as strict as Telegram, and builders for updates.

The console (``pantau-ham console``) and the tests run the real python-telegram-bot ``Application``
with this request object: every call the bot makes is answered here, recorded, and never leaves the
machine. It refuses what Telegram refuses, with Telegram's error texts, so a green test means Telegram
would have accepted the same calls:

* HTML parse mode parsed as Telegram does (``bot.telegram_text``), for texts and captions;
* text 1–4096 UTF-16 units after parsing, captions ≤ 1024, callback data 1–64 bytes, button labels;
* ``chat not found`` for a chat that never wrote to the bot (tests register chats, or their updates do);
* 403 for a private chat that blocked the bot and a group that removed it; a group that became a
  supergroup answers 400 with ``migrate_to_chat_id``;
* editing (or deleting) a message that does not exist, or was deleted, or editing it to the same text and
  buttons ("message is not modified");
* answering a callback query twice, or one that never came ("query is too old");
* Telegram's sending limits on an injectable clock: 30 messages a second overall, 20 a minute per
  group, and about one a second per private chat (a burst of 3 in any 3 s) → 429 with ``retry_after``
  (``limits=False`` only for the console, whose "chat" is a terminal: it is neither paced nor limited).

Every refusal is kept in ``refusals`` (besides the errors a test scripts with ``fail_next``), so a test
can assert that a whole flow produced none. A sick Telegram is scripted with ``fail_next(method, Fault(...))``:
the next calls answer 500, or no answer comes at all (a timeout; ``NoAnswer``), optionally after Telegram
did the work (``delivered``: the message arrived, only its answer was lost). ``OfflineBotAPI.handle`` is
transport-free: the local HTTP server of ``bot.offline_http`` answers with the same rules.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, Update
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.core.telegram_text import MAX_CAPTION, MAX_TEXT, EntityError, parse_html, utf16_len

BOT_ID = 7000000001
BOT_USERNAME = "PantauHAMBot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Pantau HAM", "username": BOT_USERNAME}

SENDING = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "copyMessage",
                     "forwardMessage", "sendAnimation", "sendVideo", "sendAudio", "sendVoice", "sendLocation"})
WITH_CHAT = SENDING | {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "deleteMessage",
                       "getChatMember", "getChat", "sendChatAction", "leaveChat", "pinChatMessage"}

# Telegram's sending limits: (messages, seconds)
OVERALL_LIMIT = (30, 1.0)
GROUP_LIMIT = (20, 60.0)
PRIVATE_LIMIT = (3, 3.0)  # about one a second, with a small burst


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None


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


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, (dict, list)) else value
    return value


def error_body(err: ScriptedError) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": err.status, "description": err.description}
    extra = {k: v for k, v in (("retry_after", err.retry_after), ("migrate_to_chat_id", err.migrate_to_chat_id))
             if v is not None}
    if extra:
        body["parameters"] = extra
    return body


class OfflineBotAPI(BaseRequest):
    def __init__(self, listener: Callable[[ApiCall], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, limits: bool = True) -> None:
        self.calls: list[ApiCall] = []
        self.limits = limits
        self.refusals: list[ApiCall] = []
        self.listener = listener
        self.clock = clock
        self._message_ids = itertools.count(1000)
        self._errors: dict[str, deque[ScriptedError | Fault]] = {}
        self.member_status: dict[tuple[int, int], str] = {}  # (chat, user) -> status; default administrator
        self.date = 1_700_000_000
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()  # private chats that blocked the bot, groups that removed it
        self.migrated: dict[int, int] = {}  # old group id -> supergroup id
        self.messages: dict[tuple[int, int], tuple[str, Any]] = {}  # (chat, id) -> (text or caption, markup)
        self.open_queries: set[str] = set()
        self.files: dict[str, bytes] = {}  # file_id -> content, for getFile and downloads
        self._windows: dict[object, deque[float]] = {}
        self.pending_updates: list[dict[str, Any]] = []
        self.webhook: str | None = None  # set by setWebhook: getUpdates is refused (409) meanwhile
        # (scope type, chat id, language) -> commands  # for getUpdates (bot.offline_http)
        self.menus: dict[tuple, list[str]] = {}

    # -- what tests arrange ----------------------------------------------------------
    def register_chat(self, chat_id: int, kind: str | None = None, title: str | None = None) -> None:
        """A chat the bot knows: a person who wrote to it, a group it was added to."""
        kind = kind or ("private" if chat_id > 0 else "supergroup")
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = title or "Pengguna"
        else:
            chat["title"] = title or "Grup"
        self.chats[chat_id] = chat
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

    # -- BaseRequest -----------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=None, write_timeout=None, connect_timeout=None,
                         pool_timeout=None) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file download (getFile's file_path under the file URL)
            return self.download(url)
        api_method = url.rsplit("/", 1)[-1]
        params = {k: _jsonable(v) for k, v in (request_data.parameters if request_data else {}).items()}
        files: dict[str, bytes] = {}
        if request_data and request_data.contains_files:
            for name, part in (request_data.multipart_data or {}).items():
                if isinstance(part, tuple) and len(part) >= 2 and isinstance(part[1], bytes):
                    files[name] = part[1]
        try:
            status, body = self.handle(api_method, params, files)
        except NoAnswer:
            raise TimedOut(f"no answer to {api_method} (scripted)") from None
        return status, json.dumps(body).encode()

    def download(self, url: str) -> tuple[int, bytes]:
        """The content of a file the bot fetches from ``<file URL>/documents/<file_id>``; recorded as "download"."""
        file_id = url.rsplit("/", 1)[-1]
        self.calls.append(ApiCall("download", {"url": url}))
        if file_id not in self.files:
            return 404, b"Not Found"
        return 200, self.files[file_id]

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
            result = self._answer(method, params, files)
        except Refused as refused:
            call = ApiCall(method, params, files, result=refused.error)
            self.calls.append(call)
            self.refusals.append(call)
            return refused.error.status, error_body(refused.error)
        call = ApiCall(method, params, files, result)
        self.calls.append(call)
        if self.listener:
            self.listener(call)
        return 200, {"ok": True, "result": result}

    # -- the rules -------------------------------------------------------------------
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

    def _message(self, chat_id: int, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat = dict(self.chats.get(chat_id) or {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"})
        msg: dict[str, Any] = {"message_id": message_id or next(self._message_ids), "date": self.date,
                               "chat": chat, "from": dict(BOT_USER)}
        if "text" in params:
            msg["text"] = params["text"]
        if "caption" in params:
            msg["caption"] = params["caption"]
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        return msg

    def _remember(self, msg: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        content = params.get("text", params.get("caption", ""))
        self.messages[(msg["chat"]["id"], msg["message_id"])] = (content, params.get("reply_markup") or None)
        return msg

    def _edit(self, method: str, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
        message_id = int(params.get("message_id") or 0)
        key = (chat_id, message_id)
        if key not in self.messages:
            raise _bad("message to edit not found")
        text, markup = self.messages[key]
        new_markup = params.get("reply_markup") or None
        if method == "editMessageText":
            self._check_text(params.get("text"), params, MAX_TEXT, "text")
            new_text = params.get("text")
        elif method == "editMessageCaption":
            self._check_text(params.get("caption"), params, MAX_CAPTION, "caption")
            new_text = params.get("caption", "")
        else:
            new_text = text
        self._check_markup(new_markup)
        if (new_text, new_markup) == (text, markup):
            raise _bad("message is not modified: specified new message content and reply markup are exactly the "
                       "same as a current content and reply markup of the message")
        self.messages[key] = (new_text, new_markup)
        msg = self._message(chat_id, {"text": new_text, "reply_markup": new_markup}, message_id)
        return msg

    def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                    "supports_inline_queries": False}
        if method == "getUpdates":
            if self.webhook:
                raise Refused(409, "Conflict: can't use getUpdates method while webhook is active; use "
                                   "deleteWebhook to delete the webhook first")
            return self._updates(params)
        if method in ("setWebhook", "deleteWebhook"):
            self.webhook = self._webhook(params) if method == "setWebhook" else None
            return True
        if method == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id", ""))
            if query_id not in self.open_queries:
                raise _bad("query is too old and response timeout expired or query ID is invalid")
            if utf16_len(str(params.get("text") or "")) > 200:
                raise _bad("MESSAGE_TOO_LONG")
            self.open_queries.discard(query_id)
            return True
        if method == "getFile":
            file_id = str(params.get("file_id", ""))
            if file_id not in self.files:
                raise _bad("invalid file_id")
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.files[file_id]),
                    "file_path": f"documents/{file_id}"}
        if method in ("setMyCommands", "deleteMyCommands"):
            return self._commands(method, params)
        if method not in WITH_CHAT:
            return True
        chat_id = self._known_chat(method, params)
        if method in ("editMessageText", "editMessageCaption", "editMessageReplyMarkup"):
            return self._edit(method, chat_id, params)
        if method == "getChatMember":
            return self._member(chat_id, int(params.get("user_id", 0)))
        if method == "getChat":
            return dict(self.chats[chat_id])
        if method == "deleteMessage":
            if self.messages.pop((chat_id, int(params.get("message_id") or 0)), None) is None:
                raise _bad("message to delete not found")
            return True
        if method not in SENDING:
            return True
        if method == "sendMessage":
            self._check_text(params.get("text"), params, MAX_TEXT, "text")
        elif "caption" in params:
            self._check_text(params.get("caption"), params, MAX_CAPTION, "caption")
        self._check_markup(params.get("reply_markup"))
        self._check_rate(chat_id)
        msg = self._message(chat_id, params)
        if method == "sendDocument":
            if not files and not params.get("document"):
                raise _bad("there is no document in the request")
            file_id = f"doc{msg['message_id']}"
            self.files[file_id] = next(iter(files.values()), b"")
            msg["document"] = {"file_id": file_id, "file_unique_id": f"u{msg['message_id']}", "file_name": "file",
                               "file_size": len(self.files[file_id])}
        elif method == "sendPhoto":
            if not files and not params.get("photo"):
                raise _bad("there is no photo in the request")
            file_id = f"ph{msg['message_id']}"
            self.files[file_id] = next(iter(files.values()), b"")
            msg["photo"] = [{"file_id": file_id, "file_unique_id": f"u{msg['message_id']}", "width": 1,
                             "height": 1}]
        return self._remember(msg, params)

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


class UpdateFactory:
    """Builds the updates Telegram would deliver when a person types or presses a button.

    With ``api`` given, the chats and callback queries it makes are known to that stand-in, as they
    would be to Telegram.
    """

    def __init__(self, bot: Bot | None, api: OfflineBotAPI | None = None) -> None:
        self.bot = bot
        self.api = api
        self._ids = itertools.count(1)

    def _update(self, data: dict[str, Any]) -> Update:
        return Update.de_json(data, self.bot)

    def user(self, user_id: int, first_name: str = "Pengguna", language_code: str = "id") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}

    def _chat(self, chat_id: int, first_name: str, title: str = "Grup", kind: str | None = None) -> dict[str, Any]:
        kind = kind or ("private" if chat_id > 0 else "supergroup")
        if self.api is not None and chat_id not in self.api.chats:
            self.api.register_chat(chat_id, kind, first_name if kind == "private" else title)
        if self.api is not None and chat_id in self.api.chats:
            return dict(self.api.chats[chat_id])
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        chat.update({"first_name": first_name} if kind == "private" else {"title": title})
        return chat

    def message_data(self, text: str, user_id: int, chat_id: int | None = None, first_name: str = "Pengguna",
                     language_code: str = "id", **extra: Any) -> dict[str, Any]:
        chat_id = chat_id if chat_id is not None else user_id
        msg: dict[str, Any] = {
            "message_id": next(self._ids), "date": 1_700_000_000, "chat": self._chat(chat_id, first_name),
            "from": self.user(user_id, first_name, language_code),
        }
        if text:
            msg["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        msg.update(extra)
        return {"update_id": next(self._ids), "message": msg}

    def message(self, text: str, user_id: int, chat_id: int | None = None, first_name: str = "Pengguna",
                language_code: str = "id", **extra: Any) -> Update:
        return self._update(self.message_data(text, user_id, chat_id, first_name, language_code, **extra))

    def my_member(self, chat_id: int, status: str, by_user: int, title: str = "Grup", raw: bool = False) -> Any:
        """The bot's own membership in ``chat_id`` changed to ``status`` (member, administrator, left, kicked).

        ``raw``: the update as Telegram's JSON (for the HTTP stand-in) instead of an ``Update``."""
        chat = {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private", "title": title}
        if self.api is not None:
            if status in ("member", "administrator"):
                self.api.register_chat(chat_id, chat["type"], title)
            else:
                self.api.block(chat_id)
        old = "left" if status in ("member", "administrator") else "member"
        change = {"chat": chat, "from": self.user(by_user), "date": 1_700_000_000,
                  "old_chat_member": {"user": BOT_USER, "status": old},
                  "new_chat_member": {"user": BOT_USER, "status": status,
                                      **({"until_date": 0} if status == "kicked" else {})}}
        data = {"update_id": next(self._ids), "my_chat_member": change}
        return data if raw else self._update(data)

    def migrated(self, old_chat_id: int, new_chat_id: int) -> Update:
        """The service message Telegram sends in a group that became a supergroup."""
        if self.api is not None:
            self.api.migrate(old_chat_id, new_chat_id)
        msg = {"message_id": next(self._ids), "date": 1_700_000_000,
               "chat": {"id": old_chat_id, "type": "group", "title": "Grup"},
               "from": self.user(1), "migrate_to_chat_id": new_chat_id}
        return self._update({"update_id": next(self._ids), "message": msg})

    def press(self, call: ApiCall, data: str, user_id: int, raw: bool = False) -> Any:
        """The update for pressing the button with ``data`` on the message recorded in ``call``.

        ``raw``: the update as Telegram's JSON (for the HTTP stand-in) instead of an ``Update``."""
        message = call.result if isinstance(call.result, dict) else {}
        query_id = str(next(self._ids))
        if self.api is not None:
            self.api.open_queries.add(query_id)
        query = {"id": query_id, "from": self.user(user_id), "chat_instance": "offline", "data": data,
                 "message": message}
        update = {"update_id": next(self._ids), "callback_query": query}
        return update if raw else self._update(update)


def buttons_of(call: ApiCall) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button on a recorded message, in order."""
    markup = call.params.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]
