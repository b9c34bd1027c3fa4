"""The updates of the console's factory, and those a terminal never makes: the bot added to or removed from
a group, a group that became a supergroup. With the strict stand-in as ``api``, Telegram's side follows."""

from __future__ import annotations

from typing import Any

from telegram import Bot, Update

from bot.cli.local_api import BOT_USER
from bot.cli.updates import UpdateFactory as ConsoleUpdates
from tests.fakes.bot_api import OfflineBotAPI


class UpdateFactory(ConsoleUpdates):
    def __init__(self, bot: Bot | None, api: OfflineBotAPI | None = None) -> None:
        super().__init__(bot, api)
        self.strict = api

    def my_member(self, chat_id: int, status: str, by_user: int, title: str = "Grup", raw: bool = False) -> Any:
        """The bot's own membership in ``chat_id`` changed to ``status`` (member, administrator, left, kicked).

        ``raw``: the update as Telegram's JSON (for the HTTP stand-in) instead of an ``Update``."""
        chat: dict[str, Any] = {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private", "title": title}
        if self.strict is not None:
            if status in ("member", "administrator"):
                self.strict.register_chat(chat_id, chat["type"], title)
            else:
                self.strict.block(chat_id)
        old = "left" if status in ("member", "administrator") else "member"
        change = {"chat": chat, "from": self.user(by_user), "date": 1_700_000_000,
                  "old_chat_member": {"user": BOT_USER, "status": old},
                  "new_chat_member": {"user": BOT_USER, "status": status,
                                      **({"until_date": 0} if status == "kicked" else {})}}
        data = {"update_id": next(self._ids), "my_chat_member": change}
        return data if raw else self._update(data)

    def migrated(self, old_chat_id: int, new_chat_id: int, title: str = "Grup") -> Update:
        """The service message Telegram sends in a group that became a supergroup."""
        if self.strict is not None:
            self.strict.migrate(old_chat_id, new_chat_id)
        msg = {"message_id": next(self._ids), "date": 1_700_000_000,
               "chat": {"id": old_chat_id, "type": "group", "title": title},
               "from": self.user(1), "migrate_to_chat_id": new_chat_id}
        return self._update({"update_id": next(self._ids), "message": msg})
