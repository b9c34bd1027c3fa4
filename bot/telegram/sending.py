"""Sending a :class:`~bot.render.Reply` through python-telegram-bot, the one way: split where Telegram counts
(UTF-16 units after the HTML is parsed), the buttons on the last part, no link previews.

Used by the handlers (answers to people, ``handlers/common.py``) and by the delivery engine (what the bot sends
on its own, ``schedules/telegram_sender.py``, which adds its rate-limit kind and timeouts).
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message

from bot.render import Reply, split_message

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    )


async def send_reply(bot: Bot, chat_id: int, reply: Reply, **options: Any) -> Message | None:
    """Send every part of ``reply`` in order; the last message. ``options`` go to each ``send_message``."""
    chunks = split_message(reply.text)
    message = None
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        message = await bot.send_message(chat_id, chunk, reply_markup=keyboard(reply) if last else None,
                                         link_preview_options=NO_PREVIEW, **options)
    return message
