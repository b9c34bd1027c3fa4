"""An in-process stand-in for the Telegram Bot API, and builders for incoming updates.

The console (``pantau-ham console``) and the tests run the real python-telegram-bot
``Application`` with this request object: every call the bot makes is answered here,
recorded, and never leaves the machine. Errors can be scripted (``fail_next``) to play
Telegram's 429/403/5xx answers.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update
from telegram.request import BaseRequest, RequestData

BOT_ID = 7000000001
BOT_USERNAME = "PantauHAMBot"


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


class OfflineBotAPI(BaseRequest):
    def __init__(self, listener: Callable[[ApiCall], None] | None = None) -> None:
        self.calls: list[ApiCall] = []
        self.listener = listener
        self._message_ids = itertools.count(1000)
        self._errors: dict[str, deque[ScriptedError]] = {}
        self.member_status: dict[tuple[int, int], str] = {}  # (chat, user) -> status; default administrator
        self.date = 1_700_000_000
        self.files: dict[str, bytes] = {}  # file_id -> content, served by getFile and the file URL

    # -- what tests look at --------------------------------------------------------
    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[ApiCall]:
        return [
            c for c in self.calls
            if c.method == method and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
        ]

    def last(self, methods: tuple[str, ...] = ("sendMessage", "editMessageText")) -> ApiCall:
        return next(c for c in reversed(self.calls) if c.method in methods)

    def fail_next(self, method: str, error: ScriptedError, times: int = 1) -> None:
        self._errors.setdefault(method, deque()).extend([error] * times)

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
        if "/file/bot" in url:
            return self._download(url)
        api_method = url.rsplit("/", 1)[-1]
        params = {k: _jsonable(v) for k, v in (request_data.parameters if request_data else {}).items()}
        files: dict[str, bytes] = {}
        if request_data and request_data.contains_files:
            for name, part in (request_data.multipart_data or {}).items():
                if isinstance(part, tuple) and len(part) >= 2 and isinstance(part[1], bytes):
                    files[name] = part[1]
        queue = self._errors.get(api_method)
        if queue:
            err = queue.popleft()
            call = ApiCall(api_method, params, files, result=err)
            self.calls.append(call)
            body: dict[str, Any] = {"ok": False, "error_code": err.status, "description": err.description}
            extra = {}
            if err.retry_after is not None:
                extra["retry_after"] = err.retry_after
            if err.migrate_to_chat_id is not None:
                extra["migrate_to_chat_id"] = err.migrate_to_chat_id
            if extra:
                body["parameters"] = extra
            return err.status, json.dumps(body).encode()
        if api_method == "getFile":
            status, info = self._file_info(params)
            if status != 200:
                self.calls.append(ApiCall(api_method, params, files, result=ScriptedError(status, info)))
                return status, json.dumps({"ok": False, "error_code": status, "description": info}).encode()
            self.calls.append(ApiCall(api_method, params, files, info))
            return 200, json.dumps({"ok": True, "result": info}).encode()
        result = self._answer(api_method, params, files)
        call = ApiCall(api_method, params, files, result)
        self.calls.append(call)
        if self.listener:
            self.listener(call)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- files: getFile and the download from the file URL (TELEGRAM_API_FILE_URL) ------------
    def put_file(self, content: bytes, file_id: str) -> str:
        """Make ``content`` available as if a user had uploaded it to Telegram as ``file_id``."""
        self.files[file_id] = content
        return file_id

    def _file_info(self, params: dict[str, Any]) -> tuple[int, Any]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            return 400, "Bad Request: invalid file_id"
        return 200, {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(self.files[file_id]),
                     "file_path": f"documents/{file_id}"}

    def _download(self, url: str) -> tuple[int, bytes]:
        file_id = url.rsplit("/", 1)[-1]
        self.calls.append(ApiCall("download", {"url": url}))
        if file_id not in self.files:
            return 404, b"Not Found"
        return 200, self.files[file_id]

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        cid = int(chat_id)
        return {"id": cid, "type": "private" if cid > 0 else "supergroup", "title": None if cid > 0 else "Grup"}

    def _message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": self.date,
            "chat": {k: v for k, v in self._chat(params.get("chat_id", 0)).items() if v is not None},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Pantau HAM", "username": BOT_USERNAME},
        }
        if "text" in params:
            msg["text"] = params["text"]
        if "caption" in params:
            msg["caption"] = params["caption"]
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        return msg

    def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Pantau HAM", "username": BOT_USERNAME,
                    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        if method == "sendMessage":
            return self._message(params)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._message(params, int(params.get("message_id", 0)) or None)
        if method == "sendDocument":
            msg = self._message(params)
            msg["document"] = {"file_id": f"doc{msg['message_id']}", "file_unique_id": f"u{msg['message_id']}",
                               "file_name": "file"}
            return msg
        if method == "sendPhoto":
            msg = self._message(params)
            msg["photo"] = [{"file_id": f"ph{msg['message_id']}", "file_unique_id": f"u{msg['message_id']}",
                             "width": 1, "height": 1}]
            return msg
        if method == "getUpdates":
            return []
        if method == "getChatMember":
            user_id = int(params.get("user_id", 0))
            status = self.member_status.get((int(params.get("chat_id", 0)), user_id), "administrator")
            member = {"user": {"id": user_id, "is_bot": False, "first_name": "Anggota"}, "status": status}
            if status == "administrator":
                member.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                              can_delete_messages=True, can_manage_video_chats=True, can_restrict_members=True,
                              can_promote_members=False, can_change_info=True, can_invite_users=True,
                              can_post_stories=False, can_edit_stories=False, can_delete_stories=False)
            return member
        return True


class UpdateFactory:
    """Builds the updates Telegram would deliver when a person types or presses a button."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._ids = itertools.count(1)

    def user(self, user_id: int, first_name: str = "Pengguna", language_code: str = "id") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}

    def message(self, text: str, user_id: int, chat_id: int | None = None, first_name: str = "Pengguna") -> Update:
        chat_id = chat_id if chat_id is not None else user_id
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        if chat_id > 0:
            chat["first_name"] = first_name
        else:
            chat["title"] = "Grup"
        msg: dict[str, Any] = {
            "message_id": next(self._ids), "date": 1_700_000_000, "chat": chat,
            "from": self.user(user_id, first_name), "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return Update.de_json({"update_id": next(self._ids), "message": msg}, self.bot)

    def my_member(self, chat_id: int, status: str, by_user: int, title: str = "Grup") -> Update:
        """The bot's own membership in ``chat_id`` changed to ``status`` (member, administrator, left, kicked)."""
        bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Pantau HAM", "username": BOT_USERNAME}
        chat = {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private", "title": title}
        old = "left" if status in ("member", "administrator") else "member"
        change = {"chat": chat, "from": self.user(by_user), "date": 1_700_000_000,
                  "old_chat_member": {"user": bot_user, "status": old},
                  "new_chat_member": {"user": bot_user, "status": status,
                                      **({"until_date": 0} if status == "kicked" else {})}}
        return Update.de_json({"update_id": next(self._ids), "my_chat_member": change}, self.bot)

    def migrated(self, old_chat_id: int, new_chat_id: int) -> Update:
        """The service message Telegram sends in a group that became a supergroup."""
        msg = {"message_id": next(self._ids), "date": 1_700_000_000,
               "chat": {"id": old_chat_id, "type": "group", "title": "Grup"},
               "from": self.user(1), "migrate_to_chat_id": new_chat_id}
        return Update.de_json({"update_id": next(self._ids), "message": msg}, self.bot)

    def press(self, call: ApiCall, data: str, user_id: int) -> Update:
        """The update for pressing the button with ``data`` on the message recorded in ``call``."""
        message = call.result if isinstance(call.result, dict) else {}
        query = {
            "id": str(next(self._ids)), "from": self.user(user_id), "chat_instance": "offline",
            "data": data, "message": message,
        }
        return Update.de_json({"update_id": next(self._ids), "callback_query": query}, self.bot)


def buttons_of(call: ApiCall) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button on a recorded message, in order."""
    markup = call.params.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]
