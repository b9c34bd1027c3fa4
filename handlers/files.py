"""Documents and photos sent to the bot: data dukung for an indicator, or a spreadsheet to import.

- A document or photo captioned with an indicator code (``3.02``, or ``Tapin 3.02``), sent as a reply
  to an indicator's message from ``/checklist``, or sent after its "Tambah tautan/catatan" button, is
  attached to that indicator.
- Otherwise an ``.xlsx``/``.csv`` sent in a private chat is a progress (sheet ``Progres``) or Aksi HAM
  (sheet ``Aksi HAM``) import: a preview, then Kirim/Batal. The pending import is a conversation kept
  in the database (the file's ``file_id``, not its content); on Kirim the file is downloaded and
  validated again, against the database as it is then, and applied all or nothing.
- The "📂 Lihat berkas" button of an indicator sends its files back.
"""

from __future__ import annotations

import secrets

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot import aksi_import, conversations, evidence, progress_import
from bot import callbacks as cb
from bot.access import Action, allowed, may_set_state
from bot.catalog import active_indicators
from bot.conversations import Conversation
from bot.errors import UserError
from bot.evidence import IncomingFile
from bot.i18n import N_
from bot.models import IndicatorState
from bot.progress_import import ImportRejected
from bot.reference import regions
from bot.regions import resolve
from bot.render import Reply
from bot.render import files as render_files
from bot.render.common import error
from bot.spreadsheets import SpreadsheetError, check_size, is_spreadsheet, read_table, sheet_names
from handlers.checklist import EVIDENCE
from handlers.common import button, grants_of, require, runtime, send, stale, user_id

IMPORT = "import"  # conversation kind of a previewed import: {"token", "file_id", "unique", "name", "size"}
INDICATOR_BUTTONS = (cb.SET_STATE, cb.ADD_NOTE, cb.FILES, cb.INDICATOR)


def incoming_of(message: Message) -> IncomingFile | None:
    if message.document:
        d = message.document
        return IncomingFile("document", d.file_id, d.file_unique_id, d.file_name or "dokumen", d.mime_type,
                            d.file_size)
    if message.photo:
        p = message.photo[-1]  # the largest size
        return IncomingFile("photo", p.file_id, p.file_unique_id, f"foto-{p.file_unique_id}.jpg", "image/jpeg",
                            p.file_size)
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
    message = update.effective_message
    incoming = incoming_of(message)
    if incoming is None:
        return
    rt = runtime(context)
    with rt.session() as session:
        codes = {ind.code for ind in active_indicators(session)}
    target = replied_indicator(message.reply_to_message)
    if target is None and not message.caption:  # a file sent after "Tambah tautan/catatan"
        with rt.session() as session:
            asked = conversations.current(session, rt.clock, update.effective_chat.id, user_id(update), EVIDENCE)
            if asked is not None:
                conversations.end(session, update.effective_chat.id, user_id(update))
                target = (asked.data["region"], asked.data["code"])
    parsed = evidence.parse_caption(message.caption or "", codes)
    private = update.effective_chat.type == "private"
    if target or parsed:
        await attach(update, context, incoming, target, parsed)
    elif private and incoming.kind == "document" and is_spreadsheet(incoming.file_name):
        await preview(update, context, incoming)
    elif private:
        await send(update, context, Reply(render_files.send_hint(rt.t)))


async def attach(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: IncomingFile,
                 target: tuple[str, str] | None, parsed: tuple[str, str] | None) -> None:
    rt = runtime(context)
    g = grants_of(update, context)
    if target:
        region, code = regions()[target[0]], target[1]
    else:
        where, code = parsed
        if where:
            region = resolve(where, g.home_province).region
            if region is None:
                await send(update, context, Reply(error(rt.t, "Kab/kota “{name}” tidak dikenal atau ambigu; tulis "
                                                              "namanya lengkap atau kodenya (mis. 63.05).", name=where)))
                return
        elif len(g.pic) == 1:
            region = regions()[next(iter(g.pic))]
        else:
            await send(update, context, Reply(error(rt.t, "Sebutkan kab/kota di keterangan berkas, mis. “Tapin {code}”.",
                                                    code=code)))
            return
    if not await require(update, context, Action.EDIT_CHECKLIST, region):
        return
    try:
        with rt.session() as session:
            cycle = rt.cycle(session)
            before = evidence.current_state(session, cycle, region, code)
            if before in evidence.RAISED_TO_PROSES and not may_set_state(g, region, IndicatorState.PROSES, before):
                raise UserError(N_("Maaf, Anda tidak berwenang melakukan ini. Hubungi admin Bidang HAM Kanwil."))
            done = evidence.attach(session, rt.clock, cycle, region, code, incoming, user_id(update))
    except UserError as exc:
        await send(update, context, Reply(error(rt.t, exc.message, **exc.values)))
        return
    await send(update, context, Reply(render_files.attached(rt.t, done)))


async def _download(context: ContextTypes.DEFAULT_TYPE, incoming: IncomingFile) -> bytes:
    check_size(incoming.file_size)
    file = await context.bot.get_file(incoming.file_id)
    check_size(file.file_size)
    content = bytes(await file.download_as_bytearray())
    check_size(len(content))
    return content


def _kind(content: bytes, name: str) -> str:
    """"aksi" for an Aksi HAM sheet (XLSX sheet ``Aksi HAM``, CSV with a ``periode`` column), else "progress"."""
    if name.lower().endswith(".csv"):
        return "aksi" if aksi_import.looks_like_aksi(read_table(content, name, ())) else "progress"
    names = {s.strip().lower() for s in sheet_names(content, name)}
    if not names & {s.lower() for s in progress_import.SHEETS} and names & {s.lower() for s in aksi_import.SHEETS}:
        return "aksi"
    return "progress"


def _plan(update: Update, context: ContextTypes.DEFAULT_TYPE, content: bytes, name: str, token: str,
          apply: bool) -> Reply:
    """Validate (and with ``apply`` save) ``content``; a preview, a rejection, or the result."""
    rt = runtime(context)
    g = grants_of(update, context)
    try:
        kind = _kind(content, name)
        with rt.session() as session:
            if kind == "progress":
                table = read_table(content, name, progress_import.SHEETS)
                cycle = rt.cycle(session)
                plan = progress_import.plan(session, cycle, table, progress_import.rights_of(g))
                if not apply:
                    return render_files.progress_preview(rt.t, name, plan, token)
                progress_import.apply(session, rt.clock, cycle, plan, user_id(update), name)
                return Reply(render_files.applied(rt.t, name, len(plan.changes)))
            table = read_table(content, name, aksi_import.SHEETS)
            rows = aksi_import.plan(session, table, aksi_import.rights_of(g), rt.clock.now())
            if not apply:
                return render_files.aksi_preview(rt.t, name, rows, aksi_import.changed(rows), token)
            return Reply(render_files.applied(rt.t, name, aksi_import.apply(session, rt.clock, rows, user_id(update),
                                                                            name)))
    except SpreadsheetError as exc:
        return Reply(render_files.unreadable(rt.t, name, exc.message, exc.values))
    except ImportRejected as exc:
        return Reply(render_files.rejected(rt.t, name, exc.errors))


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
    reply = _plan(update, context, content, incoming.file_name, token, apply=False)
    if reply.buttons:  # remembered in the database: Kirim works after a restart, on any copy of the bot
        with rt.session() as session:
            conversations.save(session, rt.clock, update.effective_chat.id, user_id(update), Conversation(
                IMPORT, "preview", {"token": token, "file_id": incoming.file_id, "name": incoming.file_name,
                                    "unique": incoming.file_unique_id, "size": incoming.file_size}))
    await send(update, context, reply)


async def on_import_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    pressed = button(update, context, cb.ImportButton)
    if pressed is None:
        await stale(update, context)
        return
    rt = runtime(context)
    chat_id, person = update.effective_chat.id, user_id(update)
    with rt.session() as session:
        pending = conversations.current(session, rt.clock, chat_id, person, IMPORT)
        if pending is not None and pending.data.get("token") == pressed.token:
            conversations.end(session, chat_id, person)
        else:
            pending = None
    if pending is None:
        await query.answer(rt.t.gettext("Pratinjau ini sudah tidak berlaku; kirim berkasnya lagi."), show_alert=True)
        return
    await query.answer()
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest:  # the preview is too old to edit, or gone: the answer below says what happened
        pass
    if not pressed.confirm:
        await send(update, context, Reply(rt.t.gettext("Dibatalkan; tidak ada yang diubah.")))
        return
    info = pending.data
    incoming = IncomingFile("document", info["file_id"], info["unique"], info["name"], None, info["size"])
    try:  # the file is fetched again: the database keeps the file_id, never the content
        content = await _download(context, incoming)
    except SpreadsheetError as exc:
        await send(update, context, Reply(render_files.unreadable(rt.t, incoming.file_name, exc.message, exc.values)))
        return
    await send(update, context, _plan(update, context, content, incoming.file_name, info["token"], True))


async def on_files_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
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
        files = evidence.files_of(session, rt.cycle(session), region, pressed.code)
    chat_id = update.effective_chat.id
    for f in files:
        caption = rt.t.fmt("{region} · <code>{code}</code> · {file}", region=region.short_name, code=f.indicator_code,
                           file=f.file_name)
        if f.kind == "photo":
            await context.bot.send_photo(chat_id, f.file_id, caption=caption)
        else:
            await context.bot.send_document(chat_id, f.file_id, caption=caption)
    if not files:
        await send(update, context, Reply(rt.t.gettext("Belum ada berkas untuk indikator ini.")))


def register(application: Application) -> None:
    application.add_handler(MessageHandler(filters.Document.ALL | filters.PHOTO, on_file))
    application.add_handler(CallbackQueryHandler(on_import_button, pattern=rf"^{cb.IMPORT}\|"))
    application.add_handler(CallbackQueryHandler(on_files_button, pattern=rf"^{cb.FILES}\|"))
