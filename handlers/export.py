"""/ekspor <wilayah atau provinsi> (the XLSX report) and /templat <wilayah> (the XLSX to fill in)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.models import Cycle, IndicatorState
from bot.domain.access import Action, settable_states
from bot.domain.runtime import Runtime
from bot.io import export
from bot.io.export import Workbook
from bot.reference import Place, ProvinceRef, RegionRef, regions_of
from bot.render import callbacks as cb
from bot.render import status as render_status
from handlers import parts
from handlers.common import (
    button,
    grants_of,
    offer_regions,
    region_argument,
    require,
    runtime,
    send,
    send_file,
    stale,
)


def _report(rt: Runtime, place: Place) -> Workbook:
    """Blocking work (a province is thousands of rows): run in a worker thread with its own session, which
    only reads (the cycle, which a new year creates, is looked up in a short transaction of its own)."""
    cycle = _cycle(rt)
    with rt.session() as session:
        return export.report(session, rt.clock, cycle, place, rt.thresholds, rt.t, rt.settings.aksi_actions)


def _template(rt: Runtime, region: RegionRef, states: list[IndicatorState]) -> Workbook:
    cycle = _cycle(rt)
    with rt.session() as session:
        return export.template(session, rt.clock, cycle, region, rt.t, states)


def _cycle(rt: Runtime) -> Cycle:
    with rt.session() as session:
        return rt.cycle(session)


async def send_report(update: Update, context: ContextTypes.DEFAULT_TYPE, place: Place) -> None:
    if not await require(update, context, Action.VIEW, place):
        return
    rt = runtime(context)
    book = await asyncio.to_thread(_report, rt, place)  # off the event loop: other chats are answered meanwhile
    name = place.name if isinstance(place, ProvinceRef) else place.official_name
    await send_file(update, context, book.filename, book.content,
                    rt.t.fmt("Laporan KKP HAM {name}: ringkasan, progres per indikator, lembar per kriteria dan "
                             "daftar yang belum lengkap.", name=name))


async def send_template(update: Update, context: ContextTypes.DEFAULT_TYPE, region: RegionRef) -> None:
    if not await require(update, context, Action.EDIT_CHECKLIST, region):
        return
    rt = runtime(context)
    states = settable_states(grants_of(update, context), region)
    book = await asyncio.to_thread(_template, rt, region, states)
    await send_file(update, context, book.filename, book.content,
                    rt.t.fmt("Format isian progres {name}: isi lembar “Progres”, lalu kirim berkasnya ke sini.",
                             name=region.official_name))


async def ekspor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    resolution = await region_argument(update, context, cb.EKSPOR, "/ekspor <wilayah atau provinsi>",
                                       "/ekspor Kalsel", catalog=False)
    if resolution is not None and resolution.target is not None:
        await send_report(update, context, resolution.target)


async def templat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    resolution = await region_argument(update, context, cb.TEMPLAT, "/templat <wilayah>", "/templat Tapin",
                                       action=Action.EDIT_CHECKLIST, catalog=False)
    if resolution is None:
        return
    if resolution.province:
        await send(update, context, render_status.pick_region(
            runtime(context).t, resolution.province, regions_of(resolution.province.code), cb.TEMPLAT))
        return
    if resolution.region is not None:
        await send_template(update, context, resolution.region)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = parts.query(update)
    pressed = button(update, context, cb.PlaceButton)
    if pressed is None:
        await stale(update, context)
        return
    place = pressed.place
    if pressed.action == cb.TEMPLAT:  # a template is of one kab/kota: a province offers its kab/kota
        if await require(update, context, Action.EDIT_CHECKLIST, place):
            await query.answer()
            if isinstance(place, RegionRef):
                await send_template(update, context, place)
            else:
                await offer_regions(update, context, place, cb.TEMPLAT)
        return
    if await require(update, context, Action.VIEW, place):
        await query.answer()
        await send_report(update, context, place)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("ekspor", ekspor))
    application.add_handler(CommandHandler("templat", templat))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^({cb.EKSPOR}|{cb.TEMPLAT})\|"))
