"""``pantau-ham backup`` while the bot writes, ``pantau-ham restore``, and the data are equal."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.cli.main import main
from bot.core.db import normalise_url
from bot.core.models import Worker
from bot.domain.demo import load_demo
from bot.io import backup


def dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def cli_env(catalog, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", str(catalog.engine.url))
    monkeypatch.setenv("PANTAU_CYCLE", "2024/2025")
    return catalog


def test_backup_while_writes_happen_then_restore_gives_equal_data(cli_env, tmp_path, monkeypatch, capsys):
    rt = cli_env
    with rt.session() as session:
        load_demo(session, rt.clock, rt.cycle(session))
    source = Path(rt.engine.url.database)
    stop = threading.Event()
    written = [0]

    def writer():
        engine = create_engine(f"sqlite:///{source}", connect_args={"timeout": 30})
        while not stop.is_set():
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO audit_entry (at, action, subject) VALUES "
                                  "('2024-01-25 02:00:00', 'test.write', :s)"), {"s": f"w{written[0]}"})
            written[0] += 1
        engine.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        for i in range(3):
            copy = tmp_path / f"during-{i}.db"
            assert main(["backup", str(copy)]) == 0
            copies.append(copy)
    finally:
        stop.set()
        thread.join()
    assert written[0] > 0
    for copy in copies:  # each one consistent, whatever the writer was doing
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        subjects = [r[0] for r in conn.execute("SELECT subject FROM audit_entry WHERE action='test.write'")]
        conn.close()
        assert subjects == [f"w{i}" for i in range(len(subjects))]  # a prefix of the writes, no gaps
    final = tmp_path / "final.db"
    assert main(["backup", str(final)]) == 0
    assert "Cadangan ditulis" in capsys.readouterr().out
    expected = dump(source)
    # restore into a fresh database
    target = tmp_path / "restored" / "pantau.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    assert main(["restore", str(final)]) == 0
    assert dump(target) == expected
    assert len(expected["checklist_entry"]) > 3000


def test_restore_refuses_to_overwrite_without_force(cli_env, tmp_path, capsys):
    rt = cli_env
    source = Path(rt.engine.url.database)
    copy = tmp_path / "copy.db"
    assert main(["backup", str(copy)]) == 0
    assert main(["backup", str(copy)]) == 1  # nor does a backup overwrite one
    assert "sudah ada; pakai --force" in capsys.readouterr().err
    with rt.engine.begin() as conn:
        conn.execute(text("DELETE FROM checklist_entry"))
        conn.execute(text("INSERT INTO audit_entry (at, action, subject) VALUES ('2024-01-25 02:00:00', 'x', 'after')"))
    changed = dump(source)
    assert main(["restore", str(copy)]) == 1
    assert "sudah berisi data" in capsys.readouterr().err and dump(source) == changed
    rt.engine.dispose()
    assert main(["restore", str(copy), "--force"]) == 0
    assert dump(source) == dump(copy)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    assert main(["restore", str(broken), "--force"]) == 1
    assert "bukan cadangan Pantau HAM yang utuh" in capsys.readouterr().err
    assert dump(source) == dump(copy)


def test_postgresql_backup_prints_pg_dump_when_it_is_not_installed(monkeypatch, tmp_path):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    url = "postgresql+psycopg://pantau:rahasia@db.local:5432/pantau"
    out = backup.backup(url, tmp_path / "x.dump")
    assert not out.done
    assert out.command[:3] == ["pg_dump", "--format=custom", "--no-owner"]
    assert "--dbname=postgresql://pantau:***@db.local:5432/pantau" in out.command
    with pytest.raises(backup.UserError):
        backup.restore(url, tmp_path / "missing.dump", force=True)
    (tmp_path / "x.dump").write_bytes(b"PGDMP")
    with pytest.raises(backup.UserError):
        backup.restore(url, tmp_path / "x.dump")  # no --force
    assert backup.restore(url, tmp_path / "x.dump", force=True).command[0] == "pg_restore"


@pytest.fixture
def umask_022():
    old = os.umask(0o022)  # the usual umask: files would be 0644 unless created private
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_and_a_restored_new_file_are_private_from_the_first_byte(cli_env, tmp_path, monkeypatch, umask_022):
    seen: dict[str, int | None] = {}
    real_connect = sqlite3.connect

    def connect(target, *args, **kwargs):  # what the file is like when SQLite starts writing into it
        path = Path(str(target).removeprefix("file:").split("?")[0])
        seen[path.name] = mode(path) if path.exists() else None
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(backup.sqlite3, "connect", connect)
    copy = tmp_path / "cadangan.db"
    assert main(["backup", str(copy)]) == 0
    assert seen["cadangan.db.partial"] == 0o600 and mode(copy) == 0o600
    target = tmp_path / "baru" / "pantau.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    assert main(["restore", str(copy)]) == 0
    assert seen["pantau.db"] == 0o600 and mode(target) == 0o600
    assert dump(target) == dump(copy)


def set_revision(path: Path, revision: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.close()


def test_a_backup_of_a_newer_version_is_refused(cli_env, tmp_path, monkeypatch, capsys):
    copy = tmp_path / "dari-versi-baru.db"
    assert main(["backup", str(copy)]) == 0
    set_revision(copy, "i99_dari_masa_depan")
    target = tmp_path / "baru.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    assert main(["restore", str(copy), "--force"]) == 1
    err = capsys.readouterr().err
    assert "revisi skema i99_dari_masa_depan tidak dikenal versi ini" in err and "Tidak ada yang diubah" in err
    assert not target.exists()
    assert "i10_telegram_language" in backup.known_revisions()  # an older backup is fine: upgraded on start


def test_restoring_under_a_running_bot_is_refused(cli_env, tmp_path, capsys):
    rt = cli_env
    source = Path(rt.engine.url.database)
    copy = tmp_path / "copy.db"
    assert main(["backup", str(copy)]) == 0
    now = datetime.now(UTC)
    with rt.session() as session:
        session.add(Worker(id="host:1:a", host="host", pid=1, started_at=now, beat_at=now - timedelta(seconds=3)))
    before = dump(source)
    assert main(["restore", str(copy), "--force"]) == 1
    assert "Bot sedang berjalan pada basis data ini (detak terakhir 3 detik lalu)" in capsys.readouterr().err
    assert dump(source) == before
    with rt.session() as session:  # it stopped (said so), or its heartbeat is stale: the restore goes ahead
        session.get(Worker, "host:1:a").stopped_at = now
    rt.engine.dispose()
    assert main(["restore", str(copy), "--force"]) == 0
    assert dump(source) == dump(copy)


@pytest.fixture
def pg_database():
    """A PostgreSQL database of its own (pg_dump and pg_restore work on whole databases)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not shutil.which("pg_dump"):
        pytest.skip("needs TEST_DATABASE_URL and the PostgreSQL client tools")
    name = f"d_backup_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.slow
def test_postgresql_backup_is_private_and_a_newer_or_busy_database_is_not_restored(pg_database, tmp_path, clock,
                                                                                   monkeypatch, umask_022):
    from bot.domain.runtime import Runtime
    from tests.conftest import make_settings

    rt = Runtime.start(make_settings(pg_database), clock)
    with rt.session() as session:
        load_demo(session, rt.clock, rt.cycle(session))
    real_run = backup.subprocess.run
    modes: list[int] = []

    def run(command, *args, stdout=None, **kwargs):
        if command[0] == "pg_dump":
            assert not [c for c in command if c.startswith("--file")]  # written into the file we opened
            modes.append(stat.S_IMODE(os.fstat(stdout.fileno()).st_mode))
        return real_run(command, *args, stdout=stdout, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", run)
    good = tmp_path / "pantau.dump"
    assert backup.backup(pg_database, good).done
    assert modes == [0o600] and mode(good) == 0o600 and good.read_bytes()[:5] == b"PGDMP"
    with rt.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'i99_dari_masa_depan'"))
    newer = tmp_path / "baru.dump"
    assert backup.backup(pg_database, newer).done
    with rt.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'i10_telegram_language'"))
        conn.execute(text("DELETE FROM checklist_entry"))
    with pytest.raises(backup.UserError, match="lebih baru"):
        backup.restore(pg_database, newer, force=True)
    sqlite_file = tmp_path / "x.db"  # a sound SQLite backup onto PostgreSQL, and the other way round: named
    sqlite3.connect(sqlite_file).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(backup.UserError, match="sedangkan DATABASE_URL menunjuk ke basis data") as other:
        backup.restore(pg_database, sqlite_file, force=True)
    assert (other.value.values["kind"], other.value.values["wanted"]) == ("SQLite", "PostgreSQL")
    with pytest.raises(backup.UserError, match="sedangkan DATABASE_URL menunjuk ke basis data") as other:
        backup.restore(f"sqlite:///{tmp_path / 'baru.db'}", good, force=True)
    assert (other.value.values["kind"], other.value.values["wanted"]) == ("PostgreSQL", "SQLite")
    assert not (tmp_path / "baru.db").exists()
    now = datetime.now(UTC)
    with rt.session() as session:
        session.add(Worker(id="h:2:b", host="h", pid=2, started_at=now, beat_at=now))
    with pytest.raises(backup.UserError, match="Bot sedang berjalan"):
        backup.restore(pg_database, good, force=True)
    with rt.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM checklist_entry")).scalar_one() == 0  # nothing restored
        conn.execute(text("UPDATE worker SET stopped_at = beat_at"))
    rt.engine.dispose()
    assert backup.restore(pg_database, good, force=True).done
    engine = create_engine(normalise_url(pg_database))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM checklist_entry")).scalar_one() > 3000
    engine.dispose()
