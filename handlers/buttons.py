"""Buttons whose data makes no sense: forged, from an old version, out of range. Answered quietly.

Two handlers in the feature group (0): ``gate`` is added before every feature's button handler and takes
the callback queries whose data ``bot.render.callbacks.decode`` refuses (unknown prefix, wrong number of fields,
a region, criterion, page, id or date out of range), so no feature handler sees them; ``leftover`` is
added after all of them and answers whatever no one took (a query without data). Either answers with a
short "Tombol ini sudah tidak berlaku." and changes nothing: every callback query gets exactly one answer
and no traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.core import zones
from bot.domain.runtime import Runtime
from bot.render import callbacks as cb
from handlers.common import stale


def _refused_by(runtime: Runtime) -> Callable[[object], bool]:
    def refused(data: object) -> bool:
        today = runtime.clock.now().astimezone(zones.zone(runtime.settings.timezone)).date()
        return cb.decode(data, today) is None

    return refused


async def quietly(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await stale(update, context)


def register_gate(application: Application) -> None:
    """Before the features' button handlers (the first handler of group 0 that matches wins)."""
    runtime: Runtime = application.bot_data["runtime"]
    application.add_handler(CallbackQueryHandler(quietly, pattern=_refused_by(runtime)))


def register_leftover(application: Application) -> None:
    """After every feature's button handler."""
    application.add_handler(CallbackQueryHandler(quietly))
