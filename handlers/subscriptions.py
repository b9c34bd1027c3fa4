"""/langganan: this chat receives the reminders of a kab/kota or a province."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain.access import Action
from bot.domain.subscriptions import subscribe
from bot.reference import ProvinceRef, RegionRef
from bot.render import Reply
from bot.render import callbacks as cb
from bot.render import status as render_status
from bot.render.people import place
from handlers import parts
from handlers.common import button, require, resolve_or_ask, runtime, send, stale, user_id
from handlers.groups import is_group_admin
from schedules.incremental import plan_now


async def langganan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await require(update, context, Action.SUBSCRIBE):
        return
    rt = runtime(context)
    query = " ".join(context.args or [])
    if not query:
        await send(update, context, render_status.usage(rt.t, "/langganan <wilayah atau provinsi>", "/langganan Tapin"))
        return
    resolution = await resolve_or_ask(update, context, query, cb.LANGGANAN, right=Action.SUBSCRIBE)
    if resolution is not None and resolution.target is not None:  # else answered with buttons or suggestions
        await bind(update, context, resolution.target)


async def bind(update: Update, context: ContextTypes.DEFAULT_TYPE, target: RegionRef | ProvinceRef) -> bool:
    if not await require(update, context, Action.SUBSCRIBE, target) or not await is_group_admin(update, context):
        return False
    rt = runtime(context)
    with rt.session() as session:
        _sub, new = subscribe(session, rt.clock, parts.chat_id(update), target, user_id(update))
    # off the event loop, and only the events this chat's region is in (the shared planner knows the rest)
    await asyncio.to_thread(plan_now, rt, context.application.bot_data.get("planner"))
    name = place(target.code)
    text = rt.t.fmt("✔️ Chat ini menerima pengingat untuk {name}.", name=name) if new else \
        rt.t.fmt("Chat ini sudah menerima pengingat untuk {name}.", name=name)
    await send(update, context, Reply(text))
    return True


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = button(update, context, cb.PlaceButton)
    if pressed is None:
        await stale(update, context)
        return
    if await bind(update, context, pressed.place):
        await parts.query(update).answer()


def register(application: Application) -> None:
    application.add_handler(CommandHandler("langganan", langganan))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{cb.LANGGANAN}\|"))
