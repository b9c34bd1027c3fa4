"""The gate: the first handler of every update reads who writes, where, what they may do and in which
language once (``bot.domain.visit``), for every later handler (``context.visit``, ``handlers.common.visit``).

It also does what each update asks of the bot for itself: it remembers the people and chats it meets (names
for member lists and delivery reports), reads the reply in the person's language (a private chat: their
/bahasa choice; a group: ``PANTAU_LOCALE``, read together) and tells a person whose Telegram app is in
English, once and in English, that /bahasa en exists. Those writes are a second transaction, and only when
something changed; a reading command is one transaction here and one for its answer.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.core.i18n import locale_for, translator, use_locale
from bot.domain import visit as visits
from bot.telegram.context import Context
from handlers.common import runtime, visit

log = logging.getLogger(__name__)

GATE_GROUP = -2  # before every feature handler, so every reply of the update is in the reader's language


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    seen, now = visit(update, context), rt.clock.now()  # the first transaction: read
    if visits.to_record(seen, now):
        with rt.session() as session:  # the second, only when something changed
            seen = visits.record(session, rt.clock, seen)
        if isinstance(context, Context):
            context.visit = seen
    elif visits.seen_again(seen, now) and seen.meeting.user_id is not None:
        rt.seen_later.note(seen.meeting.user_id, now)  # written by the tick, not before the answer
    m = seen.meeting
    use_locale(locale_for(seen.language, rt.settings.locale) if m.private and m.user_id is not None and not m.is_bot
               else None)
    if seen.told_of_english and seen.meeting.chat_id is not None:
        try:
            await context.bot.send_message(seen.meeting.chat_id, translator("en").gettext(
                "Bot ini menjawab dalam bahasa Indonesia. Untuk jawaban dalam bahasa Inggris, ketik /bahasa en."))
        except TelegramError as exc:  # the answer itself matters more than the hint
            log.info("language hint to %s not sent: %s", seen.meeting.chat_id, exc)


def register(application: Application) -> None:
    application.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
