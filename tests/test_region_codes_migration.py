"""Migration i9_region_codes: data of Papua Barat Daya's kab/kota follows them to their 2025 codes."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.core.db import alembic_config, make_engine, upgrade
from bot.reference import regions

OLD = {"96.01": "Sorong", "96.04": "Sorong Selatan", "96.05": "Raja Ampat", "96.09": "Tambrauw",
       "96.10": "Maybrat", "96.71": "Sorong"}
NOW = "2026-11-30 09:00:00"


def _database_of_before(url: str):
    """A database at the revision before holding the old codes, with data on each of them."""
    engine = make_engine(url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, ScriptDirectory.from_config(cfg).get_revision("i9_region_codes").down_revision)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO province (code, name, timezone) "
                          "VALUES ('96', 'Papua Barat Daya', 'Asia/Jayapura')"))
        for code, name in OLD.items():
            kind = "kota" if code == "96.71" else "kabupaten"
            conn.execute(text("INSERT INTO region (code, province_code, kind, name, timezone) "
                              "VALUES (:c, '96', :k, :n, 'Asia/Jayapura')"), {"c": code, "k": kind, "n": name})
        for n, code in enumerate(OLD, start=1):
            conn.execute(text("INSERT INTO aksi_report (region_code, year, period, score, reported_at) "
                              "VALUES (:c, 2026, 'B08', :s, :t)"), {"c": code, "s": n, "t": NOW})
            conn.execute(text("INSERT INTO subscription (chat_id, target_code, active, created_at) "
                              "VALUES (:chat, :c, true, :t)"), {"chat": -100 - n, "c": code, "t": NOW})
        conn.execute(text("INSERT INTO event (kind, title, timezone, start_date, starts_at, scope_kind, scope_codes, "
                          "status, version, created_at, updated_at) VALUES ('rakor', 'Rakor', 'Asia/Jayapura', "
                          "'2026-12-01', :t, 'regions', '96.04,96.09,96.71', 'confirmed', 1, :t, :t)"), {"t": NOW})
    return engine


def _check(url: str) -> None:
    engine = _database_of_before(url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            names = dict(conn.execute(text("SELECT code, name FROM region WHERE province_code = '96'")).all())
            score_of = dict(conn.execute(text("SELECT region_code, score FROM aksi_report")).all())
            chat_of = dict(conn.execute(text("SELECT target_code, chat_id FROM subscription")).all())
            scope = conn.execute(text("SELECT scope_codes FROM event")).scalar()
        # every kab/kota keeps its name, its report and its subscribed chat under its new code
        assert names == {code: regions()[code].name for code in ("96.01", "96.02", "96.03", "96.04", "96.05", "96.71")}
        assert score_of == {"96.01": 1, "96.02": 2, "96.03": 3, "96.04": 4, "96.05": 5, "96.71": 6}
        assert chat_of == {"96.01": -101, "96.02": -102, "96.03": -103, "96.04": -104, "96.05": -105, "96.71": -106}
        assert scope == "96.02,96.04,96.71"
    finally:
        engine.dispose()


def test_old_codes_move_on_sqlite(sqlite_url):
    _check(sqlite_url)


def test_old_codes_move_on_postgresql(pg_url):
    _check(pg_url)


def test_a_new_database_is_left_to_the_reference_sync(sqlite_url):
    engine = make_engine(sqlite_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM region")).scalar() == 0
    finally:
        engine.dispose()
