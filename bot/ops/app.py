"""Build the python-telegram-bot ``Application``: handlers, defaults, rate limiter, command menu."""

from __future__ import annotations

import time
from collections.abc import Callable

from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter, BaseUpdateProcessor, Defaults
from telegram.request import BaseRequest

import handlers
from bot.domain.runtime import Runtime
from bot.domain.standing import Standing
from bot.ops.jobs import start_ticking
from bot.telegram.context import CONTEXT_TYPES
from bot.telegram.flood import FloodGate
from bot.telegram.processor import ChatOrderedProcessor
from bot.telegram.ratelimit import ThrottledRateLimiter
from handlers.menus import set_command_menus


async def post_init(application: Application) -> None:
    await set_command_menus(application)
    await start_ticking(application)


def update_processor_for(runtime: Runtime, flood: bool = True,
                         now: Callable[[], float] = time.monotonic) -> ChatOrderedProcessor:
    """Updates run concurrently, one chat at a time (``bot/telegram/processor.py``); flood control for abuse, with
    members (a role, a bound group) told apart by ``bot.domain.standing`` (``flood=False``: none, the console)."""
    admins = frozenset(runtime.settings.admin_ids)
    standing = Standing(runtime.session, admins, runtime.settings.locale)
    return ChatOrderedProcessor(flood=FloodGate(now=now, standing=standing, exempt=admins) if flood else None,
                                language=standing.language)


def build_application(runtime: Runtime, request: BaseRequest | None = None, token: str | None = None,
                      rate_limiter: BaseRateLimiter | None = None,
                      update_processor: BaseUpdateProcessor | None = None, paced: bool = True,
                      flood: bool = True) -> Application:
    """``request`` replaces the network (the offline Bot API of the console and the tests).

    ``paced=False`` leaves out the rate limiter and ``flood=False`` the flood control: the console, whose
    replies go to a terminal, not to Telegram."""
    secret = runtime.settings.telegram_bot_token
    builder = (
        ApplicationBuilder()
        .token(token or (secret.get_secret_value() if secret else ""))
        .base_url(runtime.settings.telegram_api_base_url)
        .base_file_url(runtime.settings.api_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .context_types(CONTEXT_TYPES)  # one context per update, holding the update's visit (handlers/visit.py)
        .concurrent_updates(update_processor or update_processor_for(runtime, flood))
        .post_init(post_init)
    )
    if paced:  # (the builder's methods set and return the builder itself)
        builder.rate_limiter(rate_limiter or ThrottledRateLimiter())
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data["runtime"] = runtime
    handlers.register(application)
    return application
