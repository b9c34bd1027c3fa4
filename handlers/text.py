"""What is left after every command: typed answers to an open conversation, /batal, and hints.

Registered last. A typed message continues the person's open conversation in that chat (kept in the
database, see ``bot.domain.conversations``); with none open, a private chat gets a short hint. An unknown command
gets a hint pointing to /bantuan (and the closest known command) in a private chat, and in a group only
when it is addressed to this bot (``/foo@PantauHAMBot``), so other bots' commands stay theirs.
"""

from __future__ import annotations

import difflib

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.core.i18n import N_
from bot.domain import conversations
from bot.domain.verification import REASON
from bot.render import Reply
from handlers import calendar_wizard, checklist, parts, verification
from handlers.common import runtime, send

ROUTES = {
    calendar_wizard.KIND_NAME: calendar_wizard.on_text,
    checklist.EVIDENCE: checklist.on_evidence,
    checklist.REASON: checklist.on_reason,  # the reason typed after "Tulis alasan" (/checklist, perlu perbaikan)
    REASON: verification.on_reason,  # the reason typed after "Tulis alasan" (/verifikasi)
}


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    chat, person = update.effective_chat, update.effective_user
    if chat is None or person is None:
        return
    with rt.session() as session:
        conversation = conversations.current(session, rt.clock, chat.id, person.id)
    if conversation is not None and conversation.kind in ROUTES:
        await ROUTES[conversation.kind](update, context, conversation)
    elif chat.type == "private":
        await send(update, context, Reply(rt.t.gettext(
            "Saya menjawab perintah, misalnya <code>/status Tapin</code> atau <code>/jadwal</code>. "
            "Ketik /bantuan untuk daftar perintah.")))


async def batal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    with rt.session() as session:
        ended = conversations.end(session, parts.chat_id(update), parts.sender(update).id)
    text = N_("Dibatalkan; tidak ada yang diubah.") if ended else N_("Tidak ada yang sedang berlangsung.")
    await send(update, context, Reply(rt.t.gettext(text)))


def known_commands(application: Application) -> list[str]:
    return sorted({c for group in application.handlers.values() for h in group
                   if isinstance(h, CommandHandler) for c in h.commands})


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    word = message.text.split()[0][1:]
    name, _, addressee = word.partition("@")
    if parts.chat(update).type != "private" and addressee.lower() != (context.bot.username or "").lower():
        return
    rt = runtime(context)
    known = context.bot_data.get("commands", [])
    close = [c for c in known if c.startswith(name.lower())][:1] if len(name) >= 3 else []
    close = close or difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    if close:
        text = rt.t.fmt("Perintah /{command} tidak dikenal. Maksud Anda /{suggestion}? Ketik /bantuan untuk "
                        "daftar perintah.", command=name[:40], suggestion=close[0])
    else:
        text = rt.t.fmt("Perintah /{command} tidak dikenal. Ketik /bantuan untuk daftar perintah.", command=name[:40])
    await send(update, context, Reply(text))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("batal", batal))
    application.bot_data["commands"] = known_commands(application)
    application.add_handler(MessageHandler(filters.COMMAND, on_unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
