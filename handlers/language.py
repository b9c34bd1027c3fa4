"""/bahasa: a person chooses the language the bot answers them in (Indonesian unless they chose English).

The language of each update's reader is set by the gate (``handlers/visit.py``)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.core.errors import UserError
from bot.core.i18n import use_locale
from bot.domain.language import choose_language, parse_language
from bot.render import Reply
from bot.render import status as render_status
from handlers import menus
from handlers.common import runtime, send, send_error


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
    application.add_handler(CommandHandler("bahasa", bahasa))
