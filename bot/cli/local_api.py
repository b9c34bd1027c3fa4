"""The Bot API answered in-process: what ``pantau-ham console`` runs the bot against.

The console runs the real python-telegram-bot ``Application`` with this request object instead of the
network: every call the bot makes is answered here as Telegram answers it (a message with its id, a file
id for a document), recorded in ``calls`` and handed to a ``listener`` (the console prints it). Nothing
leaves the machine and nothing is refused: the console's "chat" is a terminal. The tests' strict stand-in
(``tests/fakes``) builds on this one and refuses what Telegram refuses.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.core.telegram_text import EntityError, parse_entities

BOT_ID = 7000000001
BOT_USERNAME = "PantauHAMBot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Pantau HAM", "username": BOT_USERNAME}

SENDING = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "copyMessage",
                     "forwardMessage", "sendAnimation", "sendVideo", "sendAudio", "sendVoice", "sendLocation"})
EDITING = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None


def buttons_of(call: ApiCall) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button on a recorded message, in order."""
    markup = call.params.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


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


class LocalBotAPI(BaseRequest):
    def __init__(self, listener: Callable[[ApiCall], None] | None = None) -> None:
        self.calls: list[ApiCall] = []
        self.listener = listener
        self._message_ids = itertools.count(1000)
        self.date = 1_700_000_000
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], tuple[str, Any]] = {}  # (chat, id) -> (text or caption, markup)
        self.parse_modes: dict[tuple[int, int], Any] = {}  # (chat, id) -> the parse mode its text was sent in
        self.open_queries: set[str] = set()
        self.files: dict[str, bytes] = {}  # file_id -> content, for getFile and downloads

    def register_chat(self, chat_id: int, kind: str | None = None, title: str | None = None) -> None:
        """A chat the bot knows: a person who wrote to it, a group it was added to."""
        kind = kind or ("private" if chat_id > 0 else "supergroup")
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = title or "Pengguna"
        else:
            chat["title"] = title or "Grup"
        self.chats[chat_id] = chat

    # -- BaseRequest -----------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = None, write_timeout: object = None,
                         connect_timeout: object = None, pool_timeout: object = None) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file download (getFile's file_path under the file URL)
            return self.download(url)
        api_method = url.rsplit("/", 1)[-1]
        params = {k: _jsonable(v) for k, v in (request_data.parameters if request_data else {}).items()}
        files: dict[str, bytes] = {}
        if request_data is not None and request_data.contains_files:
            for name, (_filename, content, _mimetype) in request_data.multipart_data.items():
                if isinstance(content, bytes):
                    files[name] = content
        status, body = self.handle(api_method, params, files)
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
        result = self.answer(method, params, files)
        call = ApiCall(method, params, files, result)
        self.calls.append(call)
        if self.listener:
            self.listener(call)
        return 200, {"ok": True, "result": result}

    # -- the answers -----------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        """What Telegram returns for ``method`` when it accepts the call."""
        if method == "getMe":
            return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                    "supports_inline_queries": False}
        if method == "answerCallbackQuery":
            self.open_queries.discard(str(params.get("callback_query_id", "")))
            return True
        if method == "getFile":
            file_id = str(params.get("file_id", ""))
            return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                    "file_size": len(self.files.get(file_id, b"")), "file_path": f"documents/{file_id}"}
        chat_id = int(params.get("chat_id") or 0)
        if method in EDITING:
            return self.edit(method, chat_id, params)
        if method == "getChat":
            return dict(self.chats.get(chat_id) or self._chat(chat_id))
        if method == "deleteMessage":
            self.messages.pop((chat_id, int(params.get("message_id") or 0)), None)
            return True
        if method not in SENDING:
            return True
        msg = self.message(chat_id, params)
        if method == "sendDocument":
            file_id = f"doc{msg['message_id']}"
            self.files[file_id] = next(iter(files.values()), b"")
            msg["document"] = {"file_id": file_id, "file_unique_id": f"u{msg['message_id']}", "file_name": "file",
                               "file_size": len(self.files[file_id])}
        elif method == "sendPhoto":
            file_id = f"ph{msg['message_id']}"
            self.files[file_id] = next(iter(files.values()), b"")
            msg["photo"] = [{"file_id": file_id, "file_unique_id": f"u{msg['message_id']}", "width": 1,
                             "height": 1}]
        content = params.get("text", params.get("caption", ""))
        self.messages[(chat_id, msg["message_id"])] = (content, params.get("reply_markup") or None)
        self.parse_modes[(chat_id, msg["message_id"])] = params.get("parse_mode")
        return msg

    @staticmethod
    def _chat(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}

    def message(self, chat_id: int, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        """The message Telegram returns for a sent (or edited) text, caption and keyboard."""
        chat = dict(self.chats.get(chat_id) or self._chat(chat_id))
        msg: dict[str, Any] = {"message_id": message_id or next(self._message_ids), "date": self.date,
                               "chat": chat, "from": dict(BOT_USER)}
        for part in ("text", "caption"):  # as Telegram returns them: the visible text and its entities
            if part in params:
                msg[part], entities = shown(params[part], params.get("parse_mode"))
                if entities:
                    msg["entities" if part == "text" else "caption_entities"] = entities
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        return msg

    def edited(self, method: str, chat_id: int, params: dict[str, Any]) -> tuple[Any, Any]:
        """(text or caption, keyboard) of the message after the edit ``params`` asks for."""
        text: Any = self.messages.get((chat_id, int(params.get("message_id") or 0)), ("", None))[0]
        if method == "editMessageText":
            text = params.get("text")
        elif method == "editMessageCaption":
            text = params.get("caption", "")
        return text, params.get("reply_markup") or None

    def edit(self, method: str, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
        message_id = int(params.get("message_id") or 0)
        new_text, new_markup = self.edited(method, chat_id, params)
        self.messages[(chat_id, message_id)] = (new_text, new_markup)
        if method in ("editMessageText", "editMessageCaption"):
            self.parse_modes[(chat_id, message_id)] = params.get("parse_mode")
        mode = self.parse_modes.get((chat_id, message_id))
        return self.message(chat_id, {"text": new_text, "reply_markup": new_markup, "parse_mode": mode}, message_id)


def shown(text: Any, parse_mode: Any) -> tuple[str, list[dict[str, Any]]]:
    """What Telegram shows of a text sent with ``parse_mode``: HTML parsed into plain text and entities (a text
    Telegram would refuse is kept as it is: the strict stand-in of the tests refuses it before)."""
    text = "" if text is None else str(text)
    if parse_mode != "HTML":
        return text, []
    try:
        return parse_entities(text)
    except EntityError:
        return text, []
