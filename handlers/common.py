"""What every handler does the same way: reach the runtime, reply, edit, refuse, read a button."""

from __future__ import annotations

import logging
from datetime import date
from typing import TypeVar

from telegram import InputFile, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core import zones
from bot.core.errors import UserError
from bot.core.i18n import Translator
from bot.domain.access import Action, Scope, allowed
from bot.domain.people import Grants
from bot.domain.regions import Resolution, prefer_own, resolve
from bot.domain.runtime import Runtime
from bot.domain.visit import Meeting, Visit, load
from bot.reference import Place, ProvinceRef, provinces, regions, regions_of
from bot.render import Reply, split_message
from bot.render import callbacks as cb
from bot.render import status as render_status
from bot.render.common import error
from bot.render.refusal import refusal
from bot.telegram.context import Context
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
    return rt.clock.now().astimezone(zones.zone(rt.settings.timezone)).date()


def button(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[B] | tuple[type, ...]) -> B | None:
    """The pressed button's data, checked (``bot.render.callbacks.decode``), when it is a ``kind`` (or one of
    several); else None."""
    decoded: object = cb.decode(parts.data(update), today(context))
    return decoded if isinstance(decoded, kind) else None  # type: ignore[return-value]  # checked: a B


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button whose data is malformed, out of range or refers to nothing: a quiet answer, nothing changed."""
    log.info("button data not understood: answered quietly, nothing done")
    await parts.query(update).answer(runtime(context).t.gettext("Tombol ini sudah tidak berlaku."))


def user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def meeting_of(update: Update) -> Meeting:
    """What Telegram says about the sender and the chat of ``update``."""
    user, chat, message = update.effective_user, update.effective_chat, update.message
    private = chat is not None and chat.type == "private"
    first_word = (message.text or "").split(maxsplit=1)[0:1] if message else []
    return Meeting(
        user_id=user.id if user else None, is_bot=bool(user and user.is_bot),
        first_name=(user.first_name or "") if user else "", username=user.username if user else None,
        app_language=user.language_code if user else None,
        chat_id=chat.id if chat else None, chat_kind=chat.type if chat else "",
        chat_title=(chat.title or chat.full_name or "") if chat else "",
        hint_possible=private and message is not None,
        choosing=bool(first_word) and first_word[0].split("@")[0].lower() == "/bahasa",
    )


def visit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Visit:
    """The update's visit (``bot.domain.visit``): read once by the gate (``handlers/visit.py``), then shared
    by every handler of the update through the context; read here when no gate ran before (one transaction)."""
    held = context.visit if isinstance(context, Context) else None
    if held is None:
        rt = runtime(context)
        with rt.session() as session:
            held = load(session, rt.settings.admin_ids, meeting_of(update))
        if isinstance(context, Context):
            context.visit = held
    return held


def grants_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Grants:
    return visit(update, context).grants


async def require(update: Update, context: ContextTypes.DEFAULT_TYPE, action: Action, target: Scope = None,
                  targets: tuple[Scope, ...] = ()) -> bool:
    """True when the sender may do ``action`` (on ``target``); otherwise tell them why (``bot.render.refusal``:
    not registered, a place outside their own, or a right of another role) and return False."""
    rt = runtime(context)
    g = grants_of(update, context)
    if allowed(g, action, target, targets):
        return True
    if update.callback_query:  # an alert: plain text, within Telegram's 200 characters
        await update.callback_query.answer(refusal(rt.t, g, action, target, targets, html=False), show_alert=True)
    else:
        await send(update, context, Reply(refusal(rt.t, g, action, target, targets)))
    return False


# a typed "nasional" where the command has no national view (/status, /jadwal and /kalender have: they answer it
# before asking here)
NATIONAL = frozenset({"nasional", "national", "indonesia", "seluruh indonesia"})
# what a command is about, for that answer: one kab/kota, one province, or either ("wilayah", the default)
PER_REGION, PER_PROVINCE, PER_PLACE = "kab/kota", "provinsi", "wilayah"
PER = {cb.BELUM: PER_REGION, cb.CHECKLIST: PER_REGION, cb.TEMPLAT: PER_REGION, cb.AKSI: PER_REGION,
       cb.UMUMKAN: PER_PROVINCE}


async def resolve_or_ask(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, action: str, *rest: object,
    command: tuple[str, str] | None = None, right: Action = Action.VIEW, per: str | None = None,
) -> Resolution | None:
    """Resolve a typed region name; when unclear, answer with buttons that finish ``action`` (with ``rest``) and
    return None. ``command``: the typed command before and after the name, for a command whose other arguments
    no button can carry; then the answer lists the corrected commands to copy instead of buttons.

    ``right``: what the command does to the place. Reading (``Action.VIEW``) is anyone's, so every near name is
    offered; for any other right only the places the asker may act on are (none left: the name is not found,
    and the asker's own places are named). ``per``: a kab/kota, a province or either (``PER``), for the answer
    to a typed "nasional"."""
    rt = runtime(context)
    grants = visit(update, context).grants
    if " ".join(query.lower().split()) in NATIONAL:
        await send(update, context, Reply(national_refusal(rt.t, command_word(update, command),
                                                           per or PER.get(action, PER_PLACE))))
        return None
    resolution = prefer_own(resolve(query, grants.home_province), grants.pic | grants.pemantau)
    if resolution.target is not None:
        return resolution
    mine: tuple[Place, ...] | None = None
    if right is not Action.VIEW and not grants.admin:  # only what the asker may act on
        mine = own_places(grants, right)
        candidates = tuple(p for p in resolution.candidates if allowed(grants, right, p))
        if resolution.is_ambiguous and len(candidates) == 1:
            return Resolution(resolution.query, candidates[0])  # the one of them that is the asker's
        if resolution.is_ambiguous and not candidates:  # several places, none of them the asker's
            await send(update, context, render_status.none_yours(rt.t, resolution, mine))
            return None
        resolution = Resolution(resolution.query, None, candidates,
                                tuple(p for p in resolution.suggestions if allowed(grants, right, p)))
    if resolution.is_ambiguous:
        await send(update, context, render_status.choose(rt.t, resolution, action, *rest, command=command))
    else:
        await send(update, context, render_status.not_found(rt.t, resolution, action, *rest, command=command,
                                                            mine=mine))
    return None


def own_places(g: Grants, right: Action) -> tuple[Place, ...]:
    """The asker's own kab/kota and provinces on which they have ``right`` (for "Wilayah Anda: …")."""
    own: list[Place] = [provinces()[c] for c in sorted(g.staf) if c in provinces()]
    own += [regions()[c] for c in sorted(g.pic | g.pemantau) if c in regions()]
    return tuple(p for p in own if allowed(g, right, p))


def command_word(update: Update, command: tuple[str, str] | None = None) -> str:
    """The command as typed, without the bot's name: ``/belum``."""
    if command is not None:
        return command[0].split(maxsplit=1)[0]
    text = update.message.text if update.message and update.message.text else ""
    first = text.split(maxsplit=1)[0:1]
    return first[0].split("@")[0] if first and first[0].startswith("/") else ""


def national_refusal(t: Translator, command: str, per: str) -> str:
    """A command about one place, asked for "nasional": what it is about (never names close to "nasional")."""
    if per == PER_REGION:
        return t.fmt("{command} berlaku untuk satu kab/kota; tulis nama kab/kotanya.", command=command)
    if per == PER_PROVINCE:
        return t.fmt("{command} berlaku untuk satu provinsi; tulis nama provinsinya.", command=command)
    return t.fmt("{command} berlaku untuk satu kab/kota atau provinsi; tulis nama kab/kota atau provinsinya.",
                 command=command)


async def may_read(update: Update, context: ContextTypes.DEFAULT_TYPE, action: Action = Action.VIEW,
                   catalog: bool = True) -> bool:
    """The gate of a command: ``action`` allowed (somewhere) and, with ``catalog``, a catalog in force; else
    answered."""
    return await require(update, context, action) and (not catalog or await require_catalog(update, context))


async def region_argument(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str, usage: str,
                          example: str, *rest: object, action: Action = Action.VIEW, query: str | None = None,
                          own: bool = True, gated: bool = False, catalog: bool = True) -> Resolution | None:
    """The preamble of a command about one kab/kota or province: the gate (:func:`may_read` with ``action``
    and ``catalog``, unless the caller already passed it: ``gated``), then the typed name (``query``, else the
    arguments): none given, the person's own region (``own``) or how to use the command (``usage``,
    ``example``); a name, resolved, or answered with buttons of ``command`` (and ``rest``) when unclear.
    None: already answered."""
    if not gated and not await may_read(update, context, action, catalog):
        return None
    typed = " ".join(context.args or []) if query is None else query
    if not typed:
        mine = default_place(visit(update, context).grants, action) if own else None
        if mine is None:
            await send(update, context, render_status.usage(runtime(context).t, usage, example))
            return None
        return Resolution(mine.name, mine)
    return await resolve_or_ask(update, context, typed, command, *rest, right=action)


def default_place(g: Grants, action: Action) -> Place | None:
    """A command typed without a name: the group's binding for reading (as /status), else, when the asker has no
    ``action`` on the group's place, their own kab/kota or province (none: None, the usage is shown)."""
    mine = g.default_target()
    if mine is None or action is Action.VIEW or allowed(g, action, mine):
        return mine
    return g.default_target(group=False)


async def offer_regions(update: Update, context: ContextTypes.DEFAULT_TYPE, province: ProvinceRef, action: str) -> None:
    """A province where a kab/kota is needed (typed, or picked from an unclear name): list its kab/kota."""
    reply = render_status.pick_region(runtime(context).t, province, regions_of(province.code), action)
    await send(update, context, reply)


async def require_catalog(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True when an indicator catalog is in force; otherwise say how to import one and return False."""
    rt = runtime(context)
    if visit(update, context).has_catalog:
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
