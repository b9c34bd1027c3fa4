"""/undang, /anggota, /cabut, /keluar and /riwayat; opening an invitation link is in handlers/start.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.helpers import create_deep_linked_url

from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.models import Role, RoleBinding
from bot.domain.access import Action, allowed
from bot.domain.audit import history_view
from bot.domain.people import (
    Grants,
    bindings_in,
    create_invite,
    find_person,
    parse_role,
    people_by_id,
    remove_bindings,
)
from bot.reference import Place, provinces, regions
from bot.render import Reply
from bot.render import callbacks as cb
from bot.render import history as render_history
from bot.render import people as render
from bot.render import status as render_status
from handlers import menus, parts
from handlers.common import (
    answer,
    button,
    grants_of,
    region_argument,
    require,
    resolve_or_ask,
    runtime,
    send,
    send_error,
    stale,
    user_id,
)


async def undang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.INVITE):
        return
    rt = runtime(context)
    args = context.args or []
    if len(args) < 2:
        await send(update, context, render_status.usage(rt.t, "/undang <staf|pic|pemantau> <wilayah>",
                                                        "/undang pic Tapin"))
        return
    try:
        role = parse_role(args[0])
    except UserError as exc:
        await send_error(update, context, exc)
        return
    resolution = await resolve_or_ask(update, context, " ".join(args[1:]), cb.STATUS,
                                      command=("/undang " + args[0], ""), right=Action.INVITE)
    target = resolution.target if resolution is not None else None
    if target is None or not await require(update, context, Action.INVITE, target):
        return
    try:
        with rt.session() as session:
            invite = create_invite(session, rt.clock, role, target, user_id(update), days=rt.settings.invite_days)
    except UserError as exc:
        await send_error(update, context, exc)
        return
    tz = target.timezone
    link = create_deep_linked_url(context.bot.username, invite.token)
    await send(update, context, render.invite_link(rt.t, invite, link, tz))


async def anggota(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.MEMBERS):
        return
    rt = runtime(context)
    query = " ".join(context.args or [])
    g = grants_of(update, context)
    if query:
        resolution = await resolve_or_ask(update, context, query, cb.STATUS, command=("/anggota", ""),
                                          right=Action.MEMBERS)
        target = resolution.target if resolution is not None else None
        if target is None or not await require(update, context, Action.MEMBERS, target):
            return
        code, heading = target.code, render.place(target.code)
    elif g.admin:
        code, heading = None, rt.t.gettext("semua wilayah")
    else:
        code = sorted(g.staf)[0]
        heading = render.place(code)
    with rt.session() as session:
        found = bindings_in(session, code)
        people = people_by_id(session, {b.user_id for b in found})
    await send(update, context, render.members(rt.t, heading, found, people))


def _may_revoke(g: Grants, binding: RoleBinding) -> bool:
    if binding.role == Role.ADMIN.value:
        return g.admin
    target = provinces().get(binding.target_code) or regions().get(binding.target_code)
    return allowed(g, Action.REVOKE, target)


async def cabut(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.REVOKE):
        return
    rt = runtime(context)
    args = context.args or []
    if not args:
        await send(update, context, render_status.usage(rt.t, "/cabut <pengguna> [wilayah]", "/cabut @budi Tapin"))
        return
    only = None
    if len(args) > 1:
        resolution = await resolve_or_ask(update, context, " ".join(args[1:]), cb.STATUS,
                                          command=("/cabut " + args[0], ""), right=Action.REVOKE)
        target = resolution.target if resolution is not None else None
        if target is None or not await require(update, context, Action.REVOKE, target):
            return
        only = target.code
    g = grants_of(update, context)
    try:
        with rt.session() as session:
            target_user = find_person(session, args[0])
            if target_user in rt.settings.admin_ids:
                raise UserError(N_("Admin yang ditetapkan di PANTAU_ADMIN_IDS hanya dapat diubah melalui pengaturan "
                                 "bot."))
            removed = remove_bindings(
                session, rt.clock, target_user, user_id(update),
                keep=lambda b: not _may_revoke(g, b) or (only is not None and b.target_code != only))
    except UserError as exc:
        await send_error(update, context, exc)
        return
    if not removed:
        await send(update, context, Reply(rt.t.gettext("Tidak ada peran yang dapat dicabut.")))
        return
    places = ", ".join(f"{render.role_label(rt.t, b.role)} {render.place(b.target_code)}" for b in removed)
    await send(update, context, Reply(rt.t.fmt("✔️ Dicabut: {places}.", places=places)))
    await menus.refresh(context, target_user)


async def keluar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.LEAVE):
        return
    rt = runtime(context)
    me = parts.sender(update).id
    with rt.session() as session:
        removed = remove_bindings(session, rt.clock, me, me, keep=lambda b: me in rt.settings.admin_ids)
    if removed:
        await send(update, context, Reply(rt.t.gettext("Anda sudah keluar; tidak ada lagi pengingat untuk Anda. "
                                                       "Terima kasih!")))
        await menus.refresh(context, me)
    else:
        await send(update, context, Reply(rt.t.gettext(
            "Admin yang ditetapkan di pengaturan bot (PANTAU_ADMIN_IDS) tidak dapat keluar melalui bot.")))


def history_reply(context: ContextTypes.DEFAULT_TYPE, target: Place, page: int) -> Reply:
    rt = runtime(context)
    with rt.session() as session:
        view = history_view(session, target.code, page)
    return render_history.history(rt.t, target.code, view, target.timezone)


async def riwayat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    resolution = await region_argument(update, context, cb.RIWAYAT, "/riwayat <wilayah>", "/riwayat Tapin", 0,
                                       action=Action.HISTORY, catalog=False)  # a button: its first page
    if resolution is None or resolution.target is None:
        return
    if not await require(update, context, Action.HISTORY, resolution.target):
        return
    await send(update, context, history_reply(context, resolution.target, 0))


async def on_history_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = button(update, context, cb.PageButton)
    if pressed is None:
        await stale(update, context)
        return
    if not await require(update, context, Action.HISTORY, pressed.place):
        return
    await parts.query(update).answer()
    await answer(update, context, history_reply(context, pressed.place, pressed.page))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("undang", undang))
    application.add_handler(CommandHandler("anggota", anggota))
    application.add_handler(CommandHandler("cabut", cabut))
    application.add_handler(CommandHandler("keluar", keluar))
    application.add_handler(CommandHandler("riwayat", riwayat))
    application.add_handler(CallbackQueryHandler(on_history_button, pattern=rf"^{cb.RIWAYAT}\|"))
