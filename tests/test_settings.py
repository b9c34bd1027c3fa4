"""Settings from the environment: the knobs the README documents."""

from __future__ import annotations

from datetime import time

import pytest
from pydantic import ValidationError

from bot.core.cycle_years import parse_cycle
from bot.core.settings import Settings


def test_defaults(monkeypatch):
    for name in ("DATABASE_URL", "PANTAU_ADMIN_IDS", "PANTAU_QUIET_HOURS", "PANTAU_REMINDER_HOUR"):
        monkeypatch.delenv(name, raising=False)
    s = Settings(_env_file=None)
    assert s.database_url == "sqlite:///var/pantau-ham.db"
    assert s.telegram_api_base_url == "https://api.telegram.org/bot"
    assert (s.locale, s.timezone, s.province_threshold) == ("id", "Asia/Jakarta", 60)
    assert s.reminder_time == time(8, 0) and s.quiet_window == (time(21, 0), time(7, 0))
    assert s.skip_weekends and s.skip_holidays


def test_from_the_environment(monkeypatch):
    monkeypatch.setenv("PANTAU_ADMIN_IDS", "12, 34,56")
    monkeypatch.setenv("PANTAU_QUIET_HOURS", "")
    monkeypatch.setenv("PANTAU_REMINDER_HOUR", "07.30")
    monkeypatch.setenv("PANTAU_SKIP_WEEKENDS", "false")
    monkeypatch.setenv("PANTAU_LOCALE", "en")
    s = Settings(_env_file=None)
    assert s.admin_ids == frozenset({12, 34, 56})
    assert s.quiet_window is None and s.reminder_time == time(7, 30)
    assert s.skip_weekends is False and s.locale == "en"


def test_opening_reminders_as_a_kanwil_writes_them(monkeypatch):
    from bot.core.offsets import Offset

    monkeypatch.delenv("PANTAU_OPENING_REMINDERS", raising=False)
    assert Settings(_env_file=None).opening_offsets == (Offset("d", 3), Offset("d", 0))  # H-3, H
    monkeypatch.setenv("PANTAU_OPENING_REMINDERS", "H-5, H-1")
    assert Settings(_env_file=None).opening_offsets == (Offset("d", 5), Offset("d", 1))
    monkeypatch.setenv("PANTAU_OPENING_REMINDERS", "")
    assert Settings(_env_file=None).opening_offsets == ()


@pytest.mark.parametrize("name,value", [
    ("PANTAU_REMINDER_HOUR", "25:00"), ("PANTAU_QUIET_HOURS", "21:00"), ("PANTAU_LOCALE", "fr"),
    ("PANTAU_TIMEZONE", "Mars/Olympus"), ("PANTAU_ADMIN_IDS", "abc"), ("PANTAU_OPENING_REMINDERS", "2 jam"),
    ("PANTAU_OPENING_REMINDERS", "kemarin"),
])
def test_bad_values_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_cycle_setting():
    assert parse_cycle("2026") == (2025, 2026)
    assert parse_cycle("2025/2026") == (2025, 2026)
    with pytest.raises(ValueError):
        parse_cycle("tahun ini")


def test_keywords_then_the_environment_then_the_env_file(monkeypatch, tmp_path):
    for name in ("PANTAU_LOCALE", "PANTAU_TIMEZONE", "PANTAU_ADMIN_IDS", "PANTAU_HEALTH_PORT", "PANTAU_CYCLE"):
        monkeypatch.delenv(name, raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("PANTAU_LOCALE=en\npantau_timezone=Asia/Makassar\nPANTAU_ADMIN_IDS='7, 8'\n"
                        "PANTAU_CYCLE=2026\nSOMETHING_ELSE=1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from_file = Settings()
    assert (from_file.locale, from_file.timezone, from_file.admin_ids) == ("en", "Asia/Makassar", frozenset({7, 8}))
    monkeypatch.setenv("Pantau_Timezone", "Asia/Jayapura")  # names in any case
    monkeypatch.setenv("PANTAU_HEALTH_PORT", "")
    from_env = Settings()
    assert (from_env.locale, from_env.timezone, from_env.health_port) == ("en", "Asia/Jayapura", None)
    assert Settings(timezone="Asia/Jakarta", cycle=None).timezone == "Asia/Jakarta"
    assert Settings(_env_file=None).locale == "id" and Settings(_env_file=None).cycle is None
