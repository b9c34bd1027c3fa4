"""Command menus by scope and language: what each person and chat sees when typing "/".

Everyone sees the read commands; group administrators also the group commands; a PIC, staf or admin
sees their own commands in their private chat (set per chat, refreshed when their roles change, when
they write /start and when they choose a language). Menus are in Indonesian (``PANTAU_LOCALE``), also for
Telegram apps set to English; a person who chose English with /bahasa en gets their private menu in
English. The English menus of earlier versions (``language_code="en"``) are deleted.
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.core.i18n import locale_for, translator
from bot.domain.language import chosen_language
from bot.domain.people import grants
from bot.domain.runtime import Runtime
from bot.render.help import DEFAULT, GROUP_ADMIN, READ, command_menu, menu_for

log = logging.getLogger(__name__)


async def _publish(bot: Bot, names: tuple[str, ...], scope: BotCommandScope, locale: str) -> None:
    await bot.set_my_commands([BotCommand(c, d) for c, d in command_menu(translator(locale), names)], scope=scope)
    await bot.delete_my_commands(scope=scope, language_code="en")  # English apps read the same menu


async def set_command_menus(application: Application) -> None:
    """The menus every chat shares, and those of the configured admins."""
    rt: Runtime = application.bot_data["runtime"]
    locale = rt.settings.locale
    await _publish(application.bot, DEFAULT, BotCommandScopeDefault(), locale)
    await _publish(application.bot, READ, BotCommandScopeAllGroupChats(), locale)
    await _publish(application.bot, GROUP_ADMIN, BotCommandScopeAllChatAdministrators(), locale)
    for admin in sorted(rt.settings.admin_ids):
        await refresh_person(application.bot, rt, admin)


async def refresh_person(bot: Bot, rt: Runtime, user_id: int) -> None:
    """Publish ``user_id``'s own menu in their private chat, in their language, after their roles changed."""
    with rt.session() as session:
        g = grants(session, rt.settings.admin_ids, user_id, user_id)
        locale = locale_for(chosen_language(session, user_id), rt.settings.locale)
    names = menu_for(g.admin, bool(g.staf), bool(g.pic), g.has_role)
    try:
        await _publish(bot, names, BotCommandScopeChat(user_id), locale)
    except TelegramError as exc:  # a person who never wrote to the bot has no chat with it yet
        log.info("menu of %s not set: %s", user_id, exc)


async def refresh(context: ContextTypes.DEFAULT_TYPE, *user_ids: int | None) -> None:
    rt: Runtime = context.application.bot_data["runtime"]
    for user_id in user_ids:
        if user_id is not None:
            await refresh_person(context.bot, rt, user_id)
