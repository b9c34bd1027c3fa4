"""The schema comes from Alembic, on an empty SQLite file and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from bot.core.clock import FixedClock
from bot.core.db import make_engine, upgrade
from bot.domain.checklist import region_progress
from bot.domain.demo import load_demo
from bot.domain.runtime import Runtime
from bot.reference import regions
from tests.conftest import NOW, make_settings

TABLES = {"province", "region", "criterion", "catalog", "indicator", "cycle", "checklist_entry", "alembic_version"}


def test_empty_sqlite_is_migrated_with_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'new.db'}")
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_migrations_match_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def run_demo_against(url: str) -> None:
    rt = Runtime.start(make_settings(url), FixedClock(NOW))
    try:
        with rt.session() as session:
            written = load_demo(session, rt.clock, rt.cycle(session))
        assert written > 3000
        with rt.session() as session:
            p = region_progress(session, rt.cycle(session), regions()["63.05"], rt.thresholds)
        assert 0 < p.complete <= 120
        names = set(inspect(rt.engine).get_table_names())
        assert TABLES <= names
    finally:
        rt.engine.dispose()


def test_demo_on_sqlite(sqlite_url):
    run_demo_against(sqlite_url)


def test_migrations_and_demo_on_postgresql(pg_url):
    run_demo_against(pg_url)
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        assert conn.dialect.name == "postgresql"
        assert conn.execute(text("SELECT count(*) FROM region")).scalar() == 514
    engine.dispose()
