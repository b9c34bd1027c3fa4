"""Each person's language: Indonesian, unless they chose English with ``/bahasa en`` (stored per person).

The language of a person's Telegram app does not choose for them (many civil servants keep Telegram in
English); a person whose app is in English is told once, in one line, that ``/bahasa en`` exists
(``person.language_hint_at`` remembers it)."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_, SUPPORTED, locale_for
from bot.core.models import Person
from bot.domain.people import seen

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
    /bahasa choice, else ``default`` (``PANTAU_LOCALE``; groups always)."""
    if chat_id > 0:
        person = session.get(Person, chat_id)
        return locale_for(person.language if person else None, default)
    return default


def english_app(telegram_code: str | None) -> bool:
    return telegram_code is not None and telegram_code.lower().startswith("en")


def choose_language(session: Session, clock: Clock, user_id: int, first_name: str, username: str | None,
                    locale: str) -> None:
    person = seen(session, clock, user_id, first_name, username)
    person.language = locale
    session.flush()
