"""What every handler does the same way: reach the runtime, reply, edit, refuse, read a button."""

from __future__ import annotations

import logging
from datetime import date
from typing import TypeVar
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core.errors import UserError
from bot.domain.access import Action, Target, allowed
from bot.domain.catalog import catalog_in_force
from bot.domain.people import Grants, grants
from bot.domain.regions import Resolution, resolve
from bot.domain.regions import Target as Place
from bot.domain.runtime import Runtime
from bot.reference import ProvinceRef, provinces, regions, regions_of
from bot.render import Reply, split_message
from bot.render import callbacks as cb
from bot.render import status as render_status
from bot.render.common import error
from bot.telegram.sending import NO_PREVIEW, keyboard, send_reply
from handlers import parts

# what Telegram answers when the message a button sat on can no longer be edited: deleted, too old
GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")
B = TypeVar("B")
log = logging.getLogger(__name__)


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data["runtime"]


async def send(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Send ``reply`` to the chat of ``update``, split when longer than Telegram allows."""
    await send_reply(context.bot, parts.chat_id(update), reply)


async def edit(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Replace the message a button was pressed on; a reply too long to fit is sent anew."""
    query = parts.query(update)
    chunks = split_message(reply.text)
    if len(chunks) > 1 or query.message is None:
        await send(update, context, reply)
        return
    try:
        await query.edit_message_text(reply.text, reply_markup=keyboard(reply), link_preview_options=NO_PREVIEW)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():  # pressing the same button twice: nothing changed
            return
        if not is_gone(exc):
            raise
        await send(update, context, reply)  # the message was deleted meanwhile: answer anew


def is_gone(exc: BadRequest) -> bool:
    """Telegram says the message to edit no longer exists (or is too old to edit)."""
    text = str(exc).lower()
    return any(words in text for words in GONE)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Answer a button: in place for navigation buttons, as a new message otherwise."""
    if cb.parse(parts.data(update)).in_place:
        await edit(update, context, reply)
    else:
        await send(update, context, reply)


async def send_file(update: Update, context: ContextTypes.DEFAULT_TYPE, name: str, content: bytes,
                    caption: str) -> None:
    await context.bot.send_document(parts.chat_id(update), InputFile(content, filename=name), caption=caption)


async def send_error(update: Update, context: ContextTypes.DEFAULT_TYPE, exc: UserError) -> None:
    await send(update, context, Reply(error(runtime(context).t, exc.message, **exc.values)))


def today(context: ContextTypes.DEFAULT_TYPE) -> date:
    """Today in ``PANTAU_TIMEZONE`` (the window of dates a button may carry)."""
    rt = runtime(context)
    return rt.clock.now().astimezone(ZoneInfo(rt.settings.timezone)).date()


def button(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[B] | tuple[type, ...]) -> B | None:
    """The pressed button's data, checked (``bot.callbacks.decode``), when it is a ``kind`` (or one of
    several); else None."""
    decoded: object = cb.decode(parts.data(update), today(context))
    return decoded if isinstance(decoded, kind) else None  # type: ignore[return-value]  # checked: a B


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button whose data is malformed, out of range or refers to nothing: a quiet answer, nothing changed."""
    log.info("button data not understood: answered quietly, nothing done")
    await parts.query(update).answer(runtime(context).t.gettext("Tombol ini sudah tidak berlaku."))


def user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def grants_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Grants:
    rt = runtime(context)
    chat = update.effective_chat
    with rt.session() as session:
        return grants(session, rt.settings.admin_ids, user_id(update), chat.id if chat else None)


async def require(update: Update, context: ContextTypes.DEFAULT_TYPE, action: Action, target: Target = None,
                  targets: tuple = ()) -> bool:
    """True when the sender may do ``action`` (on ``target``); otherwise tell them politely and return False."""
    rt = runtime(context)
    if allowed(grants_of(update, context), action, target, targets):
        return True
    text = rt.t.gettext("Maaf, Anda tidak berwenang melakukan ini. Hubungi admin Bidang HAM Kanwil.")
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await send(update, context, Reply(text))
    return False


async def resolve_or_ask(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, action: str, *rest: object
) -> Resolution | None:
    """Resolve a typed region name; when unclear, answer with buttons and return None."""
    rt = runtime(context)
    resolution = resolve(query, grants_of(update, context).home_province)
    if resolution.target is not None:
        return resolution
    if resolution.is_ambiguous:
        await send(update, context, render_status.choose(rt.t, resolution, action, *rest))
    else:
        await send(update, context, render_status.not_found(rt.t, resolution, action, *rest))
    return None


async def offer_regions(update: Update, context: ContextTypes.DEFAULT_TYPE, province: ProvinceRef, action: str) -> None:
    """A province where a kab/kota is needed (typed, or picked from an unclear name): list its kab/kota."""
    reply = render_status.pick_region(runtime(context).t, province, regions_of(province.code), action)
    await send(update, context, reply)


async def require_catalog(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True when an indicator catalog is in force; otherwise say how to import one and return False."""
    rt = runtime(context)
    with rt.session() as session:
        if catalog_in_force(session) is not None:
            return True
    if update.callback_query:
        await update.callback_query.answer()
    await send(update, context, render_status.no_catalog(rt.t))
    return False


def target_from(code: str) -> Place | None:
    """A target from a code carried in callback data (``r:63.05``, ``p:63`` or ``63.05``)."""
    kind, _, value = code.rpartition(":")
    if kind == "p" or (not kind and value in provinces()):
        return provinces().get(value)
    return regions().get(value)
