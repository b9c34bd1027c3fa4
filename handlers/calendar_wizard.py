"""/jadwal_tambah: one line for power users, or a guided conversation with buttons.

The conversation's state (which step, the draft so far) is in the database (``bot.domain.conversations``), so a
restart or another copy of the bot continues it; text steps reach it through ``handlers.text``.
"""

from __future__ import annotations

from datetime import date, time

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core import zones
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.domain import conversations
from bot.domain.access import Action
from bot.domain.conversations import Conversation
from bot.render import Reply
from bot.render import callbacks as cb
from bot.render import wizard as render
from handlers import parts
from handlers.calendar import event_card, jadwal_tambah_line
from handlers.common import button, edit, require, runtime, send, send_error, stale, user_id
from schedules import events as event_service
from schedules.calendar import EventDraft, build_event, parse_scope, parse_time, parse_when

KIND_NAME = "jadwal_tambah"
# the buttons each step of the conversation answers to (older messages' buttons are stale)
BUTTONS_OF_STEP = {"kind": ("kind",), "scope": ("scope",), "date": ("month", "day", "noop"), "time": ("time",),
                   "confirm": ("save",)}


def _load(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Conversation | None:
    rt = runtime(context)
    with rt.session() as session:
        return conversations.current(session, rt.clock, parts.chat_id(update), parts.sender(update).id, KIND_NAME)


def _store(update: Update, context: ContextTypes.DEFAULT_TYPE, step: str, draft: dict) -> None:
    rt = runtime(context)
    with rt.session() as session:
        conversations.save(session, rt.clock, parts.chat_id(update), parts.sender(update).id,
                           Conversation(KIND_NAME, step, draft))


def _finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    with rt.session() as session:
        conversations.end(session, parts.chat_id(update), parts.sender(update).id)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.MANAGE_EVENTS):
        return
    if context.args:
        await jadwal_tambah_line(update, context)
        return
    _store(update, context, "kind", {})
    await send(update, context, render.ask_kind(runtime(context).t))


def _today(context: ContextTypes.DEFAULT_TYPE) -> date:
    rt = runtime(context)
    return rt.clock.now().astimezone(zones.zone(rt.settings.timezone)).date()


def _zone(context: ContextTypes.DEFAULT_TYPE, draft: dict) -> str:
    """The zone the time is typed in: the scope's (the first province or kab/kota named)."""
    rt = runtime(context)
    return parse_scope(draft["scope"]).zone(rt.settings.timezone)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = parts.query(update)
    pressed = button(update, context, cb.WizardButton)  # each value typed and in range (bot.callbacks)
    if pressed is None:
        await stale(update, context)
        return
    step, value = pressed.step, pressed.value
    rt = runtime(context)
    conversation = _load(update, context)
    if conversation is None:
        await query.answer(rt.t.gettext("Percakapan ini sudah berakhir. Mulai lagi dengan /jadwal_tambah."),
                           show_alert=True)
        return
    if not await require(update, context, Action.MANAGE_EVENTS):
        return
    if step not in BUTTONS_OF_STEP.get(conversation.step, ()) and step != "cancel":
        await query.answer(rt.t.gettext("Langkah ini sudah lewat; lanjutkan dari pesan terakhir."))
        return
    await query.answer()
    draft = conversation.data
    # each step's value has the type its parser gives it (bot.render.callbacks); the checks say so to the reader
    if step == "kind" and isinstance(value, str):
        draft["kind"] = value
        _store(update, context, "scope", draft)
        await edit(update, context, render.ask_scope(rt.t))
    elif step == "scope" and isinstance(value, str):
        await _scope(update, context, draft, value)
    elif step == "month" and isinstance(value, date):
        await edit(update, context, render.ask_date(rt.t, value, _today(context)))
    elif step == "day" and isinstance(value, date):
        draft["date"] = value.isoformat()
        _store(update, context, "time", draft)
        await edit(update, context, render.ask_time(rt.t, _zone(context, draft)))
    elif step == "time" and (value is None or isinstance(value, time)):
        draft["time"] = value.strftime("%H:%M") if value is not None else None
        _store(update, context, "title", draft)
        await edit(update, context, render.ask_title(rt.t))
    elif step == "save":
        await _save(update, context, conversation)
    elif step == "cancel":
        await cancel(update, context)
    # "noop": calendar headers


async def _scope(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict, text: str) -> None:
    rt = runtime(context)
    try:
        parse_scope(text)
    except UserError as exc:
        await send_error(update, context, exc)
        return
    draft["scope"] = text
    _store(update, context, "date", draft)
    reply = render.ask_date(rt.t, _today(context), _today(context))
    if update.callback_query:
        await edit(update, context, reply)
    else:
        await send(update, context, reply)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation) -> None:
    """A typed answer to the step the conversation is at."""
    text = parts.text(update).strip()
    draft = conversation.data
    step = conversation.step
    if step == "scope":
        await _scope(update, context, draft, text)
    elif step == "date":
        await _date_text(update, context, draft, text)
    elif step == "time":
        await _time_text(update, context, draft, text)
    elif step == "title":
        await _title(update, context, draft, text)
    else:  # a step answered with buttons
        await send(update, context, Reply(runtime(context).t.gettext(
            "Silakan pilih dengan tombol di atas, atau ketik /batal untuk membatalkan.")))


async def _date_text(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict, text: str) -> None:
    try:
        start, at, end = parse_when(text, _today(context))
    except UserError as exc:
        await send_error(update, context, exc)
        return
    draft.update(date=start.isoformat(), end=end.isoformat() if end else None)
    if at is not None:
        draft["time"] = at.strftime("%H:%M")
        _store(update, context, "title", draft)
        await send(update, context, render.ask_title(runtime(context).t))
        return
    _store(update, context, "time", draft)
    await send(update, context, render.ask_time(runtime(context).t, _zone(context, draft)))


async def _time_text(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict, text: str) -> None:
    try:
        at = parse_time(text)
    except UserError as exc:
        await send_error(update, context, exc)
        return
    draft["time"] = at.strftime("%H:%M")
    _store(update, context, "title", draft)
    await send(update, context, render.ask_title(runtime(context).t))


def _build(d: dict) -> EventDraft:
    start, at, _ = parse_when(f"{d['date']} {d.get('time') or ''}".strip())
    end = date.fromisoformat(d["end"]) if d.get("end") else None
    return EventDraft(kind=d["kind"], scope=parse_scope(d["scope"]), start_date=start, start_time=at,
                      title=d["title"], end_date=end)


async def _title(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: dict, text: str) -> None:
    rt = runtime(context)
    draft["title"] = text[:300]
    try:
        event_draft = _build(draft)
    except UserError as exc:
        _finish(update, context)
        await send_error(update, context, exc)
        return
    _store(update, context, "confirm", draft)
    preview = build_event(event_draft, rt.settings.timezone, rt.clock.now(), user_id(update))
    await send(update, context, render.confirm(rt.t, event_card(context, preview).text))


async def _save(update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation) -> None:
    rt = runtime(context)
    try:
        event_draft = _build(conversation.data)
    except (UserError, KeyError) as exc:
        _finish(update, context)
        if isinstance(exc, UserError):
            await send_error(update, context, exc)
        return
    if not await require(update, context, Action.MANAGE_EVENTS, targets=event_draft.scope.targets()):
        return
    try:
        with rt.session() as session:  # saved once: "Simpan" pressed twice (or on two copies) claims one step
            card = None
            if conversations.claim(session, rt.clock, parts.chat_id(update), parts.sender(update).id, conversation):
                event = event_service.add(session, rt.clock, rt.settings, event_draft, user_id(update))
                card = event_card(context, event)
    except UserError as exc:
        _finish(update, context)
        await send_error(update, context, exc)
        return
    if card is None:
        await send_error(update, context, UserError(N_("Acara ini sudah disimpan atau dibatalkan; lihat /jadwal.")))
        return
    await edit(update, context, Reply(rt.t.gettext("✔️ Acara dibuat:") + "\n" + card.text))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _finish(update, context)
    text = runtime(context).t.gettext("Dibatalkan; tidak ada yang diubah.")
    if update.callback_query:
        await edit(update, context, Reply(text))
    else:
        await send(update, context, Reply(text))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("jadwal_tambah", start))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{cb.WIZARD}\|"))
