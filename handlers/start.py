"""/start (with or without an invitation token), /bantuan and /help.

A person without a role is told, first of all, that they need an invitation from their Kanwil."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.core.errors import UserError
from bot.domain.people import accept_invite
from bot.render.help import help_text, stranger_welcome
from bot.render.people import welcome
from handlers import menus, parts
from handlers.common import grants_of, runtime, send, send_error, user_id


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    private = parts.chat(update).type == "private"
    if context.args and private:
        try:
            with rt.session() as session:
                binding = accept_invite(session, rt.clock, context.args[0], parts.sender(update).id)
        except UserError as exc:
            await send_error(update, context, exc)
            return
        await send(update, context, welcome(rt.t, binding, rt.settings.reminder_hour, rt.settings.digest_weekday))
        await menus.refresh(context, user_id(update))
        return
    user = update.effective_user
    name = user.first_name if user else None
    if private:
        await menus.refresh(context, user_id(update))
        if not grants_of(update, context).has_role:
            await send(update, context, stranger_welcome(rt.t, name))
            return
    g = grants_of(update, context)
    await send(update, context, help_text(rt.t, name, kanwil=g.admin or bool(g.staf), pic=bool(g.pic)))


async def bantuan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    g = grants_of(update, context)  # each reads what they may do
    await send(update, context, help_text(runtime(context).t, has_role=g.has_role or bool(g.bound_chat),
                                          kanwil=g.admin or bool(g.staf), pic=bool(g.pic)))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler(["bantuan", "help"], bantuan))
