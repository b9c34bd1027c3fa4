"""``pantau-ham calendar``: numbers nobody's database holds and years outside the window get one sentence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.cli.main import main


@pytest.fixture
def env(monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("PANTAU_CYCLE", "2024/2025")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return sqlite_url


@pytest.mark.parametrize("args", [
    ["change", "99999999999999999999", "judul", "Rakor"],
    ["change", "99999999999999999999", "tanggal", "besok"],
    ["confirm", "99999999999999999999"],
    ["confirm", "99999999999999999999", "besok"],
    ["cancel", "99999999999999999999"],
    ["cancel", "0"],
    ["cancel", "-5"],
])
def test_an_event_number_beyond_any_database_is_not_there(env, capsys, args):
    assert main(["calendar", *args]) == 1
    err = capsys.readouterr().err
    assert f"Acara #{args[1]} tidak ada." in err
    assert "Traceback" not in err


@pytest.mark.parametrize("year", ["0", "-1", "99999", "1999"])
def test_a_template_year_outside_the_window_is_refused(env, capsys, year):
    assert main(["calendar", "template", year]) == 1
    err = capsys.readouterr().err
    now = datetime.now(UTC).year
    assert f"Tahun {year} di luar rentang yang diterima: {now - 1} sampai {now + 5}." in err
    assert "Traceback" not in err
    assert main(["calendar", "list"]) == 0
    assert "Belum ada acara mendatang." in capsys.readouterr().out  # nothing was created
