"""Each person's language: chosen with /bahasa and stored, else from Telegram's ``language_code``."""

from __future__ import annotations

from sqlmodel import Session

from bot.clock import Clock
from bot.errors import UserError
from bot.i18n import N_, SUPPORTED, locale_for
from bot.models import Person
from bot.people import seen

WORDS = {"id": "id", "indonesia": "id", "indonesian": "id", "bahasa": "id", "en": "en", "english": "en",
         "inggris": "en"}


def parse_language(text: str) -> str:
    locale = WORDS.get(text.strip().lower())
    if locale is None:
        raise UserError(N_("Bahasa “{value}” tidak tersedia: pilih id (Indonesia) atau en (English)."), value=text)
    return locale


def chosen_language(session: Session, user_id: int) -> str | None:
    person = session.get(Person, user_id)
    return person.language if person and person.language in SUPPORTED else None


def reader_language(session: Session, chat_id: int, default: str) -> str:
    """The language of what the bot sends on its own to ``chat_id``: in a person's private chat their
    /bahasa choice, else English when their Telegram app is in English (as in their replies), else
    ``default`` (``PANTAU_LOCALE``; groups always)."""
    if chat_id > 0:
        person = session.get(Person, chat_id)
        return locale_for(person.language if person else None, person.telegram_language if person else None,
                          default)
    return default


def choose_language(session: Session, clock: Clock, user_id: int, first_name: str, username: str | None,
                    locale: str) -> None:
    seen(session, clock, user_id, first_name, username)
    person = session.get(Person, user_id)
    person.language = locale
    session.flush()
