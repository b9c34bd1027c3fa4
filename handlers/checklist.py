"""/checklist (inline browser), /tandai (one line), and the reply that carries a link or note."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.ids import key_of
from bot.core.models import IndicatorState
from bot.domain import conversations, decisions, evidence
from bot.domain.access import Action, allowed, may_change_evidence, may_set_state, settable_states
from bot.domain.catalog import active_indicators
from bot.domain.checklist import (
    ChecklistError,
    attach_evidence,
    indicator_statuses,
    parse_state,
    refusal,
    region_progress,
    set_state,
)
from bot.domain.conversations import Conversation
from bot.reference import ProvinceRef, RegionRef
from bot.render import Reply
from bot.render import callbacks as cb
from bot.render import checklist as render_checklist
from bot.render import verification as render_verification
from bot.render.common import error
from handlers import parts
from handlers.common import (
    answer,
    button,
    grants_of,
    offer_regions,
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

EVIDENCE = "evidence"  # the conversation after "Tambah tautan/catatan": {region, code}
REASON = "checklist_alasan"  # the conversation after "Tulis alasan" (perlu perbaikan): {region, code, message}


def menu_reply(context: ContextTypes.DEFAULT_TYPE, region: RegionRef) -> Reply:
    rt = runtime(context)
    with rt.session() as session:
        progress = region_progress(session, rt.cycle(session), region, rt.thresholds)
    return render_checklist.criteria_menu(rt.t, progress)


def criterion_reply(context: ContextTypes.DEFAULT_TYPE, region: RegionRef, number: int, page: int) -> Reply:
    rt = runtime(context)
    with rt.session() as session:
        items = indicator_statuses(session, rt.cycle(session), region, number)
    return render_checklist.criterion_page(rt.t, region, number, items, page)


def indicator_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, region: RegionRef, code: str,
                    prefix: str = "") -> Reply:
    rt = runtime(context)
    with rt.session() as session:
        return _indicator_detail(update, context, session, region, code, prefix)


def indicator_page(update: Update, context: ContextTypes.DEFAULT_TYPE, region: RegionRef, code: str) -> Reply | None:
    """An indicator button's answer, read in one transaction; None when ``code`` is not (or no longer) in the
    catalog."""
    rt = runtime(context)
    with rt.session() as session:
        if not any(ind.code == code for ind in active_indicators(session)):
            return None
        return _indicator_detail(update, context, session, region, code)


def _indicator_detail(update: Update, context: ContextTypes.DEFAULT_TYPE, session: Session, region: RegionRef,
                      code: str, prefix: str = "") -> Reply:
    """One indicator of ``region``: its state, evidence and files, with the buttons the sender may use."""
    rt = runtime(context)
    cycle = rt.cycle(session)
    status = next((s for s in indicator_statuses(session, cycle, region) if s.indicator.code == code), None)
    if status is None:
        return Reply(error(rt.t, "Indikator {code} tidak ada di daftar indikator.", code=code))
    g = grants_of(update, context)
    may_see_files = allowed(g, Action.EDIT_CHECKLIST, region)
    may_edit = may_change_evidence(g, region, status.state)  # a verified indicator's evidence is the Kanwil's
    states = settable_states(g, region, status.state) if may_see_files else []
    files = evidence.count(session, cycle, region, code)
    sent_back = decisions.last_send_back(session, key_of(cycle), region.code, code)
    reply = render_checklist.indicator_detail(rt.t, region, status, may_edit, states, region.timezone, files,
                                              may_see_files=may_see_files, sent_back=sent_back)
    return Reply(f"{prefix}\n\n{reply.text}" if prefix else reply.text, reply.buttons)


def send_back_prompt(update: Update, context: ContextTypes.DEFAULT_TYPE, region: RegionRef, code: str) -> Reply | None:
    """Sending an indicator back (*perlu perbaikan*) without a reason: the indicator with the common reasons and
    "Tulis alasan", as /verifikasi asks. None when the sender may not send it back now (or it already is): the
    change itself then answers (refused, or nothing changed)."""
    rt = runtime(context)
    g = grants_of(update, context)
    with rt.session() as session:
        state = next((s.state for s in indicator_statuses(session, rt.cycle(session), region)
                      if s.indicator.code == code), None)
        if state is None or state is IndicatorState.DITOLAK or not may_set_state(g, region, IndicatorState.DITOLAK,
                                                                                 state):
            return None
        detail = _indicator_detail(update, context, session, region, code)
    return render_checklist.send_back_reasons(rt.t, region, code, detail)


async def checklist(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    resolution = await region_argument(update, context, cb.CHECKLIST, "/checklist <wilayah>", "/checklist Tapin")
    if resolution is None:
        return
    if resolution.province:
        await offer_regions(update, context, resolution.province, cb.CHECKLIST)
        return
    if resolution.region is not None:
        await send(update, context, menu_reply(context, resolution.region))


def change_state(update: Update, context: ContextTypes.DEFAULT_TYPE, region: RegionRef, code: str,
                 state_text: str, evidence: str | None, reason: str | None = None) -> Reply:
    rt = runtime(context)
    state = parse_state(state_text)
    if state is None:
        return Reply(error(rt.t, "Status “{state}” tidak dikenal.", state=state_text))
    g = grants_of(update, context)
    if state is IndicatorState.DITOLAK and reason is None and evidence:  # the text with *perlu perbaikan* is its
        reason, evidence = evidence, None  # reason, also for an indicator already sent back (a new one)

    def may_set(before: IndicatorState, after: IndicatorState) -> bool:
        # *perlu perbaikan* is the Kanwil's decision even on an indicator already sent back: a PIC keeps that
        # state only by fixing it (a link, a note, a file), never by typing it
        return may_set_state(g, region, after, None if after is IndicatorState.DITOLAK else before)

    try:
        with rt.session() as session:
            change = set_state(session, rt.clock, rt.cycle(session), region, code, state, user_id(update), evidence,
                               may_set=may_set, reason=reason)
    except ChecklistError as exc:
        return Reply(error(rt.t, exc.message, **exc.values))
    return Reply(render_checklist.state_changed(rt.t, region, change))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = parts.query(update)
    pressed: cb.PlaceButton | cb.PageButton | cb.IndicatorButton | cb.ReasonButton | None = button(
        update, context, (cb.PlaceButton, cb.PageButton, cb.IndicatorButton, cb.ReasonButton))
    if pressed is None:
        await stale(update, context)
        return
    if isinstance(pressed, cb.ReasonButton):
        await on_reason_button(update, context, pressed)
        return
    place = pressed.region if isinstance(pressed, cb.IndicatorButton) else pressed.place
    if isinstance(place, ProvinceRef):  # /checklist picked from an unclear name: its kab/kota
        if await require(update, context, Action.VIEW):
            await query.answer()
            await offer_regions(update, context, place, cb.CHECKLIST)
        return
    action = Action.EDIT_CHECKLIST if pressed.action in (cb.SET_STATE, cb.ADD_NOTE) else Action.VIEW
    if not await require(update, context, action, place) or not await require_catalog(update, context):
        return
    if isinstance(pressed, cb.IndicatorButton) and pressed.action == cb.INDICATOR:
        shown = indicator_page(update, context, place, pressed.code)  # with the check below, in one transaction
        if shown is None:
            await stale(update, context)  # a code that is not (or no longer) in the catalog
            return
        await query.answer()
        await answer(update, context, shown)
        return
    if isinstance(pressed, cb.IndicatorButton) and not indicator_exists(context, pressed.code):
        await stale(update, context)  # a code that is not (or no longer) in the catalog
        return
    await query.answer()
    if isinstance(pressed, cb.PlaceButton):
        await answer(update, context, menu_reply(context, place))
    elif isinstance(pressed, cb.PageButton):
        await answer(update, context, criterion_reply(context, place, pressed.criterion, pressed.page))
    elif pressed.action == cb.SET_STATE and pressed.state is not None:  # the parser gives ks its state
        prompt = send_back_prompt(update, context, place, pressed.code) \
            if pressed.state is IndicatorState.DITOLAK else None
        if prompt is not None:  # "Mengapa perlu perbaikan?": the change waits for its reason
            await answer(update, context, prompt)
            return
        done = change_state(update, context, place, pressed.code, pressed.state.value, None)
        await answer(update, context, indicator_reply(update, context, place, pressed.code, prefix=done.text))
    elif pressed.action == cb.ADD_NOTE:
        await ask_evidence(update, context, place, pressed.code)


async def ask_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE, region: RegionRef, code: str) -> None:
    """"Tambah tautan/catatan": asked for when the sender may change this indicator's evidence now."""
    rt = runtime(context)
    g = grants_of(update, context)
    with rt.session() as session:
        state = next((s.state for s in indicator_statuses(session, rt.cycle(session), region)
                      if s.indicator.code == code), None)
        if state is not None and not may_set_state(g, region, state, state):
            problem = refusal(code, state, state)
        else:
            problem = None
            conversations.save(session, rt.clock, parts.chat_id(update), parts.sender(update).id,
                               Conversation(EVIDENCE, "note", {"region": region.code, "code": code}))
    if problem is not None:
        await send(update, context, Reply(error(rt.t, problem.message, **problem.values)))
        return
    await send(update, context, render_checklist.ask_evidence(rt.t, region, code))


def indicator_exists(context: ContextTypes.DEFAULT_TYPE, code: str) -> bool:
    rt = runtime(context)
    with rt.session() as session:
        return any(ind.code == code for ind in active_indicators(session))


async def conversation_region(update: Update, context: ContextTypes.DEFAULT_TYPE,
                              conversation: Conversation) -> RegionRef | None:
    """The kab/kota a conversation about one indicator is about, if the sender may still change it; None when
    answered (a kab/kota that no longer exists ends the conversation; a refusal says why)."""
    rt = runtime(context)
    region = target_from(conversation.data["region"])
    if not isinstance(region, RegionRef):
        with rt.session() as session:
            conversations.end(session, parts.chat_id(update), parts.sender(update).id)
        await send(update, context, Reply(rt.t.gettext("Dibatalkan; tidak ada yang diubah.")))
        return None
    return region if await require(update, context, Action.EDIT_CHECKLIST, region) else None


async def on_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation) -> None:
    """A plain message after "Tambah tautan/catatan": attach it to that indicator."""
    rt = runtime(context)
    chat_id, sender = parts.chat_id(update), parts.sender(update).id
    region = await conversation_region(update, context, conversation)
    if region is None:
        return
    text = parts.text(update).strip()
    g = grants_of(update, context)
    try:
        with rt.session() as session:  # taken once, even when two messages reach two copies at once
            if not conversations.claim(session, rt.clock, chat_id, sender, conversation):
                raise ChecklistError(N_("Tautan atau catatan untuk indikator ini sudah diterima dari pesan lain; "
                                        "tekan “Tambah tautan/catatan” lagi untuk menambah yang lain."))
            change = attach_evidence(session, rt.clock, rt.cycle(session), region, conversation.data["code"],
                                     sender, text,
                                     may_set=lambda before, after: may_set_state(g, region, after, before))
    except ChecklistError as exc:
        await send(update, context, Reply(error(rt.t, exc.message, **exc.values)))
        return
    await send(update, context, Reply(render_checklist.state_changed(rt.t, region, change)))


async def on_reason_button(update: Update, context: ContextTypes.DEFAULT_TYPE, pressed: cb.ReasonButton) -> None:
    """A common reason (the indicator goes back with it), or "Tulis alasan" (the next message is the reason)."""
    region, code = pressed.region, pressed.code
    if not await require(update, context, Action.EDIT_CHECKLIST, region) or not await require_catalog(update, context):
        return
    if not indicator_exists(context, code) or not may_set_state(grants_of(update, context), region,
                                                                 IndicatorState.DITOLAK):
        await stale(update, context)  # a code not (or no longer) in the catalog; a PIC never gets these buttons
        return
    await parts.query(update).answer()
    if pressed.reason is not None:
        done = change_state(update, context, region, code, IndicatorState.DITOLAK.value, None,
                            reason=decisions.REASONS[pressed.reason])
        await answer(update, context, indicator_reply(update, context, region, code, prefix=done.text))
        return
    rt = runtime(context)
    message = parts.query(update).message
    asked = {"region": region.code, "code": code, "message": message.message_id if message else None}
    with rt.session() as session:
        conversations.save(session, rt.clock, parts.chat_id(update), parts.sender(update).id,
                           Conversation(REASON, "reason", asked))
    await send(update, context, render_verification.ask_reason(rt.t, region, code, decisions.MAX_REASON))


async def on_reason(update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation) -> None:
    """The reason typed after "Tulis alasan": the indicator goes back with it."""
    rt = runtime(context)
    chat_id, sender = parts.chat_id(update), parts.sender(update).id
    region, code = await conversation_region(update, context, conversation), str(conversation.data["code"])
    if region is None:
        return
    try:
        reason = decisions.check_reason(parts.text(update))
    except UserError as exc:
        await send_error(update, context, exc)  # the conversation stays: the next message is the reason
        return
    with rt.session() as session:  # taken once, even when two messages reach two copies at once
        taken = conversations.claim(session, rt.clock, chat_id, sender, conversation)
    if not taken:
        await send(update, context, Reply(error(rt.t, "Alasan untuk indikator ini sudah diterima dari pesan lain.")))
        return
    done = change_state(update, context, region, code, IndicatorState.DITOLAK.value, None, reason=reason)
    asked = conversation.data.get("message")
    if asked:
        try:  # the question's buttons go: what became of it is below
            await context.bot.edit_message_reply_markup(chat_id=chat_id, message_id=asked)
        except BadRequest:
            pass
    await send(update, context, indicator_reply(update, context, region, code, prefix=done.text))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("checklist", checklist))
    pattern = rf"^({cb.CHECKLIST}|{cb.CRITERION}|{cb.INDICATOR}|{cb.SET_STATE}|{cb.ADD_NOTE}|{cb.SEND_BACK})\|"
    application.add_handler(CallbackQueryHandler(on_button, pattern=pattern))
