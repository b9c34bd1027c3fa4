"""/jadwal_tambah: one line for power users, or a guided conversation with buttons."""

from __future__ import annotations

import warnings
from datetime import date
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.warnings import PTBUserWarning
from telegram.ext import (
    Application, CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, filters,
)

from bot import callbacks as cb
from bot.access import Action
from bot.errors import UserError
from bot.render import Reply
from bot.render import wizard as render
from handlers.calendar import event_card, jadwal_tambah_line
from handlers.common import edit, require, runtime, send, send_error, user_id
from schedules import events as event_service
from schedules.calendar import EventDraft, build_event, parse_scope, parse_when

KIND, SCOPE, DATE, TIME, TITLE, CONFIRM = range(6)
DRAFT = "wizard_draft"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if not await require(update, context, Action.MANAGE_EVENTS):
        return ConversationHandler.END
    if context.args:
        await jadwal_tambah_line(update, context)
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    await send(update, context, render.ask_kind(runtime(context).t))
    return KIND


def _today(context: ContextTypes.DEFAULT_TYPE) -> date:
    rt = runtime(context)
    return rt.clock.now().astimezone(ZoneInfo(rt.settings.timezone)).date()


def _zone(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The zone the time is typed in: the scope's (the first province or kab/kota named)."""
    rt = runtime(context)
    return parse_scope(context.user_data[DRAFT]["scope"]).zone(rt.settings.timezone)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    query = update.callback_query
    data = cb.parse(query.data)
    step, value = data.arg(0), data.arg(1)
    rt = runtime(context)
    draft = context.user_data.setdefault(DRAFT, {})
    await query.answer()
    if step == "kind":
        draft["kind"] = value
        await edit(update, context, render.ask_scope(rt.t))
        return SCOPE
    if step == "scope":
        return await _scope(update, context, value)
    if step == "month":
        await edit(update, context, render.ask_date(rt.t, date.fromisoformat(value), _today(context)))
        return DATE
    if step == "day":
        draft["date"] = value
        await edit(update, context, render.ask_time(rt.t, _zone(context)))
        return TIME
    if step == "time":
        draft["time"] = None if value == "-" else f"{value[:2]}:{value[2:]}"
        await edit(update, context, render.ask_title(rt.t))
        return TITLE
    if step == "save":
        return await _save(update, context)
    if step == "cancel":
        return await cancel(update, context)
    return None  # "noop": calendar headers


async def _scope(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> int:
    rt = runtime(context)
    try:
        parse_scope(text)
    except UserError as exc:
        await send_error(update, context, exc)
        return SCOPE
    context.user_data[DRAFT]["scope"] = text
    reply = render.ask_date(rt.t, _today(context), _today(context))
    if update.callback_query:
        await edit(update, context, reply)
    else:
        await send(update, context, reply)
    return DATE


async def on_scope_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await _scope(update, context, update.effective_message.text)


async def on_date_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    try:
        start, at, end = parse_when(update.effective_message.text, _today(context))
    except UserError as exc:
        await send_error(update, context, exc)
        return DATE
    context.user_data[DRAFT].update(date=start.isoformat(), end=end.isoformat() if end else None)
    if at is not None:
        context.user_data[DRAFT]["time"] = at.strftime("%H:%M")
        await send(update, context, render.ask_title(runtime(context).t))
        return TITLE
    await send(update, context, render.ask_time(runtime(context).t, _zone(context)))
    return TIME


async def on_time_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    draft = context.user_data[DRAFT]
    try:
        parse_when(f"{draft['date']} {update.effective_message.text.strip()}")
    except UserError as exc:
        await send_error(update, context, exc)
        return TIME
    draft["time"] = update.effective_message.text.strip().replace(".", ":")
    await send(update, context, render.ask_title(runtime(context).t))
    return TITLE


def _build(context: ContextTypes.DEFAULT_TYPE) -> EventDraft:
    d = context.user_data[DRAFT]
    start, at, _ = parse_when(f"{d['date']} {d.get('time') or ''}".strip())
    end = date.fromisoformat(d["end"]) if d.get("end") else None
    return EventDraft(kind=d["kind"], scope=parse_scope(d["scope"]), start_date=start, start_time=at,
                      title=d["title"], end_date=end)


async def on_title(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    rt = runtime(context)
    context.user_data[DRAFT]["title"] = update.effective_message.text.strip()[:300]
    try:
        draft = _build(context)
    except UserError as exc:
        await send_error(update, context, exc)
        return ConversationHandler.END
    preview = build_event(draft, rt.settings.timezone, rt.clock.now(), user_id(update))
    await send(update, context, render.confirm(rt.t, event_card(context, preview).text))
    return CONFIRM


async def _save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    rt = runtime(context)
    try:
        draft = _build(context)
    except UserError as exc:
        await send_error(update, context, exc)
        return ConversationHandler.END
    if not await require(update, context, Action.MANAGE_EVENTS, targets=draft.scope.targets()):
        return CONFIRM
    try:
        with rt.session() as session:
            event = event_service.add(session, rt.clock, rt.settings, draft, user_id(update))
            card = event_card(context, event)
    except UserError as exc:
        await send_error(update, context, exc)
        return ConversationHandler.END
    context.user_data.pop(DRAFT, None)
    await edit(update, context, Reply(rt.t.gettext("✔️ Acara dibuat:") + "\n" + card.text))
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    context.user_data.pop(DRAFT, None)
    text = runtime(context).t.gettext("Dibatalkan; tidak ada yang diubah.")
    if update.callback_query:
        await edit(update, context, Reply(text))
    else:
        await send(update, context, Reply(text))
    return ConversationHandler.END


def register(application: Application) -> None:
    buttons = CallbackQueryHandler(on_button, pattern=rf"^{cb.WIZARD}\|")
    text = filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():  # per_message=False is intended: text steps mix with buttons
        warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[CommandHandler("jadwal_tambah", start)],
            states={
                KIND: [buttons],
                SCOPE: [buttons, MessageHandler(text, on_scope_text)],
                DATE: [buttons, MessageHandler(text, on_date_text)],
                TIME: [buttons, MessageHandler(text, on_time_text)],
                TITLE: [MessageHandler(text, on_title)],
                CONFIRM: [buttons],
            },
            fallbacks=[CommandHandler("batal", cancel)],
            conversation_timeout=15 * 60,
            name="jadwal_tambah",
        )
    application.add_handler(conversation)
