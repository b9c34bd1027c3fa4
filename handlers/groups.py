"""Groups: who we meet (people and chats), being added or removed, supergroup migration, /berhenti,
and the Telegram-admin check of /langganan."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import (
    Application,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.domain import audit
from bot.domain.access import Action
from bot.domain.subscriptions import deactivate_chat, migrate_chat, of_chat, set_membership, unsubscribe
from bot.reference import provinces, regions
from bot.render import Reply
from handlers import parts
from handlers.common import require, runtime, send, user_id


async def on_my_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was added to, or removed from, a chat (or blocked in a private chat)."""
    rt = runtime(context)
    change = update.my_chat_member
    if change is None:  # registered for these updates only: a registration mistake, for the error handler
        raise parts.MissingPart("update without a change of the bot's membership")
    chat = change.chat
    now_in = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)
    with rt.session() as session:
        set_membership(session, rt.clock, chat.id, chat.type, chat.title or chat.full_name or "", now_in)
        if not now_in:
            deactivate_chat(session, chat.id)
            audit.record(session, rt.clock, change.from_user.id, "subscription.remove", f"chat:{chat.id}",
                         after={"reason": change.new_chat_member.status})
    if now_in and chat.type in ("group", "supergroup"):
        await context.bot.send_message(chat.id, rt.t.gettext(
            "Halo! Saya Pantau HAM, bot pemantauan Kabupaten/Kota Peduli HAM (KKP HAM) dan Aksi HAM untuk Bidang "
            "HAM Kantor Wilayah Kementerian Hak Asasi Manusia dan pemerintah kabupaten/kota. Admin atau staf "
            "Kanwil dapat menghubungkan grup ini dengan perintah "
            "<code>/langganan</code> diikuti nama kab/kota atau provinsi, misalnya <code>/langganan Tapin</code> "
            "atau <code>/langganan Kalsel</code>; setelah itu grup menerima pengingat dan pengumuman. "
            "Petunjuk lengkap: /bantuan."))


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its subscriptions follow it to the new chat id."""
    message = parts.message(update)
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    rt = runtime(context)
    with rt.session() as session:
        if migrate_chat(session, old, new):
            audit.record(session, rt.clock, None, "subscription.add", f"chat:{new}", after={"migrated_from": old})


async def is_group_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a group, the sender must also be one of its Telegram administrators."""
    chat = parts.chat(update)
    if chat.type == "private":
        return True
    member = await context.bot.get_chat_member(chat.id, parts.sender(update).id)
    if member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER):
        return True
    await send(update, context, Reply(runtime(context).t.gettext(
        "Hanya administrator grup ini yang dapat menghubungkan atau melepas grup.")))
    return False


async def berhenti(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Unbind this chat from everything it receives."""
    rt = runtime(context)
    chat_id = parts.chat_id(update)
    with rt.session() as session:
        codes = [s.target_code for s in of_chat(session, chat_id)]
    bound = [t for t in (provinces().get(c) or regions().get(c) for c in codes) if t is not None]
    if not bound:
        await send(update, context, Reply(rt.t.gettext("Chat ini belum terhubung dengan wilayah mana pun.")))
        return
    if not await require(update, context, Action.SUBSCRIBE, targets=tuple(bound)):
        return
    if not await is_group_admin(update, context):
        return
    with rt.session() as session:
        unsubscribe(session, chat_id)
        for target in bound:
            region, province = (target.code, None) if target.code in regions() else (None, target.code)
            audit.record(session, rt.clock, user_id(update), "subscription.remove", f"chat:{chat_id}", region,
                         province, before={"chat": chat_id, "target": target.code})
    await send(update, context, Reply(rt.t.gettext("✔️ Chat ini tidak lagi menerima pengingat dan pengumuman.")))


def register(application: Application) -> None:
    application.add_handler(ChatMemberHandler(on_my_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    application.add_handler(CommandHandler("berhenti", berhenti))
