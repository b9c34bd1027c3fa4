"""Translations (gettext catalogs in ``locales/``) and CLDR formatting through Babel.

Message ids are written in Bahasa Indonesia, the bot's first language. The catalogs are compiled when the
package is built (``setup.py``: a wheel ships ``locales/<lang>/LC_MESSAGES/messages.mo``; ``pip install -e .``
writes them beside the ``.po`` files of a checkout), and the bot only reads them, with the standard library's
gettext. A missing ``.mo`` stops the start with one line saying how to compile it (:class:`CatalogMissing`).
"""

from __future__ import annotations

import gettext
import html
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import NumberPattern, format_decimal, parse_pattern

from bot.core import zones

LOCALES_DIR = Path(__file__).resolve().parent.parent.parent / "locales"  # site-packages/locales once installed
SUPPORTED = ("id", "en")
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


class CatalogMissing(RuntimeError):
    """A compiled catalog is not where the bot reads it: a checkout that was never installed, or a copied tree."""

    def __init__(self, mo: Path) -> None:
        super().__init__(f"{mo} is missing: the translations are compiled when the package is installed "
                         f"(pip install . or pip install -e .); in a checkout, run: pybabel compile -d locales")


def compiled_catalog(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def _translations(locale: str) -> gettext.GNUTranslations:
    mo = compiled_catalog(locale)
    try:
        with open(mo, "rb") as fh:
            return gettext.GNUTranslations(fh)
    except FileNotFoundError:
        raise CatalogMissing(mo) from None


class Translator:
    """Everything a renderer needs to speak one language."""

    def __init__(self, locale: str = "id") -> None:
        if locale not in SUPPORTED:
            raise ValueError(f"unsupported locale {locale!r}")
        self.locale = locale
        self._babel_locale = Locale.parse(locale)
        self._t = _translations(locale)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """A message whose translation depends on where it is used (``H-{n}`` as a reminder offset)."""
        return self._t.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._t.npgettext(context, singular, plural, n)

    _ = gettext

    def fmt(self, message: str, **values: object) -> str:
        """Translate ``message`` and fill its ``{placeholders}`` with HTML-escaped values."""
        return self.gettext(message).format(**{k: self.escape(v) for k, v in values.items()})

    def plain(self, message: str, **values: object) -> str:
        """Translate and fill without HTML escaping: for plain-text places (alerts, the terminal)."""
        return self.gettext(message).format(**{k: self._value(v) for k, v in values.items()})

    def _value(self, value: object) -> object:
        """A ``Term`` translated; a ``date`` spelled as typed in this language (``3 Desember 2026``); a count
        with the thousands separator of this language (``5.704``). Numbers that name something (a year, an
        id, a row) are passed as ``str`` and stay as they are."""
        if isinstance(value, Term):
            return self.gettext(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return self.number(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            return format_date(value, "d MMMM y", locale=self._babel_locale)
        return value

    def nfmt(self, singular: str, plural: str, n: int, **values: object) -> str:
        values.setdefault("n", n)
        return self.ngettext(singular, plural, n).format(**{k: self.escape(v) for k, v in values.items()})

    def escape(self, value: object) -> str:
        if isinstance(value, Markup):
            return str(value)
        if isinstance(value, float):
            return self.number(value)
        return html.escape(str(self._value(value)), quote=False)

    # -- CLDR formatting ---------------------------------------------------------
    def number(self, value: float, digits: int = 1) -> str:
        if isinstance(value, int):
            return _count(self.locale, value)
        formatted: str = _pattern(f"#,##0.{'#' * digits}").apply(round(value, digits), self._babel_locale)
        return formatted

    def percent(self, fraction: float, digits: int = 1) -> str:
        """``0.875`` -> ``87,5%`` (id) / ``87.5%`` (en)."""
        formatted: str = _pattern(f"#,##0.{'#' * digits}%").apply(fraction, self._babel_locale)
        return formatted

    def date(self, value: date) -> str:
        """``Kamis, 25 Januari 2024``."""
        return format_date(value, "EEEE, d MMMM y", locale=self._babel_locale)

    def datetime(self, value: datetime, tz: str) -> str:
        """``Kamis, 25 Januari 2024 pukul 10.15 WITA``, in the zone ``tz``."""
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        local = value.astimezone(zones.zone(tz))
        clock = format_time(local, "HH.mm" if self.locale == "id" else "HH:mm", locale=self._babel_locale)
        return self.gettext("{date} pukul {time} {zone}").format(
            date=self.date(local.date()), time=clock, zone=zones.label(tz)
        )


# Babel's format_decimal and format_percent parse their pattern on every call and then apply it; the same
# few patterns and counts fill every /status, so a pattern is parsed once and a count formatted once.
@cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


@lru_cache(maxsize=4096, typed=True)
def _count(locale: str, value: int) -> str:
    """A count as Babel writes it in ``locale``: ``5.704`` (id), ``5,704`` (en)."""
    return format_decimal(value, locale=locale)


class Markup(str):
    """A string that is already safe HTML (built by the renderers themselves)."""


class Term(str):
    """A message id passed as a value (a state's label in an error): translated when it is filled in."""


@cache
def translator(locale: str = "id") -> Translator:
    return Translator(locale)


# The language of the person an update comes from, set once per update (handlers/language.py) and read
# by ``Runtime.t``; unset outside an update (reminders, digests): the configured language.
_current: ContextVar[str | None] = ContextVar("pantau_locale", default=None)


def use_locale(locale: str | None) -> None:
    _current.set(locale if locale in SUPPORTED else None)


def current_locale() -> str | None:
    return _current.get()


def locale_for(chosen: str | None, default: str) -> str:
    """What a person reads: their /bahasa choice, else ``default`` (``PANTAU_LOCALE``, Indonesian).

    The language of their Telegram app does not count: many Indonesian civil servants keep Telegram in
    English and work in Indonesian. They are told once that ``/bahasa en`` exists (``bot.domain.language``)."""
    return chosen if chosen in SUPPORTED else default
