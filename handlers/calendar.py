"""/jadwal, /kalender, /jadwal_tambah (one line), /jadwal_ubah and /jadwal_batal."""

from __future__ import annotations

from typing import Literal

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import limits
from bot.core.errors import UserError
from bot.core.models import Event, ScopeKind
from bot.domain.access import Action
from bot.domain.subscriptions import of_chat
from bot.reference import ProvinceRef, RegionRef, provinces, regions_of
from bot.render import Reply
from bot.render import calendar as render_calendar
from bot.render import callbacks as cb
from bot.render import status as render_status
from bot.render.people import place
from handlers import parts
from handlers.common import (
    button,
    grants_of,
    region_argument,
    require,
    runtime,
    send,
    send_error,
    send_file,
    stale,
    today,
    user_id,
)
from schedules import events as event_service
from schedules.calendar import EXAMPLE, FORM, Scope, parse_line, parse_when, upcoming
from schedules.dates import example_day, spelled
from schedules.planner import passed_offsets, policy_from

UBAH_FORM = "/jadwal_ubah <id> tanggal <tanggal> [HH.MM] | judul|lokasi|catatan|ingatkan <nilai> | konfirmasi"
UBAH_EXAMPLE = "/jadwal_ubah 12 tanggal {date} 09.00"  # a date ahead: examples never go stale
# what /jadwal and /kalender list: (heading, kab/kota codes, "nasional" for the national events only or None for
# all, zone or None for each event's own)
Selection = tuple[str, set[str] | Literal["nasional"] | None, str | None]
NATIONAL = {"nasional", "national", "indonesia"}  # /jadwal nasional: the national events (as /status nasional)
USAGE = {cb.JADWAL: ("/jadwal <wilayah>", "/jadwal Kalsel"), cb.KALENDER: ("/kalender <wilayah>", "/kalender Kalsel")}


def example_date(context: ContextTypes.DEFAULT_TYPE) -> str:
    """A date a few weeks ahead, spelled in the reader's language, for the examples of usage texts."""
    rt = runtime(context)
    return spelled(example_day(today(context)), rt.t.locale)


def target_selection(target: RegionRef | ProvinceRef) -> Selection:
    if isinstance(target, ProvinceRef):  # headings name places in full, as /status does
        return place(target.code), {r.code for r in regions_of(target.code)}, target.timezone
    return place(target.code), {target.code}, target.timezone


async def _selection(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> Selection | None:
    """(heading, kab/kota codes or None for all, zone) for /jadwal and /kalender; None when answered already."""
    rt = runtime(context)
    query = " ".join(context.args or [])
    if query.strip().lower() in NATIONAL:  # seen by everyone in their own agenda too, so by anyone who reads
        return rt.t.gettext("nasional"), "nasional", None
    if query:
        resolution = await region_argument(update, context, action, *USAGE[action], query=query, gated=True)
        if resolution is None or resolution.target is None:  # unclear or unknown: answered with buttons already
            return None
        return target_selection(resolution.target)
    codes = _bound(update, context)
    if codes:
        scope = Scope(ScopeKind.PROVINCES if codes[0] in provinces() else ScopeKind.REGIONS,
                      tuple(c for c in codes if (c in provinces()) == (codes[0] in provinces())))
        return ", ".join(place(c) for c in scope.codes), scope.region_codes(), scope.zone(rt.settings.timezone)
    g = grants_of(update, context)
    if g.admin:
        return rt.t.gettext("semua wilayah"), None, None  # each event in its own zone
    own = g.default_target()  # as /status: a staf's province, a PIC's or pemantau's kab/kota
    if own is not None:
        return target_selection(own)
    await send(update, context, render_status.usage(rt.t, *USAGE[action]))
    return None


def _bound(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    """What this chat is subscribed to: a group's binding is the visit's (read by the gate); a private chat's
    own reminders (a focal point's, from their invitation) are not in the visit and are read here."""
    chat_id = parts.chat_id(update)
    if chat_id < 0:
        return list(grants_of(update, context).bound_chat)
    rt = runtime(context)
    with rt.session() as session:
        return [s.target_code for s in of_chat(session, chat_id)]


async def jadwal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.VIEW):
        return
    selection = await _selection(update, context, cb.JADWAL)
    if selection is None:
        return
    await send(update, context, agenda_reply(update, context, *selection))


def agenda_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, heading: str,
                 codes: set[str] | Literal["nasional"] | None, zone: str | None) -> Reply:
    rt = runtime(context)
    with rt.session() as session:
        events = upcoming(session, rt.clock, codes, include_drafts=sees_drafts(update, context))
    return render_calendar.agenda(rt.t, heading, events, zone, rt.clock.now())


def sees_drafts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Unconfirmed drafts are for the Kanwil's staff, in their private chat, not for focal points or groups."""
    g = grants_of(update, context)
    return (g.admin or bool(g.staf)) and update.effective_chat is not None and update.effective_chat.type == "private"


async def kalender(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.VIEW):
        return
    selection = await _selection(update, context, cb.KALENDER)
    if selection is None:
        return
    await send_calendar(update, context, *selection)


async def send_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE, heading: str,
                        codes: set[str] | Literal["nasional"] | None, zone: str | None) -> None:
    rt = runtime(context)
    with rt.session() as session:
        events = upcoming(session, rt.clock, codes, include_drafts=sees_drafts(update, context), limit=500)
    if not events:  # an empty file says nothing: the same answer as /jadwal
        await send(update, context, render_calendar.agenda(rt.t, heading, events, zone, rt.clock.now()))
        return
    caption = rt.t.nfmt("{n} acara mendatang: {heading}", "{n} acara mendatang: {heading}", len(events),
                        heading=heading)
    from bot.io.ics import to_ics  # icalendar: loaded on the first /kalender

    ics = to_ics(events, rt.clock.now(), f"Pantau HAM: {heading}", lambda kind: render_calendar.kind_label(rt.t, kind))
    await send_file(update, context, "pantau-ham.ics", ics, caption)


async def jadwal_tambah_line(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/jadwal_tambah <jenis> <wilayah> <YYYY-MM-DD> [HH:MM] <judul> [| ingatkan ...]``."""
    rt = runtime(context)
    text = parts.text(update).split(maxsplit=1)[1] if context.args else ""
    try:
        draft = parse_line(text, rt.clock.now(), rt.settings.timezone)
        if not await require(update, context, Action.MANAGE_EVENTS, targets=draft.scope.targets()):
            return
        with rt.session() as session:
            event = event_service.add(session, rt.clock, rt.settings, draft, user_id(update))
            reply = event_card(context, event)
    except UserError as exc:
        problem = rt.t.fmt(exc.message, **exc.values)
        nothing = rt.t.gettext("Tidak ada yang dibuat.")
        usage = render_status.usage(rt.t, FORM, EXAMPLE.format(date=example_date(context)))
        await send(update, context, Reply(f"⚠️ {problem}\n{nothing}\n{usage.text}"))
        return
    await send(update, context, Reply(rt.t.gettext("✔️ Acara dibuat:") + "\n" + reply.text))


def event_card(context: ContextTypes.DEFAULT_TYPE, event: Event) -> Reply:
    rt = runtime(context)
    offsets = render_calendar.reminders_text(rt.t, event, rt.settings.opening_offsets,
                                             passed_offsets(event, policy_from(rt.settings), rt.clock.now()))
    return render_calendar.event_card(rt.t, event, event.timezone, rt.clock.now(), offsets)


async def jadwal_ubah(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.MANAGE_EVENTS):
        return
    rt = runtime(context)
    args = context.args or []
    if len(args) < 2 or not args[0].lstrip("#").isdigit():
        example = UBAH_EXAMPLE.format(date=example_date(context))
        await send(update, context, render_status.usage(rt.t, UBAH_FORM, example))
        return
    try:
        event_id = limits.event_id(args[0])
    except UserError as exc:
        await send_error(update, context, exc)
        return
    field, rest = args[1].lower(), " ".join(args[2:])
    if not await may_manage(update, context, event_id):
        return
    try:
        with rt.session() as session:
            today_there = event_service.event_today(session, rt.clock, event_id, rt.settings.timezone)
            if field == "tanggal":
                start, at, end = parse_when(rest, today_there)
                event, changed = event_service.move(session, rt.clock, rt.settings, event_id, start, at, end,
                                                    actor=user_id(update))
                head = (rt.t.gettext("✔️ Jadwal dipindahkan; yang sudah menerima pengingat diberi tahu.") if changed
                        else rt.t.gettext("Tanggal dan jam sama seperti sebelumnya."))
            elif field == "konfirmasi":
                if rest:
                    start, at, end = parse_when(rest, today_there)
                    event_service.move(session, rt.clock, rt.settings, event_id, start, at, end, actor=user_id(update))
                event = event_service.confirm(session, rt.clock, rt.settings, event_id, actor=user_id(update))
                head = rt.t.gettext("✔️ Acara dikonfirmasi; pengingat dijadwalkan.")
            else:
                event = event_service.edit(session, rt.clock, rt.settings, event_id, field, rest, actor=user_id(update))
                head = rt.t.gettext("✔️ Acara diubah.")
            card = event_card(context, event)
    except UserError as exc:
        await send_error(update, context, exc)
        return
    await send(update, context, Reply(f"{head}\n{card.text}"))


async def may_manage(update: Update, context: ContextTypes.DEFAULT_TYPE, event_id: int) -> bool:
    """The event's whole scope must be the sender's to manage; an unknown id is left to the service."""
    rt = runtime(context)
    with rt.session() as session:
        targets = event_service.managed_targets(session, event_id)
    return not targets or await require(update, context, Action.MANAGE_EVENTS, targets=targets)


async def jadwal_batal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.MANAGE_EVENTS):
        return
    rt = runtime(context)
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("#").isdigit():
        await send(update, context, render_status.usage(rt.t, "/jadwal_batal <id>", "/jadwal_batal 12"))
        return
    try:
        event_id = limits.event_id(args[0])
    except UserError as exc:
        await send_error(update, context, exc)
        return
    if not await may_manage(update, context, event_id):
        return
    try:
        with rt.session() as session:
            event = event_service.cancel(session, rt.clock, rt.settings, event_id, actor=user_id(update))
            card = event_card(context, event)
    except UserError as exc:
        await send_error(update, context, exc)
        return
    head = rt.t.gettext("✔️ Acara dibatalkan; yang sudah menerima pengingat diberi tahu.")
    await send(update, context, Reply(f"{head}\n{card.text}"))


async def on_target_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = button(update, context, cb.PlaceButton)
    if pressed is None:
        await stale(update, context)
        return
    if not await require(update, context, Action.VIEW):  # checked like /jadwal and /kalender
        return
    await parts.query(update).answer()
    if pressed.action == cb.JADWAL:
        await send(update, context, agenda_reply(update, context, *target_selection(pressed.place)))
    else:
        await send_calendar(update, context, *target_selection(pressed.place))


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_target_button, pattern=rf"^({cb.JADWAL}|{cb.KALENDER})\|"))
    application.add_handler(CommandHandler("jadwal", jadwal))
    application.add_handler(CommandHandler("kalender", kalender))
    application.add_handler(CommandHandler("jadwal_ubah", jadwal_ubah))
    application.add_handler(CommandHandler("jadwal_batal", jadwal_batal))
