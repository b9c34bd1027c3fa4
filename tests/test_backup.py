"""``pantau-ham backup`` while the bot writes, ``pantau-ham restore``, and the data are equal."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot import backup
from bot.cli import main
from bot.demo import load_demo


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
