"""``pantau-ham run | console | demo | db upgrade | import catalog|progress|aksi FILE | export | backup | restore |
calendar ...``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli import calendar as calendar_cli
from bot.cli import data as data_cli
from bot.cli.text import localize
from bot.core import logs
from bot.core.db import DatabaseUnavailable, Upgrade
from bot.core.i18n import CatalogMissing, Translator
from bot.core.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.domain.runtime import Runtime

log = logging.getLogger("pantau_ham")


def _parser(t: Translator) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pantau-ham",
                                     description=t.gettext("Pantau HAM: KKP HAM dan Aksi HAM di Telegram"))
    sub = parser.add_subparsers(dest="command", required=True, metavar=t.gettext("PERINTAH"),
                                help=t.gettext("salah satu perintah berikut; rinciannya: pantau-ham PERINTAH --help"))
    sub.add_parser("run", help=t.gettext(
        "jalankan bot Telegram (long polling, atau webhook bila PANTAU_WEBHOOK_URL diisi)"))
    console = sub.add_parser("console", help=t.gettext("coba bot di terminal, tanpa Telegram"))
    console.add_argument("--viewer", nargs="?", const="Tapin", metavar=t.gettext("WILAYAH"),
                         help=t.gettext(
                             "pakai sebagai pemantau (hanya baca) kab/kota ini (bawaan: Tapin), bukan admin"))
    sub.add_parser("health", help=t.gettext("periksa kesehatan bot yang berjalan (untuk HEALTHCHECK kontainer)"))
    sub.add_parser("demo", help=t.gettext("muat katalog contoh dan progres demo lima provinsi"))
    db = sub.add_parser("db", help=t.gettext("basis data"))
    db.add_argument("action", choices=["upgrade"], metavar=t.gettext("TINDAKAN"),
                    help=t.gettext("upgrade: perbarui skema basis data ke versi terbaru (juga dilakukan setiap "
                                   "bot dijalankan)"))
    imp = sub.add_parser("import", help=t.gettext("impor data"))
    imp.add_argument("what", choices=["catalog", "progress", "aksi"], metavar=t.gettext("JENIS"),
                     help=t.gettext("catalog (daftar indikator), progress (progres KKP HAM) atau aksi (Aksi HAM)"))
    imp.add_argument("file", type=Path, metavar=t.gettext("BERKAS"),
                     help=t.gettext("berkas Excel (.xlsx) atau CSV (.csv) yang diimpor"))
    imp.add_argument("--label", metavar=t.gettext("NAMA"), help=t.gettext("nama katalog (bawaan: nama berkas)"))
    imp.add_argument("--dry-run", action="store_true", help=t.gettext("periksa saja, tanpa menyimpan"))
    data_cli.add_parsers(sub, t)
    calendar_cli.add_parser(sub, t)
    return parser


def _settings_error(exc: SettingsError) -> int:
    """One clear line per invalid variable, in the configured language when that one is valid; exit code 2."""
    wanted = os.environ.get("PANTAU_LOCALE", "id").strip().lower()[:2]
    t = Translator(wanted if wanted in ("id", "en") else "id")
    for name, value, allowed in exc.problems:
        print(t.plain("Pengaturan {name} tidak valid: “{value}”. Yang diperbolehkan: {allowed}.",
                      name=name, value=value, allowed=t.gettext(allowed)), file=sys.stderr)
    return 2


def database_problem(t: Translator, exc: DatabaseUnavailable) -> str:
    """One line: which database, what is wrong, what to do."""
    if exc.kind == "driver":
        return t.plain("DATABASE_URL menunjuk ke PostgreSQL ({where}), tetapi driver psycopg belum terpasang. "
                       "Pasang dengan: pip install 'pantau-ham[postgres]' (image Docker sudah menyertakannya).",
                       where=exc.where)
    if exc.kind == "url":
        example = t.gettext("Contoh yang sah: sqlite:///data/pantau-ham.db atau postgresql://pengguna@host:5432/db.")
        if exc.where:
            return t.plain("DATABASE_URL menyebut jenis basis data “{kind}” yang tidak dikenal.", kind=exc.where) + \
                " " + example
        return t.gettext("DATABASE_URL bukan alamat basis data.") + " " + example
    if exc.kind == "file":
        return t.plain("Berkas basis data {where} tidak dapat dibuka ({reason}). Periksa DATABASE_URL serta izin "
                       "folder dan berkasnya.", where=exc.where, reason=exc.reason)
    return t.plain("Basis data {where} tidak dapat dihubungi ({reason}). Periksa DATABASE_URL dan pastikan server "
                   "basis data berjalan, lalu jalankan lagi.", where=exc.where, reason=exc.reason)


def schema_report(t: Translator, schema: Upgrade | None) -> str:
    """What ``db upgrade`` did: created, upgraded from X to Y, or nothing to do."""
    after = ", ".join(sorted(schema.after)) if schema else "?"
    if schema is not None and schema.created:
        return t.plain("Basis data baru disiapkan: skema dibuat pada revisi {after}.", after=after)
    if schema is not None and schema.changed:
        return t.plain("Skema basis data diperbarui dari revisi {before} ke {after}.",
                       before=", ".join(sorted(schema.before)), after=after)
    return t.plain("Skema basis data sudah terbaru (revisi {after}); tidak ada yang diubah.", after=after)


def main(argv: list[str] | None = None) -> int:
    try:
        settings = load_settings()
        t = Translator(settings.locale)
    except SettingsError as exc:
        return _settings_error(exc)
    except CatalogMissing as exc:  # an install without its compiled translations: one line, not a traceback
        print(exc, file=sys.stderr)
        return 2
    localize(t)
    args = _parser(t).parse_args(argv)
    logs.configure(settings.log_format, settings.log_secrets)
    try:
        return _command(settings, t, args)
    except DatabaseUnavailable as exc:
        log.debug("database unusable: %s", exc)
        print(database_problem(t, exc), file=sys.stderr)
        return 2


def _command(settings: Settings, t: Translator, args: argparse.Namespace) -> int:
    if args.command == "run":
        return _run(settings, t)
    if args.command == "health":
        from bot.cli.health import check

        return check(settings)
    if args.command in ("backup", "restore"):  # before Runtime.start: a restore must find the file untouched
        return data_cli.backup_or_restore(settings, t, args.command, args.file, args.force)
    from bot.domain.runtime import Runtime  # here, not at the top: --help stays fast

    runtime = Runtime.start(settings)
    if args.command == "db":
        print(schema_report(t, runtime.schema))
        return 0
    if args.command == "console":
        from bot.cli.console import CONSOLE_USER, run_console

        if args.viewer:
            from bot.domain.people import ensure_viewer

            with runtime.session() as session:
                region = ensure_viewer(session, runtime.clock, CONSOLE_USER, args.viewer)
            if region is None:
                print(t.plain("Wilayah tidak ditemukan: {name}", name=args.viewer), file=sys.stderr)
                return 1  # bad input, as in every other command (docs/operations.md, "Exit codes")
            print(t.plain("Konsol dijalankan sebagai pemantau (hanya baca) {name}.", name=region.official_name))
        else:  # whoever sits at the terminal already holds the database
            runtime.settings = settings.model_copy(update={"admin_ids": settings.admin_ids | {CONSOLE_USER}})
        asyncio.run(run_console(runtime))
        return 0
    if args.command == "demo":
        from bot.domain.demo import load_demo

        with runtime.session() as session:
            written = load_demo(session, runtime.clock, runtime.cycle(session))
        print(t.plain("Data demo dimuat: {n} status indikator di lima provinsi contoh.", n=written))
        return 0
    if args.command == "import" and args.what != "catalog":
        return data_cli.import_file(runtime, t, args.what, args.file, args.dry_run)
    if args.command == "import":
        return _import_catalog(runtime, t, args.file, args.label, args.dry_run)
    if args.command == "export":
        return data_cli.export_file(runtime, t, args.wilayah, args.file)
    if args.command == "calendar":
        return calendar_cli.run(runtime, t, args)
    return 2


def _import_catalog(runtime: Runtime, t: Translator, path: Path, label: str | None, dry_run: bool = False) -> int:
    """``dry_run``: checked and counted in a transaction that is rolled back: nothing changes."""
    from bot.domain.catalog import CatalogImportError
    from bot.io.catalog_import import import_catalog

    if not path.is_file():
        print(t.gettext("Berkas tidak ditemukan: {path}").format(path=path), file=sys.stderr)
        return 1
    try:
        with runtime.session() as session:
            result = import_catalog(session, runtime.clock, path, label)
            if dry_run:
                session.rollback()
    except CatalogImportError as exc:
        from bot.cli.data import error_lines

        print(t.gettext("Impor dibatalkan; katalog tidak berubah. Perbaiki baris berikut:"), file=sys.stderr)
        for line in error_lines(t, exc.errors):
            print(f"  {line}", file=sys.stderr)
        return 1
    counts = dict(total=t.number(result.total), added=t.number(result.added), updated=t.number(result.updated),
                  deactivated=t.number(result.deactivated))
    if dry_run:
        print(t.plain("Uji coba: katalog akan berisi {total} indikator ({added} baru, {updated} diubah, {deactivated} "
                      "dinonaktifkan); tidak ada yang disimpan.", **counts))
        return 0
    print(t.plain("Katalog diimpor: {total} indikator ({added} baru, {updated} diubah, {deactivated} dinonaktifkan).",
                  **counts))
    return 0


def _run(settings: Settings, t: Translator) -> int:
    if settings.telegram_bot_token is None:
        print(t.gettext("TELEGRAM_BOT_TOKEN belum diisi. Isi token dari @BotFather di lingkungan atau berkas .env, "
                        "atau coba bot tanpa Telegram: pantau-ham demo, lalu pantau-ham console"), file=sys.stderr)
        return 2
    from bot.domain.people import has_admin
    from bot.domain.runtime import Runtime
    from bot.ops.serve import serve

    runtime = Runtime.start(settings)
    with runtime.session() as session:
        if not settings.admin_ids and not has_admin(session):
            log.warning("no admin configured (PANTAU_ADMIN_IDS is empty)")
            print(t.gettext("Peringatan: PANTAU_ADMIN_IDS kosong dan belum ada admin, sehingga belum ada yang dapat "
                            "mengundang staf atau memakai bot. Isi dengan ID pengguna Telegram Anda (angka)."),
                  file=sys.stderr)
    return asyncio.run(serve(runtime, t))


if __name__ == "__main__":
    raise SystemExit(main())
