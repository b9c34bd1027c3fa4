"""The language of each update's reader (Indonesian unless they chose English), and /bahasa to choose it."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, TypeHandler

from bot.core.errors import UserError
from bot.core.i18n import locale_for, translator, use_locale
from bot.domain.language import choose_language, first_contact, parse_language
from bot.render import Reply
from bot.render import status as render_status
from handlers import menus
from handlers.common import runtime, send, send_error

log = logging.getLogger(__name__)

LANGUAGE_GROUP = -2  # before everything else, so every reply of the update is in the reader's language


async def pick_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat, the person's language; in a group, ``PANTAU_LOCALE`` (the group reads it together).

    A person whose Telegram app is in English first gets one line (in English) saying that /bahasa en exists."""
    rt = runtime(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or user.is_bot or chat is None or chat.type != "private":
        use_locale(None)
        return
    message = update.message
    choosing = bool(message and message.text and message.text.split()[0].split("@")[0].lower() == "/bahasa")
    with rt.session() as session:
        chosen, tell = first_contact(session, rt.clock, user.id, user.first_name or "", user.username,
                                     user.language_code if message else None, choosing)  # told with a message
    use_locale(locale_for(chosen, rt.settings.locale))
    if tell:
        try:
            await context.bot.send_message(chat.id, translator("en").gettext(
                "Bot ini menjawab dalam bahasa Indonesia. Untuk jawaban dalam bahasa Inggris, ketik /bahasa en."))
        except TelegramError as exc:  # the answer itself matters more than the hint
            log.info("language hint to %s not sent: %s", chat.id, exc)


async def bahasa(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    user = update.effective_user
    if not context.args or user is None:
        await send(update, context, render_status.usage(rt.t, "/bahasa id|en", "/bahasa en"))
        return
    try:
        locale = parse_language(context.args[0])
    except UserError as exc:
        await send_error(update, context, exc)
        return
    with rt.session() as session:
        choose_language(session, rt.clock, user.id, user.first_name or "", user.username, locale)
    if update.effective_chat and update.effective_chat.type == "private":
        use_locale(locale)
        await menus.refresh(context, user.id)  # the private command menu in the chosen language
    await send(update, context, Reply(rt.t.gettext("✔️ Bot akan menjawab Anda dalam bahasa Indonesia.")
                                      if locale == "id" else
                                      rt.t.gettext("✔️ Bot akan menjawab Anda dalam bahasa Inggris.")))


def register(application: Application) -> None:
    application.add_handler(TypeHandler(Update, pick_language), group=LANGUAGE_GROUP)
    application.add_handler(CommandHandler("bahasa", bahasa))
