"""Migration i19_j_aksi_actions: Aksi HAM reports recorded per period before keep their meaning (the period
reported as a whole, with its nilai capaian), no action is invented from them, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.core.clock import FixedClock
from bot.core.db import alembic_config, make_engine, upgrade
from bot.core.models import AksiStatus
from bot.domain.aksi import record_action, record_report, set_list
from bot.domain.aksi_grid import grid, outstanding
from bot.domain.runtime import Runtime
from bot.reference import regions
from tests.conftest import NOW, make_settings

REVISION = "i19_j_aksi_actions"
BIG_ID = 7_123_456_789  # a Telegram user id beyond 32 bits
WHEN = "2024-05-07 01:00:00"


def _database_before(url: str):
    engine = make_engine(url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, ScriptDirectory.from_config(cfg).get_revision(REVISION).down_revision)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO province (code, name, timezone) VALUES ('63', 'Kalimantan Selatan', "
                          "'Asia/Makassar')"))
        for code, name in (("63.05", "Tapin"), ("63.06", "Hulu Sungai Selatan")):
            conn.execute(text("INSERT INTO region (code, province_code, kind, name, timezone) VALUES (:c, '63', "
                              "'kabupaten', :n, 'Asia/Makassar')"), {"c": code, "n": name})
        for code, period, score in (("63.05", "B04", 82.5), ("63.05", "B08", None), ("63.06", "B04", 70.0)):
            conn.execute(text("INSERT INTO aksi_report (region_code, year, period, score, reported_at, recorded_by) "
                              "VALUES (:c, 2024, :p, :s, :t, 333)"), {"c": code, "p": period, "s": score, "t": WHEN})
    return engine


def _check(url: str) -> None:
    engine = _database_before(url)
    try:
        upgrade(engine)
        names = set(inspect(engine).get_table_names())
        assert {"aksi_action", "aksi_action_report"} <= names
        with engine.begin() as conn:
            rows = sorted(conn.execute(text("SELECT region_code, period, score, recorded_by FROM aksi_report")).all())
            assert rows == [("63.05", "B04", 82.5, 333), ("63.05", "B08", None, 333), ("63.06", "B04", 70.0, 333)]
            assert conn.execute(text("SELECT count(*) FROM aksi_action_report")).scalar() == 0  # nothing invented
            assert conn.execute(text("SELECT count(*) FROM aksi_action")).scalar() == 0
            conn.execute(text("UPDATE aksi_report SET recorded_by = :big WHERE period = 'B08'"), {"big": BIG_ID})
            assert conn.execute(text("SELECT recorded_by FROM aksi_report WHERE period = 'B08'")).scalar() == BIG_ID
    finally:
        engine.dispose()
    rt = Runtime.start(make_settings(url), FixedClock(NOW))
    try:
        with rt.session() as session:
            view = grid(session, rt.clock, regions()["63.05"], 2024, 6, 60)
            b04, b08, b12 = view.periods
            assert b04.whole_only and b04.capaian == 82.5 and b04.capaian_from_period  # the score: the period's nilai
            assert b08.whole_only and b08.capaian is None  # reported, no score
            assert not b12.whole_only and b12.unreported == (1, 2, 3, 4, 5, 6)
            left = outstanding(session, 2024, "B04", {"63.05", "63.06", "63.01"}, 6)
            assert not left["63.05"].has_work and not left["63.06"].has_work  # reported then: not reminded again
            assert left["63.01"].unreported == (1, 2, 3, 4, 5, 6)
            # recorded by someone with a Telegram id beyond 32 bits, in the new tables and the old one
            set_list(session, rt.clock, regions()["63.05"], 2024, 7, {7: "Aksi baru"}, 6, BIG_ID)
            record_action(session, rt.clock, None, regions()["63.05"], 2024, "B08", 7, AksiStatus.LENGKAP, 90.0,
                          None, BIG_ID, 6)
            record_report(session, rt.clock, regions()["63.06"], 2024, "B04", 75.0, BIG_ID)
        with rt.session() as session:
            view = grid(session, rt.clock, regions()["63.05"], 2024, 6, 60)
            assert view.periods[1].reports[7].recorded_by == BIG_ID and not view.periods[1].whole_only
    finally:
        rt.engine.dispose()


def test_old_aksi_reports_migrate_on_sqlite(sqlite_url):
    _check(sqlite_url)


def test_old_aksi_reports_migrate_on_postgresql(pg_url):
    _check(pg_url)
