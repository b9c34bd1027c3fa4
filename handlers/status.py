"""/status and /belum, and the buttons that lead to them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.domain.access import Action
from bot.domain.checklist import indicator_statuses, national_progress, province_progress, region_progress
from bot.reference import Place, ProvinceRef, RegionRef, criteria, regions_of
from bot.render import Reply
from bot.render import callbacks as cb
from bot.render import checklist as render_checklist
from bot.render import status as render_status
from handlers import parts
from handlers.common import (
    answer,
    button,
    may_read,
    region_argument,
    runtime,
    send,
    send_error,
    stale,
    visit,
)


def status_reply(context: ContextTypes.DEFAULT_TYPE, target: Place, also: tuple[Place, ...] = ()) -> Reply:
    rt = runtime(context)
    with rt.session() as session:
        cycle = rt.cycle(session)
        if isinstance(target, ProvinceRef):
            return render_status.province_status(rt.t, province_progress(session, cycle, target, rt.thresholds))
        progress = region_progress(session, cycle, target, rt.thresholds)
    return render_status.region_status(rt.t, progress, also)


NATIONAL = {"nasional", "indonesia"}


def national_reply(context: ContextTypes.DEFAULT_TYPE) -> Reply:
    rt = runtime(context)
    with rt.session() as session:
        progress = national_progress(session, rt.cycle(session), rt.thresholds)
    return render_status.national_status(rt.t, progress, rt.settings.timezone)


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = " ".join(context.args or [])
    if query.strip().lower() in NATIONAL:
        if await may_read(update, context, Action.VIEW_NATIONAL):
            await send(update, context, national_reply(context))
        return
    resolution = await region_argument(update, context, cb.STATUS, "/status <wilayah>", "/status Tapin", query=query)
    if resolution is not None and resolution.target is not None:
        await send(update, context, status_reply(context, resolution.target, resolution.also))


def belum_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, region: RegionRef, criterion: int,
                page: int) -> Reply:
    rt = runtime(context)
    with rt.session() as session:
        items = indicator_statuses(session, rt.cycle(session), region, criterion or None)  # the renderer filters
    return render_checklist.belum(rt.t, region, items, criterion or None, page, visit(update, context).sample_catalog)


def split_criterion(args: list[str]) -> tuple[str, int]:
    """``["Tanah", "Laut", "3"]`` -> ("Tanah Laut", 3); a trailing number is a criterion number (1-10)."""
    if len(args) > 1 and args[-1].isdigit() and len(args[-1]) <= 3:
        if int(args[-1]) not in criteria():
            raise UserError(N_("Tidak ada kriteria {number}: kriteria KKP HAM bernomor 1 sampai {last}."),
                            number=args[-1], last=str(max(criteria())))
        return " ".join(args[:-1]), int(args[-1])
    return " ".join(args), 0


async def belum(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await may_read(update, context):
        return
    rt = runtime(context)
    try:
        query, criterion = split_criterion(context.args or [])
    except UserError as exc:
        await send_error(update, context, exc)
        return
    resolution = await region_argument(update, context, cb.BELUM, "/belum <wilayah> [nomor kriteria]",
                                       "/belum Tapin 3", criterion, 0, query=query, gated=True)
    if resolution is None:
        return
    if resolution.province:
        await send(update, context, render_status.pick_region(
            rt.t, resolution.province, regions_of(resolution.province.code), cb.BELUM, criterion, 0))
    elif resolution.region:
        await send(update, context, belum_reply(update, context, resolution.region, criterion, 0))


async def on_status_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = button(update, context, cb.PlaceButton)
    if pressed is None:
        await stale(update, context)
        return
    if not await may_read(update, context):
        return
    await parts.query(update).answer()
    await answer(update, context, status_reply(context, pressed.place))


async def on_belum_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = button(update, context, cb.PageButton)
    if pressed is None:
        await stale(update, context)
        return
    if not await may_read(update, context):
        return
    await parts.query(update).answer()
    place = pressed.place
    if isinstance(place, RegionRef):
        await answer(update, context, belum_reply(update, context, place, pressed.criterion, pressed.page))
    else:  # a province among the candidates ("Jogja"): choose its kab/kota
        await answer(update, context, render_status.pick_region(
            runtime(context).t, place, regions_of(place.code), cb.BELUM, pressed.criterion, 0))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("status", status))
    application.add_handler(CommandHandler("belum", belum))
    application.add_handler(CallbackQueryHandler(on_status_button, pattern=rf"^{cb.STATUS}\|"))
    application.add_handler(CallbackQueryHandler(on_belum_button, pattern=rf"^{cb.BELUM}\|"))

