"""Engine, sessions and schema upgrades.

SQLite gets WAL, foreign keys and a busy timeout on every connection; ``postgresql://``
URLs are routed to psycopg 3. The schema is owned by Alembic (``bot/migrations``) and is
upgraded to the newest revision whenever the bot or the CLI starts.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_CACHE_KIB = 512


class DatabaseUnavailable(Exception):
    """The database cannot be used at all: ``kind`` is ``driver`` (psycopg is not installed), ``unreachable``
    (no connection), ``file`` (the SQLite file cannot be created or opened) or ``url`` (DATABASE_URL is no
    database URL: ``where`` is the kind of database it names, empty when it is no URL at all); ``where`` names
    it without a password, ``reason`` is the first line of what the driver said."""

    def __init__(self, kind: str, where: str, reason: str = "") -> None:
        super().__init__(f"{kind}: {where}: {reason}")
        self.kind, self.where, self.reason = kind, where, reason


def describe(url: str) -> str:
    """``postgresql://user@host:5432/db`` or the SQLite path: where the database is, never its password."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    bare = URL.create(parsed.get_backend_name(), parsed.username, None, parsed.host, parsed.port, parsed.database)
    return bare.render_as_string()


def _first_line(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    text_ = str(inner).strip().splitlines()
    return text_[0][:200] if text_ else type(inner).__name__


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:  # not a URL at all: said without echoing it (it may hold a password)
        raise DatabaseUnavailable("url", "", "") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                _private_file(Path(parsed.database))
            except OSError as exc:
                raise DatabaseUnavailable("file", parsed.database, exc.strerror or str(exc)) from None
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            # a page cache of 512 KiB per connection, not SQLite's 2 MiB: the big scans (a national
            # /status, the tick's checklist fingerprint) never fit anyway and read from the OS's cache
            cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cur.close()

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:  # DATABASE_URL says PostgreSQL, the [postgres] extra is not installed
        raise DatabaseUnavailable("driver", describe(url), str(exc)) from None
    except NoSuchModuleError:  # a kind of database SQLAlchemy does not know ("foo://…", "mysql" without driver)
        raise DatabaseUnavailable("url", parsed.get_backend_name(), "") from None


def check_connection(engine: Engine) -> None:
    """Connect once, so that an unreachable database is one clear :class:`DatabaseUnavailable`, not a traceback
    from deep inside the first query."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        kind = "file" if engine.dialect.name == "sqlite" else "unreachable"
        raise DatabaseUnavailable(kind, describe(engine.url.render_as_string(hide_password=False)),
                                  _first_line(exc)) from None


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only; SQLite gives the -wal and -shm files the
    database file's mode, so they are private too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = path.with_name(path.name + suffix)
        try:
            if part.exists() and part.stat().st_uid == os.getuid() and part.stat().st_mode & 0o077:
                part.chmod(0o600)
        except OSError:
            pass


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # configparser treats "%" as interpolation: escape it (URL-encoded passwords, options=...)
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    return cfg


def _heads() -> set[str]:
    """The newest revisions of ``bot/migrations/versions``, read from the files (no Alembic needed)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = re.search(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", source, re.M)
        if found:
            revisions.add(found.group(1))
        down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", source, re.M)
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - parents


def revisions(engine: Engine) -> set[str]:
    """The revisions the database is at; empty for a database Alembic never touched (a new one)."""
    if "alembic_version" not in inspect(engine).get_table_names():
        return set()
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}


def is_current(engine: Engine) -> bool:
    """True when the database is already at the newest revision."""
    heads = _heads()
    return bool(heads) and revisions(engine) == heads


@dataclass(frozen=True)
class Upgrade:
    """What :func:`upgrade` did: ``before`` empty means the schema was created, ``before == after`` that it was
    already current."""

    before: frozenset[str]
    after: frozenset[str]

    @property
    def created(self) -> bool:
        return not self.before

    @property
    def changed(self) -> bool:
        return self.before != self.after


MIGRATION_LOCK = 7215_2024  # PostgreSQL advisory lock: copies starting together migrate one after the other


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Copies starting together on one database migrate and load the reference data one after the other.

    PostgreSQL: an advisory lock. SQLite: ``flock`` on the database's folder (SQLite runs Alembic's DDL
    outside a transaction, so two at once fail with "table ... already exists"); no extra file, and nothing
    SQLite's own (fcntl) locks on the database could notice. Not re-entrant: hold it once."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as lock:
            lock.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
            try:
                yield
            finally:
                lock.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
                lock.commit()
        return
    database = engine.url.database
    if sys.platform == "win32" or not database or database == ":memory:":  # no flock off POSIX
        yield
        return
    import fcntl

    fd = os.open(Path(database).resolve().parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock


def upgrade(engine: Engine, lock: bool = True) -> Upgrade:
    """Bring the schema to the newest Alembic revision (idempotent) and say what was done. Alembic itself
    (about 11 MiB) is only imported when there is something to do, so a bot restarting on a current database
    stays small. ``lock``: take :func:`startup_lock` (False when the caller holds it already)."""
    heads = frozenset(_heads())
    before = frozenset(revisions(engine))
    if heads and before == heads:
        return Upgrade(before, before)
    if lock:
        with startup_lock(engine):
            return upgrade(engine, lock=False)
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    return Upgrade(before, frozenset(revisions(engine)))


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
