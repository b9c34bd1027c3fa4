"""``pantau-ham import progress|aksi FILE``, ``export WILAYAH FILE.xlsx``, ``backup FILE``, ``restore FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.i18n import Translator
from bot.reference import Place, ProvinceRef

if TYPE_CHECKING:
    from bot.core.settings import Settings
    from bot.domain.catalog import RowError
    from bot.domain.runtime import Runtime
    from bot.io.imports import Kind

# The services are imported where they are used: `pantau-ham --help` builds these parsers and should
# not pay for the database layer and the spreadsheet readers.


def add_parsers(sub: argparse._SubParsersAction, t: Translator) -> None:
    export = sub.add_parser(
        "export", help=t.gettext("tulis laporan sebuah kab/kota atau provinsi ke berkas Excel (.xlsx)"))
    export.add_argument("wilayah", metavar=t.gettext("WILAYAH"),
                        help=t.gettext("kab/kota atau provinsi, mis. Tapin atau Kalsel"))
    export.add_argument("file", type=Path, metavar=t.gettext("BERKAS"),
                        help=t.gettext("berkas Excel (.xlsx) yang ditulis"))
    for name, text, file_help in (
            ("backup", t.gettext("cadangkan basis data (aman selagi bot berjalan)"),
             t.gettext("berkas cadangan yang ditulis")),
            ("restore", t.gettext("pulihkan basis data dari cadangan (hentikan bot dahulu)"),
             t.gettext("berkas cadangan yang dipulihkan"))):
        p = sub.add_parser(name, help=text)
        p.add_argument("file", type=Path, metavar=t.gettext("BERKAS"), help=file_help)
        p.add_argument("--force", action="store_true", help=t.gettext("timpa yang sudah ada"))


def error_lines(t: Translator, errors: list[RowError]) -> list[str]:
    """The first ``SHOWN_ERRORS`` errors, then how many more, as plain text."""
    from bot.io.progress_import import SHOWN_ERRORS

    lines = []
    for err in errors[:SHOWN_ERRORS]:
        message = t.plain(err.message, **err.values)
        prefix = t.plain("baris {row}: ", row=str(err.row)) if err.row else ""
        lines.append(f"{prefix}{message}")
    if len(errors) > SHOWN_ERRORS:
        lines.append(t.plain("… dan {n} kesalahan lain.", n=len(errors) - SHOWN_ERRORS))
    return lines


def import_file(runtime: Runtime, t: Translator, what: Kind | None, path: Path, dry_run: bool) -> int:
    from bot.io import imports
    from bot.io.progress_import import ImportRejected
    from bot.io.spreadsheets import SpreadsheetError

    if not path.is_file():
        print(t.gettext("Berkas tidak ditemukan: {path}").format(path=path), file=sys.stderr)
        return 1
    try:  # the same preview/apply as a file sent to the bot (bot.imports), with every right
        outcome = imports.run(runtime, path.read_bytes(), path.name, kind=what, apply=not dry_run)
    except SpreadsheetError as exc:
        print(t.gettext("Impor dibatalkan; tidak ada yang diubah."), file=sys.stderr)
        print("  " + t.plain(exc.message, **exc.values), file=sys.stderr)
        return 1
    except ImportRejected as exc:
        print(t.gettext("Impor dibatalkan; tidak ada yang diubah. Perbaiki baris berikut:"), file=sys.stderr)
        for line in error_lines(t, exc.errors):
            print(f"  {line}", file=sys.stderr)
        return 1
    if dry_run:  # counts with the thousands separator (t.plain): "1.560 baris"
        print(t.plain("Uji coba: {rows} baris sah, {changed} akan berubah; tidak ada yang disimpan.",
                      rows=outcome.rows, changed=outcome.changed))
    else:
        print(t.plain("Impor selesai: {rows} baris, {changed} berubah, {unchanged} tetap.",
                      rows=outcome.rows, changed=outcome.changed, unchanged=outcome.unchanged))
    return 0


def export_file(runtime: Runtime, t: Translator, query: str, path: Path) -> int:
    from bot.domain.regions import resolve
    from bot.io.export import report

    resolution = resolve(query)
    target = resolution.target
    if target is None:
        print(t.gettext("Wilayah “{name}” tidak dikenal atau bisa berarti beberapa wilayah; tulis nama lengkapnya "
                        "(mis. “Kabupaten Tapin”, “Provinsi Kalimantan Selatan”) atau kodenya (63.05, 63).")
              .format(name=query), file=sys.stderr)
        named = resolution.candidates or resolution.suggestions  # which ones, with the code to type
        if named:
            print(t.plain("Mungkin maksud Anda: {names}.", names="; ".join(
                f"{place_name(p)} ({p.code})" for p in named[:5])), file=sys.stderr)
        return 1
    with runtime.session() as session:
        book = report(session, runtime.clock, runtime.cycle(session), target, runtime.thresholds, t,
                      runtime.settings.aksi_actions)
    if not write_output(t, path, book.content):
        return 1
    print(t.gettext("Laporan ditulis: {path}").format(path=path))
    return 0


def backup_or_restore(settings: Settings, t: Translator, command: str, path: Path, force: bool) -> int:
    from bot.core.errors import UserError
    from bot.io import backup

    try:
        if command == "backup":
            outcome = backup.backup(settings.database_url, path, force)
        else:
            outcome = backup.restore(settings.database_url, path, force)
    except UserError as exc:
        print(t.plain(exc.message, **exc.values), file=sys.stderr)
        return 1
    if not outcome.done:
        print(t.gettext("Alat PostgreSQL tidak terpasang; jalankan perintah ini:"))
        print(" ".join(outcome.command or []))
        if command == "backup":
            print(t.gettext("Cadangan berisi nama, peran dan token undangan yang masih berlaku: jalankan dengan "
                            "umask 077 agar hanya Anda yang dapat membacanya."))
        return 0
    if command == "backup":
        print(t.gettext("Cadangan ditulis: {path}").format(path=path))
    else:
        print(t.gettext("Basis data dipulihkan dari {path}.").format(path=path))
    return 0


def write_output(t: Translator, path: Path, content: bytes) -> bool:
    """Write a report or calendar the operator asked for: its folder is made if missing (as for a backup); a
    path that cannot be written is one line, not a traceback."""
    try:
        if path.is_dir():
            raise IsADirectoryError(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        reason = t.gettext("itu folder") if isinstance(exc, IsADirectoryError) else (exc.strerror or str(exc))
        print(t.plain("Berkas {path} tidak dapat ditulis ({reason}); sebutkan nama berkas di folder yang dapat "
                      "ditulis.", path=str(path), reason=reason), file=sys.stderr)
        return False
    return True


def place_name(place: Place) -> str:
    """``Provinsi Kalimantan Selatan``, ``Kabupaten Musi Rawas``: as written in full."""
    return f"Provinsi {place.name}" if isinstance(place, ProvinceRef) else place.official_name
