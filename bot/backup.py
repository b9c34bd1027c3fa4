"""``pantau-ham backup FILE`` and ``pantau-ham restore FILE [--force]``.

SQLite: the backup uses SQLite's online backup API, so it is consistent while the bot keeps
writing (WAL mode); it is written to a temporary file and renamed into place. A restore copies the
backup into the database file with the same API after checking that the backup is sound; stop the
bot first. PostgreSQL: ``pg_dump --format=custom`` / ``pg_restore --clean``, run when the tools are
installed, otherwise the command is printed for the operator to run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.errors import UserError
from bot.i18n import N_


@dataclass(frozen=True)
class Outcome:
    done: bool  # False: ``command`` is to be run by the operator
    command: list[str] | None = None


def _sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise UserError(N_("Basis data SQLite di memori tidak dapat dicadangkan."))
    return Path(url.database)


def _pg_uri(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _shown(command: list[str], database_url: str) -> list[str]:
    hidden = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=True)
    return [part.replace(_pg_uri(database_url), hidden) for part in command]


def _check_sqlite_file(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            has_schema = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        ok = has_schema = False
    if not (ok and has_schema):
        raise UserError(N_("{path} bukan cadangan Pantau HAM yang utuh; tidak ada yang diubah."), path=str(path))


def _has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(path)
    try:
        return bool(conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0])
    finally:
        conn.close()


def backup(database_url: str, target: Path, force: bool = False) -> Outcome:
    if target.exists() and not force:
        raise UserError(N_("{path} sudah ada; pakai --force untuk menimpanya."), path=str(target))
    source = _sqlite_path(database_url)
    if source is None:
        command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={_pg_uri(database_url)}"]
        return _run(command, database_url)
    if not source.exists():
        raise UserError(N_("Basis data {path} tidak ada."), path=str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # online: pages copied under a read transaction, restarted if a writer interferes
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)
    return Outcome(True)


def restore(database_url: str, source: Path, force: bool = False) -> Outcome:
    if not source.is_file():
        raise UserError(N_("Berkas cadangan tidak ditemukan: {path}"), path=str(source))
    target = _sqlite_path(database_url)
    if target is None:
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_pg_uri(database_url)}",
                   str(source)]
        if not force:
            raise UserError(N_("Pemulihan menimpa isi basis data; ulangi dengan --force."))
        return _run(command, database_url)
    _check_sqlite_file(source)
    if _has_data(target) and not force:
        raise UserError(N_("Basis data {path} sudah berisi data; pemulihan menimpanya. Hentikan bot, lalu ulangi "
                           "dengan --force."), path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return Outcome(True)


def _run(command: list[str], database_url: str) -> Outcome:
    if shutil.which(command[0]) is None:
        return Outcome(False, _shown(command, database_url))
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise UserError(N_("{tool} gagal: {error}"), tool=command[0], error=result.stderr.strip()[:500])
    return Outcome(True, _shown(command, database_url))
