"""/saya: anyone, with or without a role, learns their Telegram id, name, roles and regions (private chat)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.domain.profile import profile
from bot.render import profile as render
from handlers.common import runtime, send


async def saya(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    if chat.type != "private":
        await send(update, context, render.private_only(rt.t))
        return
    with rt.session() as session:
        found = profile(session, frozenset(rt.settings.admin_ids), user.id, user.first_name or "", user.username)
    await send(update, context, render.profile(rt.t, found))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("saya", saya))
