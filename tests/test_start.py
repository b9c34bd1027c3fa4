"""Honest answers at the start, from the real ``python -m bot`` process: what ``db upgrade`` did, and one line
(exit code 2) instead of a traceback when the database cannot be used."""

from __future__ import annotations

import pytest

from bot.core.db import _heads, alembic_config, make_engine, revisions
from tests.processes import TOKEN, clean_env, free_port, run_cli

pytestmark = pytest.mark.slow  # the bot (or another program) as a real process


def _env(database_url: str, **extra: str) -> dict[str, str]:
    return clean_env(**{"DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": TOKEN, "PANTAU_ADMIN_IDS": "111", **extra})



def test_db_upgrade_says_what_it_did(tmp_path):
    head = ", ".join(sorted(_heads()))
    url = f"sqlite:///{tmp_path / 'new.db'}"
    created = run_cli(tmp_path, _env(url), "db", "upgrade")
    again = run_cli(tmp_path, _env(url), "db", "upgrade")
    old_url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(old_url)
    from alembic import command

    command.upgrade(alembic_config(engine), "i12_operate")  # a database a few releases old
    engine.dispose()
    upgraded = run_cli(tmp_path, _env(old_url), "db", "upgrade")
    assert created.returncode == again.returncode == upgraded.returncode == 0, created.stderr + upgraded.stderr
    assert created.stdout.strip() == f"Basis data baru disiapkan: skema dibuat pada revisi {head}."
    assert again.stdout.strip() == f"Skema basis data sudah terbaru (revisi {head}); tidak ada yang diubah."
    assert upgraded.stdout.strip() == f"Skema basis data diperbarui dari revisi i12_operate ke {head}."
    engine = make_engine(old_url)
    assert revisions(engine) == _heads()
    engine.dispose()
    english = run_cli(tmp_path, _env(url, PANTAU_LOCALE="en"), "db", "upgrade")
    assert english.stdout.strip() == f"The database schema is already current (revision {head}); nothing was changed."


@pytest.fixture
def without_psycopg(tmp_path) -> str:
    """A PYTHONPATH on which ``import psycopg`` fails as it does where the [postgres] extra is not installed."""
    shadow = tmp_path / "shadow" / "psycopg"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ModuleNotFoundError("No module named \'psycopg\'", name="psycopg")\n')
    return str(shadow.parent)


@pytest.mark.parametrize("command", [("run",), ("db", "upgrade"), ("demo",)])
def test_postgresql_without_the_driver_is_one_line_and_exit_2(command, tmp_path, without_psycopg):
    env = _env("postgresql://pantau:rahasia@db.example:5432/pantau", PYTHONPATH=without_psycopg)
    done = run_cli(tmp_path, env, *command)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "psycopg" in done.stderr and "pantau-ham[postgres]" in done.stderr and "rahasia" not in done.stderr
    health = run_cli(tmp_path, env, "health")
    assert health.returncode == 1 and '"status": "fail"' in health.stdout and "Traceback" not in health.stderr


def test_an_unreachable_database_at_start_is_one_line_and_exit_2(tmp_path):
    url = f"postgresql://pantau:rahasia@127.0.0.1:{free_port()}/pantau"  # nothing listens there
    done = run_cli(tmp_path, _env(url), "run")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "tidak dapat dihubungi" in done.stderr and "127.0.0.1" in done.stderr and "rahasia" not in done.stderr
    assert "DATABASE_URL" in done.stderr


def test_a_sqlite_file_that_cannot_be_created_is_one_line_and_exit_2(tmp_path):
    done = run_cli(tmp_path, _env("sqlite:////proc/pantau-ham/pantau.db"), "run")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "/proc/pantau-ham/pantau.db" in done.stderr and "tidak dapat dibuka" in done.stderr


@pytest.mark.parametrize(("url", "said"), [
    ("foo://pantau:rahasia@db/x", "DATABASE_URL menyebut jenis basis data “foo” yang tidak dikenal."),
    ("bukan alamat rahasia", "DATABASE_URL bukan alamat basis data."),
])
def test_a_database_url_that_is_no_database_url_is_one_line_and_exit_2(url, said, tmp_path):
    for command in (("run",), ("db", "upgrade")):
        done = run_cli(tmp_path, _env(url), *command)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert said in done.stderr and "sqlite:///" in done.stderr and "rahasia" not in done.stderr
