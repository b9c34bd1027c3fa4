"""Thin Telegram adapters: parse -> access -> service -> render. One module per command family."""

from __future__ import annotations

from telegram.ext import Application

from handlers import checklist, errors, start, status


def register(application: Application) -> None:
    start.register(application)
    status.register(application)
    checklist.register(application)
    errors.register(application)
