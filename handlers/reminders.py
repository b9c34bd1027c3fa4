"""The buttons under a reminder: "Sudah dikerjakan" and "Ingatkan besok"."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot import callbacks as cb
from bot.errors import UserError
from handlers.common import runtime, user_id
from schedules.actions import acknowledge, snooze
from schedules.recipients import chat_zone

MEMBERS = ("creator", "administrator", "member")


async def _is_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a group, only its members answer its reminders (Telegram says who is one)."""
    chat = update.effective_chat
    if chat.type == "private":
        return chat.id == user_id(update)
    try:
        member = await context.bot.get_chat_member(chat.id, user_id(update))
    except TelegramError:
        return False
    return member.status in MEMBERS or (member.status == "restricted" and getattr(member, "is_member", False))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    rt = runtime(context)
    if query.message is None or not await _is_member(update, context):
        await query.answer(rt.t.gettext("Tombol ini hanya untuk anggota chat yang menerima pengingatnya."),
                           show_alert=True)
        return
    data = cb.parse(query.data)
    chat_id = query.message.chat.id
    try:
        with rt.session() as session:
            if data.action == cb.REMINDER_ACK:
                acknowledge(session, rt.clock, data.int_arg(0), user_id(update), chat_id)
                who = update.effective_user.first_name if update.effective_user else ""
                note = rt.t.fmt("✔️ Ditandai sudah dikerjakan oleh {name}.", name=who)
            else:
                _event, planned = snooze(session, rt.clock, rt.settings, data.int_arg(0), user_id(update), chat_id)
                zone = chat_zone(session, planned.chat_id, rt.settings.timezone)
                note = rt.t.fmt("⏰ Diingatkan lagi {when}.", when=rt.t.datetime(planned.due_at, zone))
    except UserError as exc:
        await query.answer(rt.t.plain(exc.message, **exc.values), show_alert=True)
        return
    await query.answer()
    message = query.message
    text = (message.text_html if message and message.text else "") + "\n\n" + note
    await query.edit_message_text(text, reply_markup=None if data.action == cb.REMINDER_ACK
                                  else message.reply_markup)


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^({cb.REMINDER_ACK}|{cb.REMINDER_SNOOZE})\|"))
