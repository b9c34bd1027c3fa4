"""/umumkan: choose a province, preview the results with a chart, then send to every group."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.errors import UserError
from bot.core.i18n import Translator, translator
from bot.core.ids import key_of
from bot.domain.access import Action, allowed
from bot.messaging import broadcasts
from bot.reference import ProvinceRef, provinces
from bot.render import Reply
from bot.render import broadcast as render
from bot.render import callbacks as cb
from bot.views import broadcast as broadcast_view
from bot.views.broadcast import BroadcastView
from handlers import parts
from handlers.common import (
    button,
    edit,
    grants_of,
    may_read,
    require,
    resolve_or_ask,
    runtime,
    send,
    send_error,
    stale,
    user_id,
)

log = logging.getLogger(__name__)


def _view(context: ContextTypes.DEFAULT_TYPE, province: ProvinceRef) -> BroadcastView:
    rt = runtime(context)
    with rt.session() as session:
        return broadcast_view.view(session, rt.clock, rt.cycle(session), province, rt.thresholds)


def audience(context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """What goes to groups and focal points is written in ``PANTAU_LOCALE``, whatever the sender reads."""
    return translator(runtime(context).settings.locale)


def pic_texts(context: ContextTypes.DEFAULT_TYPE, view: BroadcastView) -> dict[str, str]:
    t = audience(context)
    return {row.region.code: render.pic_line(t, view, row, rank) for rank, row in enumerate(view.progress.rows, 1)}


async def umumkan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await may_read(update, context, Action.BROADCAST):
        return
    g = grants_of(update, context)
    query = " ".join(context.args or [])
    if query:  # /umumkan Kalsel: that province, if it is the sender's
        # a button: that province's preview
        resolution = await resolve_or_ask(update, context, query, cb.UMUMKAN, right=Action.BROADCAST)
        target = resolution.target if resolution is not None else None
        if target is None:
            return
        province = target if isinstance(target, ProvinceRef) else provinces()[target.province_code]
        if await require(update, context, Action.BROADCAST, province):
            await preview(update, context, province)
        return
    choices = [p for p in provinces().values() if allowed(g, Action.BROADCAST, p)]
    if len(choices) == 1:
        await preview(update, context, choices[0])
        return
    await send(update, context, render.choose_province(runtime(context).t, choices))


async def preview(update: Update, context: ContextTypes.DEFAULT_TYPE, province: ProvinceRef) -> None:
    rt = runtime(context)
    view = _view(context, province)
    t = audience(context)
    text = render.results(t, view)
    from bot.io.charts import progress_chart  # matplotlib: loaded on the first /umumkan, not at start

    chart = progress_chart(view.progress, **render.chart_labels(t, view))
    with rt.session() as session:
        broadcast = broadcasts.create(session, rt.clock, province, user_id(update), text, chart)
        groups = len(broadcasts.group_chats(session, province))
        pics = len(broadcasts.focal_points(session, province))
    await context.bot.send_photo(parts.chat_id(update), InputFile(chart, filename="grafik.png"),
                                 caption=rt.t.plain("Pratinjau grafik: {name}", name=province.name))
    await send(update, context, render.preview(rt.t, text, key_of(broadcast), groups, pics, False, province.name))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = parts.query(update)
    pressed = button(update, context, cb.BroadcastButton)
    if pressed is None:
        await stale(update, context)
        return
    step = pressed.step
    rt = runtime(context)
    if pressed.province is not None:  # "prov"
        if not await require(update, context, Action.BROADCAST, pressed.province):
            return
        await query.answer()
        await preview(update, context, pressed.province)
        return
    with rt.session() as session:
        found = broadcasts.find(session, pressed.broadcast_id)
    if found is None:
        await stale(update, context)
        return
    broadcast, broadcast_id = found, key_of(found)
    province = provinces()[broadcast.province_code]
    if not await require(update, context, Action.BROADCAST, province):
        return
    await _answer_quietly(query)
    # no await inside a transaction: other updates run meanwhile, and SQLite has one writer
    try:
        if step == "pic":
            with rt.session() as session:
                broadcast = broadcasts.toggle_pics(session, broadcast_id)
                groups = len(broadcasts.group_chats(session, province))
                pics = len(broadcasts.focal_points(session, province))
            await edit(update, context, render.preview(rt.t, broadcast.text, broadcast_id, groups, pics,
                                                       broadcast.to_pics, province.name))
            return
        if step == "no":
            with rt.session() as session:
                broadcasts.cancel(session, broadcast_id)
            await edit(update, context, Reply(rt.t.gettext("Dibatalkan; tidak ada yang dikirim.")))
            return
        with rt.session() as session:  # confirmed once, whoever pressed "Kirim" first (bot.claims)
            def texts() -> dict[str, str]:
                return pic_texts(context, broadcast_view.view(session, rt.clock, rt.cycle(session), province,
                                                          rt.thresholds))

            queued = broadcasts.confirm(session, rt.clock, broadcast_id, user_id(update), province, texts)
    except UserError as exc:
        await send_error(update, context, exc)
        return
    done = rt.t.nfmt("✔️ Sedang dikirim ke {n} penerima; laporan pengiriman menyusul.",
                     "✔️ Sedang dikirim ke {n} penerima; laporan pengiriman menyusul.", queued)
    try:
        await edit(update, context, Reply(done))
    except TelegramError as exc:  # queued all the same: the delivery engine tells the sender, with retries
        log.warning("the answer to Kirim could not be shown (%s): it follows through the outbox", exc)
        with rt.session() as session:
            broadcasts.acknowledge_later(session, rt.clock, broadcast_id, parts.chat_id(update), done)


async def _answer_quietly(query: CallbackQuery) -> None:
    """Stop the button's spinner; Telegram failing to take that must not stop what the button does."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.warning("answering a button failed (%s); carrying on", exc)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("umumkan", umumkan))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{cb.UMUMKAN}\|"))
