"""Build the python-telegram-bot ``Application``: handlers, defaults, rate limiter, command menu."""

from __future__ import annotations

from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter, Defaults
from telegram.request import BaseRequest

import handlers
from bot.ratelimit import ThrottledRateLimiter
from bot.runtime import Runtime
from handlers.menus import set_command_menus
from schedules.jobs import start_ticking


async def post_init(application: Application) -> None:
    await set_command_menus(application)
    await start_ticking(application)


def build_application(runtime: Runtime, request: BaseRequest | None = None, token: str | None = None,
                      rate_limiter: BaseRateLimiter | None = None) -> Application:
    """``request`` replaces the network (the offline Bot API of the console and the tests)."""
    builder = (
        ApplicationBuilder()
        .token(token or runtime.settings.telegram_bot_token or "")
        .base_url(runtime.settings.telegram_api_base_url)
        .base_file_url(runtime.settings.api_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(rate_limiter or ThrottledRateLimiter())
        .post_init(post_init)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data["runtime"] = runtime
    handlers.register(application)
    return application
