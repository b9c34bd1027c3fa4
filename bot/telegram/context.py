"""The context python-telegram-bot hands to every handler of an update, with room for the update's visit.

The Application makes one context per update and passes the same one to the handlers of every group, so
what the gate (``handlers/visit.py``) reads once is there for all of them: ``context.visit``."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.domain.visit import Visit


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    __slots__ = ("visit",)

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application, chat_id, user_id)
        self.visit: Visit | None = None  # filled by the gate, the first handler of the update


CONTEXT_TYPES: ContextTypes[Context, dict[Any, Any], dict[Any, Any], dict[Any, Any]] = ContextTypes(context=Context)
