"""Documents and photos sent to the bot: data dukung for an indicator, or a spreadsheet to import.

- A document or photo captioned with an indicator code (``3.02``, or ``Tapin 3.02``), sent as a reply
  to an indicator's message from ``/checklist``, or sent after its "Tambah tautan/catatan" button, is
  attached to that indicator, when the sender may change that indicator's evidence (``bot.domain.access``:
  a verified indicator's evidence is the Kanwil's).
- Otherwise an ``.xlsx``/``.csv`` sent in a private chat is a progress (sheet ``Progres``) or Aksi HAM
  (sheet ``Aksi HAM``) import, or both (the report from ``/ekspor``): a preview, then Kirim/Batal. The
  pending import is a conversation kept in the database (the file's ``file_id``, not its content); "Kirim"
  claims it once (``bot.core.claims``), then the file is downloaded and validated again, against the database
  as it is then, and applied all or nothing. Reading, validating and saving run in a worker thread
  (``bot.io.imports``), off the event loop.
- The "📂 Lihat berkas" button of an indicator sends its newest files back (at most ``SHOWN_FILES``).
"""

from __future__ import annotations

import asyncio
import secrets

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.core.errors import UserError
from bot.domain import conversations, evidence
from bot.domain.access import Action, allowed, may_set_state
from bot.domain.catalog import active_indicators
from bot.domain.conversations import Conversation
from bot.domain.evidence import IncomingFile
from bot.domain.people import Grants
from bot.domain.regions import resolve
from bot.domain.runtime import Runtime
from bot.io import imports
from bot.io.progress_import import ImportRejected
from bot.io.spreadsheets import SpreadsheetError, check_size, is_spreadsheet
from bot.reference import RegionRef, provinces, regions
from bot.render import Reply
from bot.render import callbacks as cb
from bot.render import files as render_files
from bot.render.common import error
from handlers import parts
from handlers.checklist import EVIDENCE
from handlers.common import button, grants_of, require, runtime, send, stale, user_id

IMPORT = "import"  # conversation kind of a previewed import: {"token", "file_id", "unique", "name", "size"}
APPLYING = "applying"  # its step once "Kirim" was pressed: no second press applies it again
INDICATOR_BUTTONS = (cb.SET_STATE, cb.ADD_NOTE, cb.FILES, cb.INDICATOR)
SHOWN_FILES = 10  # "Lihat berkas": the newest ten, and how many older ones there are


def incoming_of(message: Message) -> IncomingFile | None:
    if message.document:
        d = message.document
        return IncomingFile("document", d.file_id, d.file_unique_id, d.file_name or "dokumen", d.mime_type,
                            d.file_size)
    if message.photo:
        p = message.photo[-1]  # the largest size
        # a photo has no name: it is named "foto-1.jpg", "foto-2.jpg" … per indicator when attached
        return IncomingFile("photo", p.file_id, p.file_unique_id, evidence.PHOTO_NAME, "image/jpeg", p.file_size)
    return None


def replied_indicator(message: Message | None) -> tuple[str, str] | None:
    """(kab/kota code, indicator code) of the /checklist indicator message being replied to."""
    if message is None or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for key in row:
            decoded = cb.decode(key.callback_data)
            if isinstance(decoded, cb.IndicatorButton) and decoded.action in INDICATOR_BUTTONS:
                return decoded.region.code, decoded.code
    return None


async def on_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = parts.message(update)
    incoming = incoming_of(message)
    if incoming is None:
        return
    rt = runtime(context)
    chat_id, person = parts.chat_id(update), parts.sender(update).id
    with rt.session() as session:
        codes = {ind.code for ind in active_indicators(session)}
    target = replied_indicator(message.reply_to_message)
    if target is None and not message.caption:  # a file sent after "Tambah tautan/catatan"
        with rt.session() as session:
            asked = conversations.current(session, rt.clock, chat_id, person, EVIDENCE)
            if asked is not None and conversations.claim(session, rt.clock, chat_id, person, asked):
                target = (asked.data["region"], asked.data["code"])
    caption = message.caption or ""
    private = parts.chat(update).type == "private"
    try:  # in a group a caption is also somebody's message: only codes exactly as the catalog writes them
        parsed = evidence.parse_caption(caption, codes, lenient=private)
    except UserError as exc:  # two codes: one file is for one indicator
        await send(update, context, Reply(error(rt.t, exc.message, **exc.values)))
        return
    if target and parsed and parsed[1] != target[1]:  # the caption names the indicator: it wins over the reply
        known = None if parsed[0] else regions()[target[0]]
        await attach(update, context, incoming, parsed[1], known, where=parsed[0], instead_of=target[1])
    elif target:
        await attach(update, context, incoming, target[1], regions()[target[0]])
    elif parsed:
        await attach(update, context, incoming, parsed[1], where=parsed[0])
    elif private and incoming.kind == "document" and is_spreadsheet(incoming.file_name):
        await preview(update, context, incoming)
    elif unknown := evidence.unknown_code(caption, codes, whole=not private):
        await send(update, context, Reply(render_files.unknown_code(rt.t, unknown)))
    elif private:
        await send(update, context, Reply(render_files.send_hint(rt.t)))


def _own(g: Grants) -> list[str]:
    """What the sender may attach evidence to, by name (for "not your region")."""
    return ([regions()[c].official_name for c in sorted(g.pic) if c in regions()]
            + [provinces()[c].name for c in sorted(g.staf) if c in provinces()])


async def attach(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: IncomingFile, code: str,
                 known: RegionRef | None = None, where: str = "", instead_of: str = "") -> None:
    """Attach to indicator ``code`` of ``known`` (the indicator replied to, or asked for), else of the kab/kota
    named ``where`` in the caption, else of the sender's only kab/kota. ``instead_of``: the indicator of the
    message replied to, when the caption named another one (the confirmation says so)."""
    rt = runtime(context)
    g = grants_of(update, context)
    if not await require(update, context, Action.EDIT_CHECKLIST):  # a pemantau, or someone without a role
        return
    region = known
    if region is None and where:
        region = resolve(where, g.home_province).region
        if region is None:
            await send(update, context, Reply(render_files.unknown_region(rt.t, where, code)))
            return
    elif region is None and len(g.pic) == 1:
        region = regions()[next(iter(g.pic))]
    if region is None:
        await send(update, context, Reply(error(
            rt.t, "Sebutkan kab/kota di keterangan berkas, mis. “Kabupaten Tapin {code}”.", code=code)))
        return
    if (g.pic or g.staf) and not allowed(g, Action.EDIT_CHECKLIST, region):
        await send(update, context, Reply(render_files.not_your_region(rt.t, region.official_name, _own(g))))
        return
    if not await require(update, context, Action.EDIT_CHECKLIST, region):
        return
    try:
        with rt.session() as session:  # the same rule as /tandai: a verified indicator's evidence is the Kanwil's
            done = evidence.attach(session, rt.clock, rt.cycle(session), region, code, incoming, user_id(update),
                                   may_set=lambda before, after: may_set_state(g, region, after, before))
    except UserError as exc:
        await send(update, context, Reply(error(rt.t, exc.message, **exc.values)))
        return
    await send(update, context, Reply(render_files.attached(rt.t, done, instead_of)))


async def _download(context: ContextTypes.DEFAULT_TYPE, incoming: IncomingFile) -> bytes:
    check_size(incoming.file_size)
    file = await context.bot.get_file(incoming.file_id)
    check_size(file.file_size)
    content = bytes(await file.download_as_bytearray())
    check_size(len(content))
    return content


def _plan(rt: Runtime, g: Grants, actor: int | None, content: bytes, name: str, token: str, apply: bool) -> Reply:
    """Validate (and with ``apply`` save) ``content``: a preview, a rejection, or the result. Blocking work:
    run in a worker thread (it opens its own session)."""
    try:
        outcome = imports.run(rt, content, name, grants=g, actor=actor, apply=apply)
    except SpreadsheetError as exc:
        return Reply(render_files.unreadable(rt.t, name, exc.message, exc.values))
    except ImportRejected as exc:
        return Reply(render_files.rejected(rt.t, name, exc.errors))
    if apply:
        return Reply(render_files.applied(rt.t, name, outcome.changed))
    plan = outcome.plan  # the sheet Progres, when there was one to read (and a cycle to read it against)
    if plan is not None and outcome.kind == "progress":
        return render_files.progress_preview(rt.t, name, plan, token)
    if plan is not None:
        return render_files.report_preview(rt.t, name, plan, list(outcome.aksi_rows),
                                           list(outcome.aksi_changed), token, list(outcome.aksi_lists))
    return render_files.aksi_preview(rt.t, name, list(outcome.aksi_rows), list(outcome.aksi_changed), token,
                                     list(outcome.aksi_lists))


async def preview(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: IncomingFile) -> None:
    rt = runtime(context)
    g = grants_of(update, context)
    if not (allowed(g, Action.EDIT_CHECKLIST) or allowed(g, Action.RECORD_AKSI)):
        await require(update, context, Action.EDIT_CHECKLIST)
        return
    try:
        content = await _download(context, incoming)
    except SpreadsheetError as exc:
        await send(update, context, Reply(render_files.unreadable(rt.t, incoming.file_name, exc.message, exc.values)))
        return
    token = secrets.token_hex(4)
    reply = await asyncio.to_thread(_plan, rt, g, user_id(update), content, incoming.file_name, token, False)
    if reply.buttons:  # remembered in the database: Kirim works after a restart, on any copy of the bot
        with rt.session() as session:
            conversations.save(session, rt.clock, parts.chat_id(update), parts.sender(update).id, Conversation(
                IMPORT, "preview", {"token": token, "file_id": incoming.file_id, "name": incoming.file_name,
                                    "unique": incoming.file_unique_id, "size": incoming.file_size}))
    await send(update, context, reply)


def _take(rt: Runtime, chat_id: int, person: int, token: str, ok: bool) -> Conversation | str:
    """Claim the pending import for this press: the conversation (now ``APPLYING``, or ended for Batal), or
    "stale" (no such preview any more) or "taken" (another press, here or on another copy, was first)."""
    with rt.session() as session:
        pending = conversations.current(session, rt.clock, chat_id, person, IMPORT)
        if pending is None or pending.data.get("token") != token:
            return "stale"
        if pending.step != "preview" or not conversations.claim(session, rt.clock, chat_id, person, pending,
                                                                APPLYING if ok else None):
            return "taken"
    return Conversation(IMPORT, APPLYING, pending.data, stored=pending.stored)


async def on_import_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = parts.query(update)
    pressed = button(update, context, cb.ImportButton)
    if pressed is None:
        await stale(update, context)
        return
    rt = runtime(context)
    chat_id, person = parts.chat_id(update), parts.sender(update).id
    ok = pressed.confirm
    taken = _take(rt, chat_id, person, pressed.token, ok)
    if taken == "stale":
        await query.answer(rt.t.gettext("Pratinjau ini sudah tidak berlaku; kirim berkasnya lagi."), show_alert=True)
        return
    if not isinstance(taken, Conversation):  # "taken": another press, here or on another copy, was first
        await query.answer(render_files.import_taken(rt.t), show_alert=True)
        return
    await query.answer()
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest:  # the preview is too old to edit, or gone: the answer below says what happened
        pass
    if not ok:
        await send(update, context, Reply(rt.t.gettext("Dibatalkan; tidak ada yang diubah.")))
        return
    info = taken.data
    incoming = IncomingFile("document", info["file_id"], info["unique"], info["name"], None, info["size"])
    try:  # the file is fetched again: the database keeps the file_id, never the content
        content = await _download(context, incoming)
        reply = await asyncio.to_thread(_plan, rt, grants_of(update, context), person, content, incoming.file_name,
                                        info["token"], True)
    except SpreadsheetError as exc:
        reply = Reply(render_files.unreadable(rt.t, incoming.file_name, exc.message, exc.values))
    finally:
        with rt.session() as session:  # done (or failed): this import's conversation ends
            conversations.claim(session, rt.clock, chat_id, person, taken)
    await send(update, context, reply)


async def on_files_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = parts.query(update)
    pressed = button(update, context, cb.IndicatorButton)
    if pressed is None:
        await stale(update, context)
        return
    region = pressed.region
    if not await require(update, context, Action.EDIT_CHECKLIST, region):
        return
    await query.answer()
    rt = runtime(context)
    with rt.session() as session:
        files, total = evidence.newest(session, rt.cycle(session), region, pressed.code, SHOWN_FILES)
    chat_id = parts.chat_id(update)
    for f in files:
        caption = rt.t.fmt("{region} · <code>{code}</code> · {file}", region=region.short_name, code=f.indicator_code,
                           file=f.file_name)
        if f.kind == "photo":
            await context.bot.send_photo(chat_id, f.file_id, caption=caption)
        else:
            await context.bot.send_document(chat_id, f.file_id, caption=caption)
    if not files:
        await send(update, context, Reply(rt.t.gettext("Belum ada berkas untuk indikator ini.")))
    elif total > len(files):
        await send(update, context, Reply(render_files.more_files(rt.t, len(files), total)))


def register(application: Application) -> None:
    application.add_handler(MessageHandler(filters.Document.ALL | filters.PHOTO, on_file))
    application.add_handler(CallbackQueryHandler(on_import_button, pattern=rf"^{cb.IMPORT}\|"))
    application.add_handler(CallbackQueryHandler(on_files_button, pattern=rf"^{cb.FILES}\|"))
