"""``pantau-ham console``: the same handlers, plain text, numbered buttons."""

from __future__ import annotations

import io

from bot.cli.console import Console, plain, run_console
from tests.conftest import ADMIN


async def test_console_prints_plain_text_and_presses_numbered_buttons(catalog):
    out = io.StringIO()
    console = Console(catalog, out, user_id=ADMIN)
    await console.start()
    try:
        await console.handle("/status Mura")
        assert "“Mura” bisa berarti beberapa wilayah" in out.getvalue()
        assert "[2] Kab. Murung Raya (Kalimantan Tengah)" in out.getvalue()
        await console.handle("2")
        text = out.getvalue()
        assert "Kabupaten Murung Raya, Kalimantan Tengah" in text
        assert "<b>" not in text
        assert "[1] Lihat yang belum" in text
    finally:
        await console.stop()


async def test_run_console_reads_lines_until_eof(catalog):
    lines = iter(["/status Tapin, Kalsel", "/bantuan"])

    def read() -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    catalog.settings = catalog.settings.model_copy(update={"admin_ids": frozenset({1})})
    await run_console(catalog, read, out)
    text = out.getvalue()
    assert text.startswith("Konsol Pantau HAM.")
    assert "Kabupaten Tapin, Kalimantan Selatan" in text
    assert "/checklist [wilayah]: telusuri kriteria dan indikator" in text
    assert "/verifikasi [wilayah atau provinsi]" in text  # the console's user is an admin: the Kanwil's commands


def test_plain_unescapes():
    assert plain("<b>a &amp; b</b> &lt;x&gt;") == "a & b <x>"


async def test_console_shows_no_library_warnings(catalog, recwarn):
    lines = iter(["/jadwal_tambah", "1", "2"])

    def read() -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    catalog.settings = catalog.settings.model_copy(update={"admin_ids": frozenset({1})})
    await run_console(catalog, read, out)
    assert "Untuk siapa?" in out.getvalue()
    assert [str(w.message) for w in recwarn] == []
