"""Every message has both translations; dates and numbers follow CLDR."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.core.i18n import LOCALES_DIR, Translator

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
    assert t.gettext("Lihat yang belum lengkap") == "See what is missing"
    assert t.nfmt("{n} indikator belum lengkap", "{n} indikator belum lengkap", 1) == "1 indicator not yet complete"


def test_counts_carry_the_thousands_separator_of_the_language():
    """A count filled into a message reads 5.704 in Indonesian, 5,704 in English; a number that names
    something (a year, an id) is passed as text and stays as it is."""
    message = "Impor selesai: {rows} baris, {changed} berubah, {unchanged} tetap."
    assert Translator("id").plain(message, rows=61680, changed=5704, unchanged=0) == \
        "Impor selesai: 61.680 baris, 5.704 berubah, 0 tetap."
    assert Translator("en").plain(message, rows=61680, changed=5704, unchanged=0) == \
        "Import done: 61,680 rows, 5,704 changed, 0 unchanged."
    assert Translator("id").fmt("KKP HAM Tahun {data} (penganugerahan {award})", data="2025", award="2026") == \
        "KKP HAM Tahun 2025 (penganugerahan 2026)"
    assert Translator("id").nfmt("{n} hari lagi", "{n} hari lagi", 1500) == "1.500 hari lagi"


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

    from bot.core.i18n import LOCALES_DIR
    from bot.core.telegram_text import EntityError, parse_html

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
def test_the_compiled_catalog_the_bot_reads_says_what_its_po_says(locale):
    """The .mo files are compiled at install (setup.py; pip install -e . in a checkout), never by the bot."""
    import gettext
    import io

    from babel.messages.mofile import write_mo

    from bot.core.i18n import compiled_catalog

    with open(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    expected = gettext.GNUTranslations(buf)._catalog
    with open(compiled_catalog(locale), "rb") as fh:
        shipped = gettext.GNUTranslations(fh)._catalog
    assert shipped == expected, "an edited catalog: run pybabel compile -d locales (or pip install -e . again)"
    t = Translator(locale)
    assert t.gettext("Jadwal berikutnya:") == {"id": "Jadwal berikutnya:", "en": "Coming up:"}[locale]


def test_without_its_compiled_catalogs_the_bot_says_how_to_compile_them(tmp_path, monkeypatch, capsys):
    from bot.cli.main import main
    from bot.core import i18n

    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path / "locales")
    i18n._translations.cache_clear()
    try:
        with pytest.raises(i18n.CatalogMissing):
            Translator("en")
        assert main(["--help"]) == 2
    finally:
        i18n._translations.cache_clear()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "messages.mo is missing" in err and "pybabel compile -d locales" in err
    assert not (tmp_path / "locales").exists(), "nothing is written"
