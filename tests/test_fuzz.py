"""Fuzzing (hypothesis): what people type and the files they import never crash the bot.

Parsers either return a value or raise the one error type that becomes a clear message (``UserError``,
``CatalogImportError``); the region resolver always answers; and the whole bot, fed random commands,
answers with messages the strict stand-in of the Bot API accepts, never with the generic apology.
"""

from __future__ import annotations

import asyncio
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.errors import UserError
from bot.core.offsets import parse_offsets
from bot.domain.catalog import CatalogImportError, parse
from bot.domain.regions import resolve
from bot.io.catalog_import import read_rows
from schedules.calendar import parse_line, parse_when
from tests.conftest import ADMIN, PIC, STAF, VIEWER, BotHarness, grant

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# what people type: words the parsers know, digits and dates, punctuation, HTML, emoji, other scripts
WORDS = st.sampled_from(["rakor", "aksiham", "kkpham", "verifikasi", "hariham", "lain", "Tapin", "Kalsel", "Banjar",
                         "Kota", "nasional", "provinsi", "|", "ingatkan", "lokasi", "catatan", "3d", "1d", "2h",
                         "15m", "2025-06-19", "2025-08-28..2025-09-05", "09:00", "24:61", "0000-00-00", "B04", "B08",
                         "lengkap", "proses", "<b>", "&amp;", "</i>", "..", "—", "🙂", "ñ", "\u200b", "١٢", "-1"])
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=12).map(" ".join)


@FAST
@given(TEXT)
def test_event_lines_parse_or_say_why(text):
    try:
        draft = parse_line(text)
    except UserError:
        return
    assert draft.title.strip()


@FAST
@given(st.one_of(TEXT, st.text(alphabet=string.digits + "-.: ", max_size=30)))
def test_dates_parse_or_say_why(text):
    try:
        start, _at, end = parse_when(text)
    except UserError:
        return
    assert end is None or end >= start


@FAST
@given(st.one_of(TEXT, st.text(alphabet=string.digits + "dhm, ", max_size=30)), st.booleans())
def test_reminder_offsets_parse_or_say_why(text, timed):
    try:
        offsets = parse_offsets(text, timed)
    except UserError:
        return
    assert offsets and len(set(offsets)) == len(offsets)


@FAST
@given(st.one_of(TEXT, st.text(max_size=40)))
def test_the_region_resolver_always_answers(text):
    resolution = resolve(text)
    assert resolution is not None


@FAST
@given(st.binary(max_size=600), st.sampled_from([".csv", ".xlsx"]))
def test_import_readers_take_any_file(tmp_path_factory, content, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"katalog{suffix}"
    path.write_bytes(content)
    try:
        parse(read_rows(path))
    except CatalogImportError as exc:
        assert exc.errors


@FAST
@given(st.lists(st.lists(st.one_of(WORDS, st.text(max_size=10), st.sampled_from(
    ["kode", "kriteria", "jenis", "indikator", "bobot", "struktur", "hasil", "1,5", "0", "11", "-2"])),
    max_size=6), max_size=8))
def test_catalog_rows_parse_or_list_their_errors(rows):
    try:
        parse(rows)
    except CatalogImportError as exc:
        assert exc.errors


COMMANDS = ["/status", "/belum", "/checklist", "/tandai", "/jadwal", "/kalender", "/jadwal_tambah", "/jadwal_ubah",
            "/jadwal_batal", "/langganan", "/aksi", "/undang", "/anggota", "/cabut", "/riwayat", "/berhenti",
            "/start", "/bantuan", "/umumkan"]


def test_random_commands_get_valid_answers(catalog):
    grant(catalog, VIEWER, "pemantau", "63.05")
    grant(catalog, STAF, "staf", "63")
    grant(catalog, PIC, "pic", "63.05")
    loop = asyncio.new_event_loop()
    harness = BotHarness(catalog)
    loop.run_until_complete(harness.app.initialize())
    try:
        @SLOW
        @given(st.sampled_from(COMMANDS), TEXT, st.sampled_from([ADMIN, STAF, PIC, VIEWER, 999]))
        def one(command, args, user):
            harness.time.t += 120  # people type slower than hypothesis: keep clear of the flood limits
            calls = loop.run_until_complete(harness.say(f"{command} {args}", user))
            texts = [c.params.get("text", "") for c in calls if c.method in ("sendMessage", "editMessageText")]
            assert not [t for t in texts if "terjadi kesalahan" in t], (command, args, texts)
            assert not harness.api.refusals, [(c.method, c.result) for c in harness.api.refusals]

        one()
        answered = [c for c in harness.api.calls if c.method in ("sendMessage", "editMessageText", "sendDocument")]
        assert len(answered) >= 20, "the commands were really run"
    finally:
        loop.run_until_complete(harness.app.shutdown())
        loop.close()
