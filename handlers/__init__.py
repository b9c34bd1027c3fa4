"""Thin Telegram adapters: parse -> access -> service -> render. One module per command family."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    aksi,
    broadcast,
    buttons,
    calendar,
    calendar_wizard,
    checklist,
    errors,
    export,
    files,
    groups,
    language,
    people,
    reminders,
    saya,
    start,
    status,
    subscriptions,
    tandai,
    text,
    verification,
    visit,
)


def register(application: Application) -> None:
    visit.register(application)  # first: the update's visit (who, where, rights, language), read once
    language.register(application)
    groups.register(application)
    buttons.register_gate(application)  # before every button handler: malformed or forged data stops here
    start.register(application)
    saya.register(application)
    people.register(application)
    broadcast.register(application)
    status.register(application)
    calendar_wizard.register(application)
    calendar.register(application)
    subscriptions.register(application)
    aksi.register(application)
    reminders.register(application)
    checklist.register(application)
    tandai.register(application)
    export.register(application)
    files.register(application)
    verification.register(application)
    buttons.register_leftover(application)  # after every button handler: what none of them took
    text.register(application)  # last: typed answers to conversations, /batal, hints for the rest
    errors.register(application)
