"""/verifikasi: the Kanwil works through what kab/kota handed in, one card at a time, in a private chat.

Each press edits the card in place (a new message when it is gone): ✅ Terverifikasi, ↩️ Perlu perbaikan (then a
common reason or a typed one), ⏭ Lewati; a file button sends that data-dukung file back. The services are in
``bot.domain.verification``; the card in ``bot.render.verification``.
"""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.errors import UserError
from bot.core.models import IndicatorState
from bot.domain import conversations
from bot.domain import verification as service
from bot.domain.access import Action
from bot.domain.conversations import Conversation
from bot.reference import provinces
from bot.render import Reply
from bot.render import callbacks as cb
from bot.render import review_callbacks as vcb
from bot.render import verification as render
from bot.render.common import error
from handlers import parts
from handlers.common import (
    answer,
    button,
    edit,
    grants_of,
    may_read,
    region_argument,
    require,
    require_catalog,
    runtime,
    send,
    send_error,
    stale,
    target_from,
    user_id,
)

FORM = "/verifikasi [wilayah atau provinsi]"


def default_scope(update: Update, context: ContextTypes.DEFAULT_TYPE) -> service.Scope | None:
    """Without an argument: the asker's own province (a staf's first)."""
    g = grants_of(update, context)
    if g.staf:
        return provinces()[sorted(g.staf)[0]]
    home = g.home_province
    return provinces().get(home) if home else None


def opening(update: Update, context: ContextTypes.DEFAULT_TYPE, scope: service.Scope) -> Reply:
    """A new sitting on ``scope``: from the oldest hand-in (cards skipped before come back)."""
    rt = runtime(context)
    with rt.session() as session:
        service.keep_sitting(session, rt.clock, parts.chat_id(update), parts.sender(update).id, scope, None)
        card = service.next_card(session, rt.cycle(session), scope)
    return render.card(rt.t, card, user_id(update))


async def verifikasi(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await may_read(update, context, Action.VERIFY):
        return
    rt = runtime(context)
    if parts.chat(update).type != "private":
        await send(update, context, Reply(error(rt.t, "Verifikasi data dukung dilakukan di chat pribadi dengan bot, "
                                                      "bukan di grup.")))
        return
    query = " ".join(context.args or [])
    scope = None if query else default_scope(update, context)  # without a name: the asker's own province
    if scope is None:
        resolution = await region_argument(update, context, vcb.VERIFY_OPEN, FORM, "/verifikasi Kalsel", query=query,
                                           action=Action.VERIFY, own=False, gated=True)
        scope = resolution.target if resolution else None
        if scope is None:  # unclear or unknown: answered with buttons or suggestions already (or how to use it)
            return
    if await require(update, context, Action.VERIFY, scope):
        await send(update, context, opening(update, context, scope))


async def on_open(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The daily line's button, "Mulai lagi", a name picked from several: a new sitting."""
    pressed = button(update, context, cb.PlaceButton)
    if pressed is None or pressed.action != vcb.VERIFY_OPEN:
        await stale(update, context)
        return
    if not await require(update, context, Action.VERIFY, pressed.place) or not await require_catalog(update, context):
        return
    await parts.query(update).answer()
    await answer(update, context, opening(update, context, pressed.place))


async def on_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = button(update, context, vcb.VerifyButton)
    if pressed is None:
        await stale(update, context)
        return
    rt = runtime(context)
    scope = pressed.place
    with rt.session() as session:
        region = service.entry_region(session, rt.cycle(session), pressed.entry_id)
    if region is None or region.code not in service.codes_of(scope):
        await stale(update, context)  # an entry that does not exist, or not in that queue
        return
    if not await require(update, context, Action.VERIFY, region):
        return
    await parts.query(update).answer()
    if pressed.what in (vcb.SEND_BACK, vcb.BACK):
        await edit(update, context, again(update, context, scope, pressed))
    elif pressed.what == vcb.WRITE:
        await write_reason(update, context, scope, pressed)
    else:
        await edit(update, context, act(update, context, scope, pressed))


def act(update: Update, context: ContextTypes.DEFAULT_TYPE, scope: service.Scope, pressed: vcb.VerifyButton) -> Reply:
    """✅, a common reason, or ⏭: done, then the next card of the sitting."""
    rt = runtime(context)
    chat, person = parts.chat_id(update), parts.sender(update).id
    with rt.session() as session:
        cycle = rt.cycle(session)
        if pressed.what == vcb.SKIP:
            service.skip(session, rt.clock, cycle, chat, person, scope, pressed.entry_id)
            entry = service.card_of(session, cycle, scope, pressed.entry_id)
            item = entry.item if entry else None
            prefix = render.skipped(rt.t, item.region, item.indicator.code) if item else ""
        else:
            reason = service.REASONS[pressed.reason] if pressed.reason is not None else None
            verdict = IndicatorState.TERVERIFIKASI if reason is None else IndicatorState.DITOLAK
            decision = service.decide(session, rt.clock, cycle, pressed.entry_id, pressed.stamp, verdict, person,
                                      reason)
            prefix = render.decided(rt.t, decision) if decision else ""
        after = service.sitting_cursor(session, rt.clock, chat, person, scope)
        service.keep_sitting(session, rt.clock, chat, person, scope, after)
        card = service.next_card(session, cycle, scope, after)
    return render.card(rt.t, card, person, prefix)


def again(update: Update, context: ContextTypes.DEFAULT_TYPE, scope: service.Scope, pressed: vcb.VerifyButton) -> Reply:
    """The same card, asking for a reason (↩️) or back from that (‹ Kembali); when the indicator changed since
    the card was shown, the card as it is now (or the next one, when it left the queue), saying so."""
    rt = runtime(context)
    chat, person = parts.chat_id(update), parts.sender(update).id
    with rt.session() as session:
        cycle = rt.cycle(session)
        after = service.sitting_cursor(session, rt.clock, chat, person, scope)
        card = service.card_of(session, cycle, scope, pressed.entry_id, after)
        if card is not None and card.item is not None and card.item.stamp == pressed.stamp:
            view = render.reasons if pressed.what == vcb.SEND_BACK else render.card
            return view(rt.t, card, person)
        if card is None:
            card = service.next_card(session, cycle, scope, after)
    return render.card(rt.t, card, person, render.changed_meanwhile(rt.t))


async def write_reason(update: Update, context: ContextTypes.DEFAULT_TYPE, scope: service.Scope,
                       pressed: vcb.VerifyButton) -> None:
    """"Tulis alasan": the next message of this person in this chat is the reason."""
    rt = runtime(context)
    message = parts.query(update).message
    with rt.session() as session:
        card = service.card_of(session, rt.cycle(session), scope, pressed.entry_id)
        item = card.item if card is not None else None
        if item is not None and item.stamp == pressed.stamp:
            service.ask_reason(session, rt.clock, parts.chat_id(update), parts.sender(update).id, scope,
                               pressed.entry_id, pressed.stamp, message.message_id if message else None)
    if item is None or item.stamp != pressed.stamp:  # changed meanwhile: the card as it is now, saying so
        await edit(update, context, again(update, context, scope, pressed))
        return
    await send(update, context, render.ask_reason(rt.t, item.region, item.indicator.code, service.MAX_REASON))


async def on_reason(update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation) -> None:
    """The typed reason after "Tulis alasan": send the indicator back with it, then the next card."""
    rt = runtime(context)
    awaited = service.awaited_reason(conversation)
    scope = target_from(awaited.scope_code)
    chat, person = parts.chat_id(update), parts.sender(update).id
    with rt.session() as session:
        region = service.entry_region(session, rt.cycle(session), awaited.entry_id)
        if scope is None or region is None:  # the indicator is gone (a new catalog, another cycle)
            conversations.end(session, chat, person)
    if scope is None or region is None:
        await send(update, context, Reply(error(rt.t, "Kartu ini sudah tidak berlaku; ketik /verifikasi untuk "
                                                      "melanjutkan. Tidak ada yang diubah.")))
        return
    if not await require(update, context, Action.VERIFY, region):
        return
    try:
        reason = service.check_reason(parts.text(update))
    except UserError as exc:
        await send_error(update, context, exc)  # the conversation stays: the next message is the reason
        return
    decision: service.Decision | None = None
    card: service.Card | None = None  # stays None when another message (or copy) took the reason first
    with rt.session() as session:
        if conversations.claim(session, rt.clock, chat, person, conversation):  # once, even on two copies
            cycle = rt.cycle(session)
            decision = service.decide(session, rt.clock, cycle, awaited.entry_id, awaited.stamp,
                                      IndicatorState.DITOLAK, person, reason)
            service.keep_sitting(session, rt.clock, chat, person, scope, awaited.after)
            card = service.next_card(session, cycle, scope, awaited.after)
    if card is None:
        await send(update, context, Reply(error(rt.t, "Alasan untuk indikator ini sudah diterima dari pesan lain.")))
        return
    line = render.decided(rt.t, decision) if decision else ""
    if awaited.message_id and line:
        try:  # the old card: its buttons go, what became of it stays
            await context.bot.edit_message_text(line, chat_id=chat, message_id=awaited.message_id)
        except BadRequest:
            pass
    await send(update, context, render.card(rt.t, card, person, "" if awaited.message_id else line))


async def on_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A card's file button: that data-dukung file, sent back by its Telegram file_id."""
    pressed = button(update, context, vcb.VerifyFileButton)
    if pressed is None:
        await stale(update, context)
        return
    rt = runtime(context)
    with rt.session() as session:
        found = service.file_of(session, rt.cycle(session), pressed.file_id)
    if found is None:
        await stale(update, context)
        return
    row, region = found
    if not await require(update, context, Action.EDIT_CHECKLIST, region):  # as "Lihat berkas": staf, admin, PIC
        return
    await parts.query(update).answer()
    chat = parts.chat_id(update)
    caption = render.file_caption(rt.t, region, row.indicator_code, row.file_name)
    try:
        if row.kind == "photo":
            await context.bot.send_photo(chat, row.file_id, caption=caption)
        else:
            await context.bot.send_document(chat, row.file_id, caption=caption)
    except BadRequest:
        await send(update, context, Reply(error(rt.t, "Telegram tidak dapat mengirim ulang berkas ini; minta PIC "
                                                      "mengirimnya lagi.")))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("verifikasi", verifikasi))
    application.add_handler(CallbackQueryHandler(on_card, pattern=rf"^{vcb.VERIFY}\|"))
    application.add_handler(CallbackQueryHandler(on_file, pattern=rf"^{vcb.VERIFY_FILE}\|"))
    application.add_handler(CallbackQueryHandler(on_open, pattern=rf"^{vcb.VERIFY_OPEN}\|"))

