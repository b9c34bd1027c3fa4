"""The last resort: log the details, tell the person something short, kind and true.

"Maaf, terjadi kesalahan" means "nothing happened, try again". That is only true when nothing was saved: a
command whose change was committed and whose reply then failed (Telegram down after the rate limiter's
retries, or a bug while rendering) is told that its change *is* saved, so that nobody repeats it and makes
it twice (``bot.core.committed`` keeps track per update). A reply that Telegram would not take while nothing was
saved is told so, and that trying again is safe.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.core import committed
from bot.core.i18n import Translator
from bot.core.logs import describe_update
from bot.core.outage import is_database_down, outage_of
from bot.render import Reply
from bot.telegram.ratelimit import undelivered
from handlers.common import runtime, send

log = logging.getLogger(__name__)

UPDATE_GROUP = -90  # before every other handler of the update: a fresh record of what it saved


async def begin_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    committed.begin()


def explain(t: Translator, error: BaseException | None, saved: bool, database_down: bool) -> str:
    """What to tell the person whose update ended with ``error``."""
    lost = error is not None and undelivered(error)
    if saved and lost:
        return t.gettext("✔️ Perintah Anda sudah diproses dan perubahannya tersimpan, tetapi balasan bot tidak "
                         "terkirim karena gangguan pada Telegram. Tidak perlu mengulangi perintah itu.")
    if saved:
        return t.gettext("✔️ Perubahan Anda sudah tersimpan, tetapi terjadi kesalahan saat menyiapkan balasannya. "
                         "Periksa hasilnya sebelum mengulangi perintah; bila ada yang janggal, hubungi admin.")
    if database_down:
        return t.gettext("Maaf, basis data sedang tidak dapat dihubungi. Silakan coba lagi dalam beberapa menit; "
                         "pengingat yang jatuh tempo akan tetap dikirim setelah pulih.")
    if lost:
        return t.gettext("Maaf, balasan bot tidak terkirim karena gangguan pada Telegram, dan tidak ada yang "
                         "berubah. Silakan coba lagi sebentar.")
    return t.gettext("Maaf, terjadi kesalahan. Silakan coba lagi sebentar; bila berulang, hubungi admin.")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    database_down = is_database_down(error)
    saved = committed.changed()
    if database_down and error is not None:
        outage_of(context.application.bot_data).failed(error)
    elif error is not None and undelivered(error):
        log.warning("Telegram did not take a reply (%s: %s); the change was %s", type(error).__name__, error,
                    "saved" if saved else "not saved", extra=describe_update(update))
    else:
        log.error("error while handling an update", exc_info=error, extra=describe_update(update))
    if not (isinstance(update, Update) and update.effective_chat) or isinstance(error, Forbidden):
        return  # nobody to tell, or they blocked the bot
    try:
        await send(update, context, Reply(explain(runtime(context).t, error, saved, database_down)))
    except Exception:  # the error may be Telegram itself
        log.exception("could not tell the user about the error")


def register(application: Application) -> None:
    application.add_handler(TypeHandler(Update, begin_update), group=UPDATE_GROUP)
    application.add_error_handler(on_error)
