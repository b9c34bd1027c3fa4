"""/aksi: record that a kab/kota reported its Aksi HAM for a period, or show what it reported."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import callbacks as cb
from bot import limits
from bot.access import Action
from bot.aksi import looks_like_period, parse_period, record_report, reports_of
from bot.errors import UserError
from bot.i18n import N_
from bot.reference import RegionRef
from bot.render import Reply
from bot.render import aksi as render_aksi
from bot.render import status as render_status
from handlers.common import (
    button,
    offer_regions,
    require,
    resolve_or_ask,
    runtime,
    send,
    send_error,
    stale,
    today,
    user_id,
)

FORM = "/aksi <wilayah> [B04|B08|B12] [tahun] [skor]"
EXAMPLE = "/aksi Tapin B08 {year} 87,5"  # this year: examples never go stale


def split_args(args: list[str]) -> tuple[str, str | None, int | None, float | None]:
    """``["Tanah", "Laut", "B08", "2025", "87,5"]`` -> ("Tanah Laut", "B08", 2025, 87.5)."""
    at = next((i for i, a in enumerate(args) if looks_like_period(a)), None)
    if at is None:
        return " ".join(args), None, None, None
    parse_period(args[at])  # "B13": the period is invalid, say so
    year = score = None
    for extra in args[at + 1 :]:
        if re.fullmatch(r"[+-]?\d{4}", extra) and year is None:
            year = int(extra)
            if year <= 0:
                raise UserError(N_("Tahun {value} tidak sah."), value=extra)
        else:
            try:
                score = float(extra.replace(",", "."))
            except ValueError:
                raise UserError(N_("Skor harus 0-100.")) from None
    return " ".join(args[:at]), args[at].upper(), year, score


async def aksi(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    try:
        query, period, year, score = split_args(context.args or [])
        if year is not None:
            limits.check_year(year, rt.clock.now())
    except UserError as exc:
        await send_error(update, context, exc)
        return
    if not query:
        await send(update, context, render_status.usage(rt.t, FORM, EXAMPLE.format(year=today(context).year)))
        return
    needed = Action.RECORD_AKSI if period else Action.VIEW
    if not await require(update, context, needed):
        return
    resolution = await resolve_or_ask(update, context, query, cb.AKSI)
    if resolution is None:
        return
    if resolution.region is None and period:  # a report is recorded for one kab/kota, typed out
        await send(update, context, Reply(rt.t.fmt("{name} adalah provinsi; sebutkan kab/kota.",
                                                    name=resolution.province.name)))
        return
    if resolution.region is None:
        await offer_regions(update, context, resolution.province, cb.AKSI)
        return
    if period and not await require(update, context, Action.RECORD_AKSI, resolution.region):
        return
    await show(update, context, resolution.region, period, year, score)


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, region: RegionRef, period: str | None = None,
               year: int | None = None, score: float | None = None) -> None:
    rt = runtime(context)
    year = year or rt.clock.now().astimezone(ZoneInfo(region.timezone)).year
    try:
        with rt.session() as session:
            if period:
                record_report(session, rt.clock, region, year, parse_period(period), score, user_id(update))
            reports = reports_of(session, region, year)
    except UserError as exc:
        await send_error(update, context, exc)
        return
    await send(update, context, render_aksi.reports(rt.t, region, year, reports, recorded=period,
                                                    target=rt.settings.aksi_target))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An ambiguous name in /aksi: the button shows that kab/kota's reports (recording needs the command)."""
    pressed = button(update, context, cb.PlaceButton)
    if pressed is None:
        await stale(update, context)
        return
    if not await require(update, context, Action.VIEW):  # checked like /aksi
        return
    await update.callback_query.answer()
    if isinstance(pressed.place, RegionRef):
        await show(update, context, pressed.place)
    else:  # picked from an unclear name: its kab/kota
        await offer_regions(update, context, pressed.place, cb.AKSI)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("aksi", aksi))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{cb.AKSI}\|"))
