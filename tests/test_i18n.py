"""Every message has both translations; dates and numbers follow CLDR."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, Translator

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "fmt": None, "nfmt": (1, 2), "error": (2,),
            "plain": None, "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}


def messages_in_code() -> set[tuple[str | None, str]]:
    """(context, message id) of every message the code shows."""
    found = set()
    for folder in ("bot", "handlers", "schedules"):
        if not (ROOT / folder).is_dir():
            continue
        for _file, _line, message, _comments, ctx in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add((ctx, message[0] if isinstance(message, tuple) else message))
    return found


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_message_in_the_code_is_translated(locale):
    with open(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=locale)
    translated = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if all(strings):
            translated[(m.context, key)] = strings
    code = messages_in_code()
    assert len(code) > 50
    missing = sorted(code - set(translated))
    assert not missing, f"untranslated in {locale}: {missing}"


@pytest.mark.parametrize("locale", ["id", "en"])
def test_translations_keep_placeholders(locale):
    import re

    with open(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=locale)
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(re.findall(r"\{\w+\}", ids[0]))
        for s in strings:
            assert set(re.findall(r"\{\w+\}", s)) == wanted, m.id


def test_indonesian_dates_and_numbers():
    t = Translator("id")
    assert t.date(date(2024, 1, 25)) == "Kamis, 25 Januari 2024"
    assert t.percent(0.875) == "87,5%"
    assert t.number(72.5) == "72,5"
    when = datetime(2024, 6, 19, 1, 0, tzinfo=UTC)
    assert t.datetime(when, "Asia/Makassar") == "Rabu, 19 Juni 2024 pukul 09.00 WITA"
    assert t.datetime(when, "Asia/Jakarta") == "Rabu, 19 Juni 2024 pukul 08.00 WIB"
    assert t.datetime(when, "Asia/Jayapura") == "Rabu, 19 Juni 2024 pukul 10.00 WIT"


def test_english_is_the_second_language():
    t = Translator("en")
    assert t.date(date(2024, 1, 25)) == "Thursday, 25 January 2024"
    assert t.percent(0.875) == "87.5%"
    assert t.gettext("Lihat yang belum") == "See what is missing"
    assert t.nfmt("{n} indikator belum lengkap", "{n} indikator belum lengkap", 1) == "1 indicator not yet complete"


def test_values_are_escaped():
    t = Translator("id")
    assert t.fmt("Catatan: {note}", note="<b>a & b</b>") == "Catatan: &lt;b&gt;a &amp; b&lt;/b&gt;"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        Translator("id").datetime(datetime(2024, 1, 1), "Asia/Jakarta")


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_message_is_html_telegram_accepts(locale):
    """A message with a literal <wilayah> is refused by Telegram ("unsupported start tag"): none may have one."""
    import re

    from babel.messages.pofile import read_po

    from bot.i18n import LOCALES_DIR
    from bot.telegram_text import EntityError, parse_html

    with open(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    refused = []
    for message in catalog:
        if not message.id:
            continue
        for text in [message.string] if isinstance(message.string, str) else message.string:
            try:
                parse_html(re.sub(r"\{[a-z_0-9]+(:[^}]*)?\}", "x", text))
            except EntityError as exc:
                refused.append(f"{text[:60]!r}: {exc}")
    assert not refused


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_light_catalog_reader_translates_as_babel_does(locale, tmp_path):
    """``bot/po.py`` (the running bot's reader) and Babel's read_po/write_mo give the same translations,
    for the shipped catalogs and for the cases they do not have yet: fuzzy, untranslated, continued lines."""
    import io

    from babel.messages.mofile import write_mo
    from babel.support import Translations

    from bot.po import compile_po

    def both(po: Path) -> tuple[Translations, Translations]:
        buf = io.BytesIO()
        with open(po, "rb") as fh:
            write_mo(buf, read_po(fh, locale=locale))
        buf.seek(0)
        return Translations(buf), Translations(io.BytesIO(compile_po(po)))

    shipped = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    extra = tmp_path / "extra.po"
    extra.write_text(shipped.read_text(encoding="utf-8") + '\n#, fuzzy\nmsgid "kabur"\nmsgstr "fuzzy"\n\n'
                     'msgid "kosong"\nmsgstr ""\n\nmsgid ""\n"dua "\n"baris \\"kutip\\"\\n"\nmsgstr "two lines"\n\n'
                     'msgctxt "c"\nmsgid "satu"\nmsgid_plural "banyak"\nmsgstr[0] ""\nmsgstr[1] "many"\n\n'
                     '#~ msgid "usang"\n#~ msgstr "obsolete"\n', encoding="utf-8")
    for po in (shipped, extra):
        babel, light = both(po)
        assert light._catalog == babel._catalog and len(light._catalog) > 500
        assert [light.plural(n) for n in (0, 1, 2, 5)] == [babel.plural(n) for n in (0, 1, 2, 5)]
    assert light.gettext('dua baris "kutip"\n') == "two lines" and light.gettext("kabur") == "kabur"
    assert light.npgettext("c", "satu", "banyak", 1) == "satu" and light.npgettext("c", "satu", "banyak", 2) == "many"
