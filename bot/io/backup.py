"""``pantau-ham backup FILE`` and ``pantau-ham restore FILE [--force]``.

A backup holds everything in the database: names and Telegram ids of people, their roles, audit trail and
**live invitation tokens** (whoever has one can bind themselves). So every file this module writes (a
backup, and a database restored into a new file) is created readable and writable by its owner only
(mode 0600) from the first byte: the file is opened with ``os.open(..., 0o600)`` before anything is
written into it, never created by a tool and ``chmod``-ed afterwards.

SQLite: the backup uses SQLite's online backup API, so it is consistent while the bot keeps writing (WAL
mode); it is written to ``FILE.partial`` and renamed into place. PostgreSQL: ``pg_dump --format=custom``
writes to a file this module opened (its standard output), ``pg_restore --clean`` restores; without the
tools the command is printed for the operator.

A restore refuses, changing nothing: a file that is no sound Pantau HAM backup; a backup whose schema
revision this version does not know (a newer version's: the bot could not start on it); a database that
holds data, without ``--force``; and a database a running bot is using (a heartbeat fresher than
``bot.core.liveness.STALE`` in its ``worker`` table): stop the bot first.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from bot.core.errors import UserError
from bot.core.i18n import N_

PRIVATE = 0o600


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


def _private_new(path: Path) -> int:
    """A new, empty file only its owner may read and write (whatever the umask); its descriptor."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE)


def _make_private(path: Path) -> None:
    """Create ``path`` 0600 if it is missing; tighten an existing file of ours that others may read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE))
    if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
        path.chmod(PRIVATE)


def known_revisions() -> set[str]:
    """Every schema revision this version's migrations know (``bot/migrations/versions``)."""
    from bot.core.db import MIGRATIONS

    found = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        match = re.search(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", path.read_text(encoding="utf-8"), re.M)
        if match:
            found.add(match.group(1))
    return found


def _check_revision(revisions: list[str]) -> None:
    unknown = [r for r in revisions if r not in known_revisions()]
    if unknown:
        raise UserError(N_("Cadangan ini dari versi Pantau HAM yang lebih baru: revisi skema {revision} tidak dikenal "
                           "versi ini, dan bot tidak dapat berjalan di atasnya. Tidak ada yang diubah; pasang versi "
                           "yang sama atau lebih baru, lalu pulihkan."), revision=", ".join(unknown))


def backup_kind(path: Path) -> str | None:
    """``SQLite`` or ``PostgreSQL`` (a ``pg_dump --format=custom`` file), read from the file's first bytes; None
    for anything else."""
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(b"SQLite format 3\x00"):
        return "SQLite"
    if head.startswith(b"PGDMP"):
        return "PostgreSQL"
    return None


def _check_sqlite_file(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            revisions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        ok, revisions = False, []
    if not (ok and revisions):
        raise UserError(N_("{path} bukan cadangan Pantau HAM yang utuh; tidak ada yang diubah."), path=str(path))
    _check_revision(revisions)


def _has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(path)
    try:
        return bool(conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0])
    finally:
        conn.close()


def _check_no_bot_running(database_url: str) -> None:
    """Refuse when a copy of the bot is running on this database (a fresh heartbeat that did not say it
    stopped): it would keep writing into, or over, what is being restored."""
    from sqlalchemy import create_engine, inspect, select
    from sqlmodel import col

    from bot.core.db import normalise_url
    from bot.core.liveness import STALE
    from bot.core.models import Worker

    path = _sqlite_path(database_url)
    if path is not None and not _has_data(path):
        return
    url = f"sqlite:///{path}" if path is not None else normalise_url(database_url)
    engine = create_engine(url)
    try:
        if "worker" not in inspect(engine).get_table_names():
            return
        with engine.connect() as conn:
            beats = conn.execute(select(col(Worker.beat_at)).where(col(Worker.stopped_at).is_(None))).scalars().all()
    finally:
        engine.dispose()
    now = datetime.now(UTC)
    fresh = [b for b in beats if now - b < STALE]
    if fresh:
        seconds = max(0, int((now - max(fresh)).total_seconds()))
        raise UserError(N_("Bot sedang berjalan pada basis data ini (detak terakhir {seconds} detik lalu); tidak ada "
                           "yang diubah. Hentikan bot, tunggu {stale} detik, lalu ulangi."),
                        seconds=str(seconds), stale=str(int(STALE.total_seconds())))


def backup(database_url: str, target: Path, force: bool = False) -> Outcome:
    """Write a backup of the database to ``target`` (mode 0600, written to ``target.partial`` first)."""
    if target.is_dir():  # checked before anything is written: nothing is left behind
        raise UserError(N_("{path} adalah folder; sebutkan nama berkas cadangannya, mis. {path}/pantau-ham.db."),
                        path=str(target))
    if target.exists() and not force:
        raise UserError(N_("{path} sudah ada; pakai --force untuk menimpanya."), path=str(target))
    source = _sqlite_path(database_url)
    partial = target.with_name(target.name + ".partial")
    if source is None:
        command = ["pg_dump", "--format=custom", "--no-owner", f"--dbname={_pg_uri(database_url)}"]
        if shutil.which(command[0]) is None:  # the operator runs it: with a private umask, into the file
            return Outcome(False, _shown([*command, f"--file={target}"], database_url))
        fd = _private_new(partial)
        try:
            with os.fdopen(fd, "wb") as out:
                _run(command, database_url, stdout=out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)
        return Outcome(True, _shown(command, database_url))
    if not source.exists():
        raise UserError(N_("Basis data {path} tidak ada."), path=str(source))
    os.close(_private_new(partial))  # SQLite writes into this empty 0600 file (and its journal gets its mode)
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
    kind, wanted = backup_kind(source), ("SQLite" if target is not None else "PostgreSQL")
    if kind is not None and kind != wanted:  # a sound backup of the other kind: say so, not "not whole"
        raise UserError(N_("{path} adalah cadangan {kind}, sedangkan DATABASE_URL menunjuk ke basis data {wanted}; "
                           "tidak ada yang diubah."), path=str(source), kind=kind, wanted=wanted)
    if target is None:
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_pg_uri(database_url)}",
                   str(source)]
        if not force:
            raise UserError(N_("Pemulihan menimpa isi basis data; ulangi dengan --force."))
        if shutil.which(command[0]) is None:  # the operator runs it (the bot's heartbeat is not checked then)
            return Outcome(False, _shown(command, database_url))
        _check_revision(_pg_dump_revisions(source))
        _check_no_bot_running(database_url)
        return _run(command, database_url)
    _check_sqlite_file(source)
    _check_no_bot_running(database_url)
    if _has_data(target) and not force:
        raise UserError(N_("Basis data {path} sudah berisi data; pemulihan menimpanya. Hentikan bot, lalu ulangi "
                           "dengan --force."), path=str(target))
    _make_private(target)  # a restore into a new file creates it 0600, like the bot's own database
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return Outcome(True)


def _pg_dump_revisions(source: Path) -> list[str]:
    """The schema revision(s) stored in a ``pg_dump --format=custom`` file (its alembic_version rows)."""
    result = subprocess.run(["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(source)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise UserError(N_("{path} bukan cadangan Pantau HAM yang utuh; tidak ada yang diubah."), path=str(source))
    lines = result.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("COPY ") and "alembic_version" in line), None)
    if start is None:
        raise UserError(N_("{path} bukan cadangan Pantau HAM yang utuh; tidak ada yang diubah."), path=str(source))
    revisions = []
    for line in lines[start + 1:]:
        if line == "\\.":
            break
        revisions.append(line.strip())
    if not revisions:
        raise UserError(N_("{path} bukan cadangan Pantau HAM yang utuh; tidak ada yang diubah."), path=str(source))
    return revisions


def _run(command: list[str], database_url: str, stdout: IO[bytes] | None = None) -> Outcome:
    if shutil.which(command[0]) is None:
        return Outcome(False, _shown(command, database_url))
    result = subprocess.run(command, stdout=stdout if stdout is not None else subprocess.PIPE,
                            stderr=subprocess.PIPE, text=stdout is None, check=False)
    if result.returncode != 0:
        error = result.stderr if isinstance(result.stderr, str) else result.stderr.decode(errors="replace")
        raise UserError(N_("{tool} gagal: {error}"), tool=command[0], error=error.strip()[:500])
    return Outcome(True, _shown(command, database_url))
