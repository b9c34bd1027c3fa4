"""Settings from the environment: the knobs documented in docs/reference/configuration.md."""

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


# every variable the bot reads, by the name operators write: PANTAU_ + the field, except the four without prefix
EVERY_VARIABLE = [
    ("TELEGRAM_BOT_TOKEN", "123456:rahasia", "telegram_bot_token", None),  # a SecretStr, checked below
    ("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot", "telegram_api_base_url", "http://127.0.0.1:8081/bot"),
    ("TELEGRAM_API_FILE_URL", "http://files.local/file/bot", "telegram_api_file_url", "http://files.local/file/bot"),
    ("DATABASE_URL", "postgresql://pantau@db/pantau", "database_url", "postgresql://pantau@db/pantau"),
    ("PANTAU_ADMIN_IDS", "5;6", "admin_ids", frozenset({5, 6})),
    ("PANTAU_LOCALE", "en_US", "locale", "en"),
    ("PANTAU_TIMEZONE", "Asia/Makassar", "timezone", "Asia/Makassar"),
    ("PANTAU_CYCLE", "2025/2026", "cycle", "2025/2026"),
    ("PANTAU_THRESHOLD_PEDULI", "80", "threshold_peduli", 80),
    ("PANTAU_THRESHOLD_CUKUP", "55", "threshold_cukup", 55),
    ("PANTAU_THRESHOLD_MULAI", "30", "threshold_mulai", 30),
    ("PANTAU_PROVINCE_THRESHOLD", "65,", "province_threshold", None),  # refused below
    ("PANTAU_PREDIKAT_INCLUDES_HANDED_IN", "true", "predikat_includes_handed_in", True),
    ("PANTAU_AKSI_TARGET", "70", "aksi_target", 70),
    ("PANTAU_AKSI_ACTIONS", "8", "aksi_actions", 8),
    ("PANTAU_AKSI_RAKOR_WEEKS_BEFORE", "6", "aksi_rakor_weeks_before", 6),
    ("PANTAU_QUIET_HOURS", "22:00-06:00", "quiet_hours", "22:00-06:00"),
    ("PANTAU_SKIP_WEEKENDS", "no", "skip_weekends", False),
    ("PANTAU_SKIP_HOLIDAYS", "0", "skip_holidays", False),
    ("PANTAU_REMINDER_HOUR", "09.15", "reminder_hour", "09.15"),
    ("PANTAU_OPENING_REMINDERS", "H-5", "opening_reminders", "H-5"),
    ("PANTAU_INVITE_DAYS", "3", "invite_days", 3),
    ("PANTAU_DIGEST_WEEKDAY", "4", "digest_weekday", 4),
    ("PANTAU_DIGEST_HOUR", "07:00", "digest_hour", "07:00"),
    ("PANTAU_TICK_SECONDS", "5", "tick_seconds", 5),
    ("PANTAU_RETRY_SECONDS", "12", "retry_seconds", 12),
    ("PANTAU_REVIEW_BATCH_MINUTES", "3", "review_batch_minutes", 3),
    ("PANTAU_WEBHOOK_URL", "https://bot.kanwil.example/pantau", "webhook_url", "https://bot.kanwil.example/pantau"),
    ("PANTAU_WEBHOOK_LISTEN", "127.0.0.1", "webhook_listen", "127.0.0.1"),
    ("PANTAU_WEBHOOK_PORT", "88", "webhook_port", 88),
    ("PANTAU_WEBHOOK_SECRET", "rahasia-webhook", "webhook_secret", None),  # a SecretStr, checked below
    ("PANTAU_HEALTH_PORT", "8080", "health_port", 8080),
    ("PANTAU_POLLING_LEASE_SECONDS", "30", "polling_lease_seconds", 30),
    ("PANTAU_LOG_FORMAT", "JSON", "log_format", "json"),
]


def _clean(monkeypatch):
    import os

    for name in list(os.environ):
        if name.upper().startswith(("PANTAU_", "TELEGRAM_")) or name.upper() == "DATABASE_URL":
            monkeypatch.delenv(name)


def test_every_variable_by_the_name_the_operator_writes(monkeypatch):
    _clean(monkeypatch)
    for name, value, _field, _expected in EVERY_VARIABLE:
        if name != "PANTAU_PROVINCE_THRESHOLD":
            monkeypatch.setenv(name, value)
    s = Settings(_env_file=None)
    assert {field: getattr(s, field) for _n, _v, field, expected in EVERY_VARIABLE if expected is not None} == {
        field: expected for _n, _v, field, expected in EVERY_VARIABLE if expected is not None}
    assert s.telegram_bot_token.get_secret_value() == "123456:rahasia"
    assert s.webhook_secret_token == "rahasia-webhook"
    assert set(Settings.model_fields) == {field for _n, _v, field, _e in EVERY_VARIABLE}, "a variable without a row"
    # the unprefixed names are the only ones: PANTAU_DATABASE_URL is not a setting
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("PANTAU_DATABASE_URL", "sqlite:///elsewhere.db")
    assert Settings(_env_file=None).database_url == "sqlite:///var/pantau-ham.db"


def test_the_token_and_the_webhook_secret_print_as_stars_and_never_reach_a_log(monkeypatch, capsys):
    import logging

    from bot.core import logs

    _clean(monkeypatch)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "42:kunci")  # too short for the token shape: only the setting hides it
    monkeypatch.setenv("PANTAU_WEBHOOK_SECRET", "rahasia_webhook")
    s = Settings(_env_file=None)
    shown = f"{s!r} {s} {s.model_dump()} {s.model_dump_json()}"
    assert "42:kunci" not in shown and "rahasia_webhook" not in shown and "**********" in shown
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        logs.configure(s.log_format, s.log_secrets)
        logging.getLogger("pantau_ham.test").warning("token %s, secret %s", "42:kunci", "rahasia_webhook")
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "token <token>, secret <token>" in err and "kunci" not in err and "rahasia" not in err


def test_an_empty_token_is_no_token(monkeypatch):
    _clean(monkeypatch)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", " ")
    s = Settings(_env_file=None)
    assert s.telegram_bot_token is None and s.webhook_secret_token is None and s.log_secrets == []


def test_a_refusal_names_the_variable_and_what_it_accepts(monkeypatch):
    from bot.core.settings import SettingsError, load_settings

    _clean(monkeypatch)
    monkeypatch.setenv("pantau_locale", "fr")  # any case
    monkeypatch.setenv("PANTAU_PROVINCE_THRESHOLD", "65,")
    monkeypatch.setenv("PANTAU_WEBHOOK_URL", "http://bot.kanwil.example/pantau")  # Telegram wants https
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None)
    assert refused.value.problems == [
        ("PANTAU_LOCALE", "fr", "id atau en"),
        ("PANTAU_PROVINCE_THRESHOLD", "65,", "angka 0–100"),
        ("PANTAU_WEBHOOK_URL", "http://bot.kanwil.example/pantau",
         "alamat https:// lengkap; Telegram hanya mengirim ke port 443, 80, 88 atau 8443"),
    ]


def test_every_setting_that_can_be_refused_says_what_it_accepts():
    """A refused value names what the variable accepts, never only "nilai yang sah"."""
    from bot.core.settings import ALLOWED

    free_text = {"telegram_bot_token", "telegram_api_base_url", "telegram_api_file_url", "database_url",
                 "webhook_listen"}  # any text is taken as it is (a wrong one fails where it is used, said there)
    assert set(Settings.model_fields) - free_text == set(ALLOWED)
