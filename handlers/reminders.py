"""The buttons under a reminder: "Sudah dikerjakan" ("Sudah dilaporkan" for Aksi HAM) and "Ingatkan besok"."""

from __future__ import annotations

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.core.errors import UserError
from bot.core.models import EventKind
from bot.render import Reply
from bot.render import callbacks as cb
from bot.render import reminders as render
from handlers import parts
from handlers.common import button, grants_of, is_gone, runtime, send, stale, user_id
from schedules.actions import NotAllowed, acknowledge, snooze
from schedules.recipients import chat_zone

MEMBERS = ("creator", "administrator", "member")


async def _is_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a group, only its members answer its reminders (Telegram says who is one)."""
    chat, person = parts.chat(update), parts.sender(update).id
    if chat.type == "private":
        return chat.id == person
    try:
        member = await context.bot.get_chat_member(chat.id, person)
    except TelegramError:
        return False
    return member.status in MEMBERS or (member.status == "restricted" and getattr(member, "is_member", False))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = parts.query(update)
    rt = runtime(context)
    pressed = button(update, context, cb.ReminderButton)
    if pressed is None:
        await stale(update, context)
        return
    if query.message is None or not await _is_member(update, context):
        await query.answer(rt.t.gettext("Tombol ini hanya untuk anggota chat yang menerima pengingatnya."),
                           show_alert=True)
        return
    chat_id = query.message.chat.id
    t = rt.t
    grants = grants_of(update, context)
    alert = ""  # a second press: the message says it already
    try:
        with rt.session() as session:
            if pressed.action == cb.REMINDER_ACK:
                done = acknowledge(session, rt.clock, pressed.reminder_id, user_id(update), chat_id,
                                   grants=grants)
                aksi = done.event.kind == EventKind.AKSIHAM
                if done.earlier is not None:
                    alert = render.answered_already(t, aksi, done.earlier.by)
                who = update.effective_user.first_name if update.effective_user else ""
                note = (t.fmt("✔️ Ditandai sudah dilaporkan oleh {name}.", name=who) if aksi
                        else t.fmt("✔️ Ditandai sudah dikerjakan oleh {name}.", name=who))
            else:
                _event, planned, earlier = snooze(session, rt.clock, rt.settings, pressed.reminder_id,
                                                  user_id(update), chat_id, grants=grants)
                zone = chat_zone(session, planned.chat_id, rt.settings.timezone)
                when = t.datetime(planned.due_at, zone)
                if earlier is not None:
                    alert = render.snoozed_already(t, when, earlier.by)
                note = t.fmt("⏰ Diingatkan lagi {when}.", when=when)
    except NotAllowed:
        await query.answer(render.answer_refusal(t, grants), show_alert=True)
        return
    except UserError as exc:
        await query.answer(t.plain(exc.message, **exc.values), show_alert=True)
        return
    if alert:
        await query.answer(alert, show_alert=True)
        return
    await query.answer()
    message = query.message  # too old to read (inaccessible): only the note, without buttons
    shown = message if isinstance(message, Message) and message.text else None
    text = note
    if shown:  # the note once, whatever the presser's app showed
        text = shown.text_html if shown.text_html.endswith("\n\n" + note) else shown.text_html + "\n\n" + note
    markup = None if pressed.action == cb.REMINDER_ACK or not isinstance(message, Message) else message.reply_markup
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():  # the message says so already: nothing to change
            return
        if not is_gone(exc):
            raise
        await send(update, context, Reply(note))  # the reminder was deleted meanwhile: say it anew


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^({cb.REMINDER_ACK}|{cb.REMINDER_SNOOZE})\|"))
