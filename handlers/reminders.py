"""The buttons under a reminder: "Sudah dikerjakan" ("Sudah dilaporkan" for Aksi HAM) and "Ingatkan besok"."""

from __future__ import annotations

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.core.errors import UserError
from bot.core.models import EventKind
from bot.render import Reply
from bot.render import callbacks as cb
from handlers import parts
from handlers.common import button, is_gone, runtime, send, stale, user_id
from schedules.actions import acknowledge, snooze
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
    try:
        with rt.session() as session:
            if pressed.action == cb.REMINDER_ACK:
                done = acknowledge(session, rt.clock, pressed.reminder_id, user_id(update), chat_id)
                who = update.effective_user.first_name if update.effective_user else ""
                note = (rt.t.fmt("✔️ Ditandai sudah dilaporkan oleh {name}.", name=who)
                        if done.event.kind == EventKind.AKSIHAM
                        else rt.t.fmt("✔️ Ditandai sudah dikerjakan oleh {name}.", name=who))
            else:
                _event, planned = snooze(session, rt.clock, rt.settings, pressed.reminder_id, user_id(update),
                                         chat_id)
                zone = chat_zone(session, planned.chat_id, rt.settings.timezone)
                note = rt.t.fmt("⏰ Diingatkan lagi {when}.", when=rt.t.datetime(planned.due_at, zone))
    except UserError as exc:
        await query.answer(rt.t.plain(exc.message, **exc.values), show_alert=True)
        return
    await query.answer()
    message = query.message  # too old to read (inaccessible): only the note, without buttons
    shown = message if isinstance(message, Message) and message.text else None
    text = (shown.text_html + "\n\n" + note) if shown else note
    markup = None if pressed.action == cb.REMINDER_ACK or not isinstance(message, Message) else message.reply_markup
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if not is_gone(exc):
            raise
        await send(update, context, Reply(note))  # the reminder was deleted meanwhile: say it anew


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^({cb.REMINDER_ACK}|{cb.REMINDER_SNOOZE})\|"))
