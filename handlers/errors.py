"""The last resort: log the details, tell the person something short and kind."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.logs import describe_update
from bot.outage import is_database_down, outage_of
from bot.render import Reply
from handlers.common import runtime, send

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    database_down = is_database_down(context.error)
    if database_down:
        outage_of(context.application.bot_data).failed(context.error)
    else:
        log.error("error while handling an update", exc_info=context.error, extra=describe_update(update))
    if isinstance(update, Update) and update.effective_chat:
        t = runtime(context).t
        if database_down:
            text = t.gettext("Maaf, basis data sedang tidak dapat dihubungi. Coba lagi beberapa menit lagi; "
                             "pengingat yang jatuh tempo akan tetap dikirim setelah pulih.")
        else:
            text = t.gettext("Maaf, terjadi kesalahan. Coba lagi sebentar lagi; bila berulang, hubungi admin.")
        try:
            await send(update, context, Reply(text))
        except Exception:  # the error may be Telegram itself
            log.exception("could not tell the user about the error")


def register(application: Application) -> None:
    application.add_error_handler(on_error)
