"""/aksi: a kab/kota's Aksi HAM of a year, action by action; record one action's report, the period's nilai
capaian, or the list of actions (the forms: ``bot/domain/aksi_command.py``; who may do what:
``bot/domain/access.py``)."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import limits, zones
from bot.core.errors import UserError
from bot.core.models import AksiStatus
from bot.domain.access import Action, allowed, is_kanwil
from bot.domain.aksi import NotStarted, actions_of, closed_on, record_action, record_report, set_list, typed_name
from bot.domain.aksi_command import AksiCommand, parse
from bot.domain.aksi_grid import grid
from bot.domain.people import Grants
from bot.domain.runtime import Runtime
from bot.reference import RegionRef, regions_of
from bot.render import Reply
from bot.render import aksi as render_aksi
from bot.render import callbacks as cb
from bot.render import status as render_status
from handlers import parts
from handlers.common import (
    answer,
    button,
    grants_of,
    may_read,
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

NEEDS = {"show": Action.VIEW, "action": Action.RECORD_AKSI, "no_action": Action.RECORD_AKSI,
         "period": Action.ASSESS_AKSI, "count": Action.ASSESS_AKSI, "title": Action.ASSESS_AKSI}


def _year(rt: Runtime, region: RegionRef, year: int | None) -> int:
    return year or rt.clock.now().astimezone(zones.zone(region.timezone)).year


def _grid_reply(rt: Runtime, session: Session, g: Grants, region: RegionRef, year: int, recorded: str | None = None,
                period: str | None = None) -> Reply:
    view = grid(session, rt.clock, region, year, rt.settings.aksi_actions, rt.settings.aksi_target)
    if period is not None:
        return render_aksi.period_reply(rt.t, view, period)
    hint = render_aksi.hint(rt.t, view, is_kanwil(g, region)) if allowed(g, Action.RECORD_AKSI, region) else None
    return render_aksi.grid_reply(rt.t, view, recorded, hint)


def _apply(rt: Runtime, g: Grants, actor: int | None, region: RegionRef, command: AksiCommand) -> Reply:
    """Record what ``command`` asks (nothing for "show") and answer with the grid of that year."""
    year, t, default = _year(rt, region, command.year), rt.t, rt.settings.aksi_actions
    with rt.session() as session:
        note = None
        match command:  # what parse() gives each kind (bot/domain/aksi_command.py)
            case AksiCommand(kind="action", period=str(period), number=int(number), status=AksiStatus() as status):
                done = record_action(session, rt.clock, g, region, year, period, number, status, command.nilai,
                                     command.text, actor, default)
                # a PIC's hand-in after the window is late; a bare period after it closed is this year's: say so
                late = done.status is AksiStatus.DIAJUKAN and not is_kanwil(g, region)
                closed = closed_on(rt.clock, region, year, done.period) if late or command.year is None else None
                note = render_aksi.recorded(t, done, closed, late)
            case AksiCommand(kind="period", period=str(period)):
                record_report(session, rt.clock, region, year, period, command.nilai, actor)
                note = render_aksi.period_recorded(t, period, year, command.nilai)
            case AksiCommand(kind="count" | "title" as kind, number=int(number)):
                count = number if kind == "count" else actions_of(session, region, year, default).count
                titles = {number: command.text or ""} if kind == "title" else {}
                changed = set_list(session, rt.clock, region, year, count, titles, default, actor)
                note = (render_aksi.title_recorded(t, changed, number, year,
                                                   actions_of(session, region, year, default).title(number))
                        if kind == "title" else render_aksi.list_recorded(t, changed, count, year))
        return _grid_reply(rt, session, g, region, year, note)


async def aksi(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    try:
        command = parse(context.args or [])
        if command.year is not None:
            limits.check_year(command.year, rt.clock.now())
    except UserError as exc:
        await send_error(update, context, exc)
        return
    if not command.query:
        g = grants_of(update, context)
        mine = g.default_target() if command.kind == "show" else None
        if mine is None:  # the forms this person may use, with the period being reported (or next)
            own = g.default_target()
            await send(update, context, render_aksi.usage(
                rt.t, today(context), g.admin or bool(g.staf), bool(g.pic),
                "region" if isinstance(own, RegionRef) else "province" if own is not None else None))
            return
        if not await may_read(update, context, Action.VIEW, catalog=False):
            return
        if isinstance(mine, RegionRef):  # /aksi alone: the person's own kab/kota, as /status
            await send(update, context, _apply(rt, g, user_id(update), mine, command))
        else:  # staf (or a chat bound to a province): pick one of its kab/kota
            await offer_regions(update, context, mine, cb.AKSI)
        return
    needed = NEEDS[command.kind]
    if not await may_read(update, context, needed, catalog=False):
        return
    # a form that records (or names a year) carries more than a button can: an unclear name gets the corrected
    # command to copy
    words = context.args or []
    rest = " ".join(words[len(command.query.split()):])
    plain = command.kind == "show" and command.year is None
    resolution = await resolve_or_ask(update, context, command.query, cb.AKSI,
                                      command=None if plain else ("/aksi", rest),
                                      right=needed)  # suggest only where the asker may record
    if resolution is None:
        return
    province, region = resolution.province, resolution.region
    if province is not None and command.kind != "show":  # a report is recorded for one kab/kota, typed out
        await send(update, context, Reply(rt.t.fmt("{name} adalah provinsi; sebutkan kab/kota.", name=province.name)))
        return
    if province is not None and command.year is not None:  # its kab/kota, each opening that year's grid
        await send(update, context, render_status.pick_region(rt.t, province, regions_of(province.code),
                                                              cb.AKSI_PERIOD, command.year, "-"))
        return
    if province is not None:
        await offer_regions(update, context, province, cb.AKSI)
        return
    if region is None:  # resolve_or_ask answered an unclear name itself
        return
    if command.kind != "show" and not await require(update, context, needed, region):
        return
    if command.kind == "no_action":
        await send(update, context, render_aksi.no_action(rt.t, typed_name(region), command.period or "",
                                                           is_kanwil(grants_of(update, context), region)))
        return
    g = grants_of(update, context)
    try:
        reply = _apply(rt, g, user_id(update), region, command)
    except NotStarted as exc:
        await send(update, context, render_aksi.not_started(rt.t, exc))
        return
    except UserError as exc:
        await send_error(update, context, exc)
        return
    await send(update, context, reply)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An ambiguous name in /aksi: the button shows that kab/kota's grid (recording needs the command)."""
    pressed = button(update, context, cb.PlaceButton)
    if pressed is None:
        await stale(update, context)
        return
    if not await require(update, context, Action.VIEW):  # checked like /aksi
        return
    await parts.query(update).answer()
    if isinstance(pressed.place, RegionRef):
        await send(update, context, _apply(runtime(context), grants_of(update, context), user_id(update),
                                           pressed.place, AksiCommand("show", pressed.place.name)))
    else:  # picked from an unclear name: its kab/kota
        await offer_regions(update, context, pressed.place, cb.AKSI)


async def on_period(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Rincian B04" / "‹ Semua periode" under the grid: one period's detail, or the grid again (read only)."""
    pressed = button(update, context, cb.AksiPeriodButton)
    if pressed is None:
        await stale(update, context)
        return
    if not await require(update, context, Action.VIEW):  # checked like /aksi
        return
    await parts.query(update).answer()
    rt, g = runtime(context), grants_of(update, context)
    with rt.session() as session:
        reply = _grid_reply(rt, session, g, pressed.region, pressed.year, period=pressed.period)
    await answer(update, context, reply)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("aksi", aksi))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{cb.AKSI}\|"))
    application.add_handler(CallbackQueryHandler(on_period, pattern=rf"^{cb.AKSI_PERIOD}\|"))
