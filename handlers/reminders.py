"""The buttons under a reminder: "Sudah dikerjakan" and "Ingatkan besok"."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot import callbacks as cb
from bot.access import Action
from bot.errors import UserError
from handlers.common import require, runtime, user_id
from schedules.actions import acknowledge, snooze
from schedules.recipients import chat_zone


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if not await require(update, context, Action.ANSWER_REMINDER):
        return
    rt = runtime(context)
    data = cb.parse(query.data)
    try:
        with rt.session() as session:
            if data.action == cb.REMINDER_ACK:
                acknowledge(session, rt.clock, data.int_arg(0), user_id(update))
                who = update.effective_user.first_name if update.effective_user else ""
                note = rt.t.fmt("✔️ Ditandai sudah dikerjakan oleh {name}.", name=who)
            else:
                _event, planned = snooze(session, rt.clock, rt.settings, data.int_arg(0))
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
