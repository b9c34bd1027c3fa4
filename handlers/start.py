"""/start, /bantuan and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.render.help import help_text
from handlers.common import runtime, send


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    await send(update, context, help_text(runtime(context).t, user.first_name if user else None))


async def bantuan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, context, help_text(runtime(context).t))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler(["bantuan", "help"], bantuan))
