"""The parts of an update a handler is registered for, typed.

python-telegram-bot types every part of an ``Update`` as optional, because an update carries only one kind
of thing. A handler knows which kind it was registered for (a command has a message, a chat and a sender;
a button has a callback query), so these accessors state that once: they return the part, or raise
``MissingPart`` when an update arrives without it (a registration mistake, reported by the error handler
like any other defect, never a silent ``None``).
"""

from __future__ import annotations

from telegram import CallbackQuery, Chat, Message, Update, User


class MissingPart(LookupError):
    """An update reached a handler without the part that handler was registered for."""


def chat(update: Update) -> Chat:
    if update.effective_chat is None:
        raise MissingPart("update without a chat")
    return update.effective_chat


def chat_id(update: Update) -> int:
    return chat(update).id


def sender(update: Update) -> User:
    if update.effective_user is None:
        raise MissingPart("update without a sender")
    return update.effective_user


def message(update: Update) -> Message:
    if update.effective_message is None:
        raise MissingPart("update without a message")
    return update.effective_message


def text(update: Update) -> str:
    """The typed text of the update's message ('' for a message without text, e.g. a photo)."""
    return message(update).text or ""


def query(update: Update) -> CallbackQuery:
    if update.callback_query is None:
        raise MissingPart("update without a button press")
    return update.callback_query


def data(update: Update) -> str:
    """The pressed button's data ('' when Telegram sent none, e.g. a game button)."""
    return query(update).data or ""
