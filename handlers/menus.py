"""Command menus by scope and language: what each person and chat sees when typing "/".

Everyone sees the read commands; group administrators also the group commands; a PIC, staf or admin
sees their own commands in their private chat (set per chat, refreshed when their roles change and when
they write /start). Each menu is published in Indonesian and in English (clients set to English).
"""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.i18n import translator
from bot.people import grants
from bot.render.help import GROUP_ADMIN, READ, command_menu, menu_for
from bot.runtime import Runtime

log = logging.getLogger(__name__)


async def _publish(bot, names: tuple[str, ...], scope, rt: Runtime) -> None:
    default = translator(rt.settings.locale)
    await bot.set_my_commands([BotCommand(c, d) for c, d in command_menu(default, names)], scope=scope)
    english = translator("en")
    await bot.set_my_commands([BotCommand(c, d) for c, d in command_menu(english, names)], scope=scope,
                              language_code="en")


async def set_command_menus(application: Application) -> None:
    """The menus every chat shares, and those of the configured admins."""
    rt: Runtime = application.bot_data["runtime"]
    await _publish(application.bot, READ, BotCommandScopeDefault(), rt)
    await _publish(application.bot, READ, BotCommandScopeAllGroupChats(), rt)
    await _publish(application.bot, GROUP_ADMIN, BotCommandScopeAllChatAdministrators(), rt)
    for admin in sorted(rt.settings.admin_ids):
        await refresh_person(application.bot, rt, admin)


async def refresh_person(bot, rt: Runtime, user_id: int) -> None:
    """Publish ``user_id``'s own menu in their private chat, after their roles changed."""
    with rt.session() as session:
        g = grants(session, rt.settings.admin_ids, user_id, user_id)
    names = menu_for(g.admin, bool(g.staf), bool(g.pic), g.has_role)
    try:
        await _publish(bot, names, BotCommandScopeChat(user_id), rt)
    except TelegramError as exc:  # a person who never wrote to the bot has no chat with it yet
        log.info("menu of %s not set: %s", user_id, exc)


async def refresh(context: ContextTypes.DEFAULT_TYPE, *user_ids: int | None) -> None:
    rt: Runtime = context.application.bot_data["runtime"]
    for user_id in user_ids:
        if user_id is not None:
            await refresh_person(context.bot, rt, user_id)
