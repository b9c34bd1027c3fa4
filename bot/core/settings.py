"""Every knob of the bot, read from the environment (and ``.env``) by pydantic-settings.

A variable is ``PANTAU_`` and the field's name in any case (``PANTAU_QUIET_HOURS``), except the four that
other Telegram and database tools know by their own names: ``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_BASE_URL``,
``TELEGRAM_API_FILE_URL`` and ``DATABASE_URL``. Keyword arguments come first, then the environment, then the
``.env`` file of the working directory, then the defaults. The token and the webhook secret are ``SecretStr``:
they print as ``**********`` and are read with ``get_secret_value()`` only where they are used (the Bot API
client, the webhook secret, the log scrubber). :func:`load_settings` turns a refusal into one line per
variable: its name and what it accepts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import time
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core import zones
from bot.core.cycle_years import parse_cycle
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.offsets import Offset, parse_opening

OFFICIAL_API_HOST = "api.telegram.org"
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")


def parse_clock(text: str) -> time:
    """``"08:00"`` or ``"8.00"`` -> time(8, 0); ValueError otherwise."""
    m = re.fullmatch(r"\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*", text or "")
    if not m:
        raise ValueError(f"not a clock time (HH:MM): {text!r}")
    return time(int(m.group(1)), int(m.group(2)))


def _unprefixed(variable: str) -> AliasChoices:
    """A variable without the ``PANTAU_`` prefix, also given by field name as a keyword (tests, tools)."""
    return AliasChoices(variable, variable.lower())


class Settings(BaseSettings):
    """Each field is the variable ``PANTAU_<NAME>`` (any case), except the four named by ``validation_alias``;
    keyword arguments (by field name) first, then the environment, then ``.env`` (``_env_file=None``: no file),
    then the defaults."""

    model_config = SettingsConfigDict(env_prefix="PANTAU_", env_file=".env", env_file_encoding="utf-8",
                                      case_sensitive=False, extra="ignore")

    telegram_bot_token: SecretStr | None = Field(None, validation_alias=_unprefixed("TELEGRAM_BOT_TOKEN"))
    telegram_api_base_url: str = Field("https://api.telegram.org/bot",
                                       validation_alias=_unprefixed("TELEGRAM_API_BASE_URL"))
    telegram_api_file_url: str | None = Field(None, validation_alias=_unprefixed("TELEGRAM_API_FILE_URL"))
    database_url: str = Field("sqlite:///var/pantau-ham.db", validation_alias=_unprefixed("DATABASE_URL"))
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()  # "12, 34": not JSON
    locale: str = "id"
    timezone: str = "Asia/Jakarta"
    cycle: str | None = None
    threshold_peduli: float = 75
    threshold_cukup: float = 50
    threshold_mulai: float = 25
    province_threshold: float = 60
    # the perkiraan predikat counts indicators the Kanwil verified; true: also those handed in, not yet verified
    predikat_includes_handed_in: bool = False
    # the Aksi HAM target where bot/reference/aksi_targets.csv has none for the year and level
    aksi_target: float = Field(60, ge=0, le=100)
    # how many Aksi HAM actions a kab/kota has in a year when no list was imported for it (6-9 observed)
    aksi_actions: int = Field(6, ge=1, le=20)
    # the yearly template's Aksi HAM rakor: weeks before each period's usual reporting window (observed 6-11
    # weeks, median 10: docs/reference/calendar.md)
    aksi_rakor_weeks_before: int = Field(10, ge=1, le=26)
    quiet_hours: str = "21:00-07:00"
    skip_weekends: bool = True
    skip_holidays: bool = True
    reminder_hour: str = "08:00"
    # before a reporting window opens (Aksi HAM, KKP HAM "A..B"): "H-3, H"; empty: no opening reminders
    opening_reminders: str = "H-3, H"
    invite_days: int = 7
    digest_weekday: int = 0  # 0 = Monday
    digest_hour: str = "08:00"
    tick_seconds: float = 30
    # the Kanwil's decisions on a kab/kota are told to its PIC in one message, this long after the last of them
    review_batch_minutes: float = Field(5, ge=0, le=1440)
    # the delivery engine's first wait after a message Telegram did not take (5xx, no connection), doubling
    retry_seconds: float = Field(30, gt=0, le=3600)
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = None
    health_port: int | None = None
    # polling: how long a copy standing by waits for a silent active copy before it takes over (bot/ops/polling.py)
    polling_lease_seconds: float = Field(20, ge=2, le=300)
    log_format: str = "text"

    @field_validator("telegram_bot_token", "telegram_api_file_url", "health_port", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url(cls, value: object, info: ValidationInfo) -> object:
        """Telegram (api.telegram.org) delivers only to https on ports 443, 80, 88 or 8443; a self-hosted Bot API
        server accepts any URL."""
        if not isinstance(value, str):
            return value
        value = value.strip()
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("PANTAU_WEBHOOK_URL must be a full URL")
        if urlsplit(str(info.data.get("telegram_api_base_url") or "")).hostname == OFFICIAL_API_HOST:
            try:
                port = parts.port or 443
            except ValueError:
                raise ValueError("PANTAU_WEBHOOK_URL has an invalid port") from None
            if parts.scheme != "https" or port not in TELEGRAM_WEBHOOK_PORTS:
                raise ValueError("Telegram needs https on port 443, 80, 88 or 8443")
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        """What Telegram accepts as ``secret_token``: 1-256 characters A-Z a-z 0-9 _ -."""
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not SECRET_SHAPE.fullmatch(value):
                raise ValueError("PANTAU_WEBHOOK_SECRET: 1-256 characters A-Z, a-z, 0-9, _ and -")
        return value

    @property
    def webhook_secret_token(self) -> str | None:
        """The secret Telegram sends with every webhook call: ``PANTAU_WEBHOOK_SECRET``, else derived from the
        token (HMAC-SHA256), so that every copy sharing the token agrees on it without being told, and a new
        token brings a new secret. Whoever knows the token can compute it, but whoever knows the token can
        already set the webhook, read the updates and speak as the bot."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        if self.telegram_bot_token is None:
            return None
        token = self.telegram_bot_token.get_secret_value().encode()
        return hmac.new(token, b"pantau-ham webhook secret v1", hashlib.sha256).hexdigest()

    @property
    def log_secrets(self) -> list[str]:
        """What no log line may show (``bot/core/logs.py`` replaces them): the token and the webhook secret."""
        token = self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else ""
        return [value for value in (token, self.webhook_secret_token) if value]

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("text", "json"):
            raise ValueError("PANTAU_LOG_FORMAT must be 'text' or 'json'")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            return frozenset(int(p) for p in parts if p)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        value = value.strip().lower().replace("-", "_").split("_")[0]
        if value not in ("id", "en"):
            raise ValueError("PANTAU_LOCALE must be 'id' or 'en'")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zones.zone(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("cycle")
    @classmethod
    def _cycle(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parse_cycle(value)
        return value.strip()

    @field_validator("digest_weekday")
    @classmethod
    def _weekday(cls, value: int) -> int:
        if not 0 <= value <= 6:
            raise ValueError("PANTAU_DIGEST_WEEKDAY must be 0 (Monday) to 6 (Sunday)")
        return value

    @field_validator("webhook_port")
    @classmethod
    def _port(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("port out of range")
        return value

    @field_validator("tick_seconds", "invite_days")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be positive")
        return value

    @field_validator("reminder_hour", "digest_hour")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        parse_clock(value)
        return value.strip()

    @field_validator("opening_reminders")
    @classmethod
    def _opening(cls, value: str) -> str:
        try:
            parse_opening(value)
        except UserError as exc:
            raise ValueError(f"PANTAU_OPENING_REMINDERS: {value!r} is not a list like H-3, H") from exc
        return value.strip()

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        value = value.strip()
        if value:
            start, sep, end = value.partition("-")
            if not sep:
                raise ValueError("PANTAU_QUIET_HOURS must look like 21:00-07:00 (or be empty)")
            parse_clock(start)
            parse_clock(end)
        return value

    @property
    def api_file_url(self) -> str:
        """Where files are downloaded: ``TELEGRAM_API_FILE_URL``, else derived from the API base URL
        (``http://host:port/bot`` -> ``http://host:port/file/bot``, as a self-hosted Bot API server serves them)."""
        if self.telegram_api_file_url:
            return self.telegram_api_file_url
        base = self.telegram_api_base_url.rstrip("/")
        head, sep, tail = base.rpartition("/")
        if sep and tail.startswith("bot"):
            return f"{head}/file/{tail}"
        return f"{base}/file/bot"

    @property
    def digest_time(self) -> time:
        return parse_clock(self.digest_hour)

    @property
    def reminder_time(self) -> time:
        return parse_clock(self.reminder_hour)

    @property
    def opening_offsets(self) -> tuple[Offset, ...]:
        return parse_opening(self.opening_reminders)

    @property
    def quiet_window(self) -> tuple[time, time] | None:
        if not self.quiet_hours:
            return None
        start, _, end = self.quiet_hours.partition("-")
        return parse_clock(start), parse_clock(end)

    @field_validator("threshold_mulai")
    @classmethod
    def _ordered(cls, value: float, info: ValidationInfo) -> float:
        data = info.data
        if not (data.get("threshold_peduli", 75) >= data.get("threshold_cukup", 50) >= value >= 0):
            raise ValueError("thresholds must satisfy PEDULI >= CUKUP >= MULAI >= 0")
        return value


class SettingsError(Exception):
    """The environment holds values the bot cannot run with: ``problems`` is (variable, value, allowed)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        super().__init__("; ".join(f"{name}={value!r}" for name, value, _ in problems))
        self.problems = problems


# what each setting accepts, as people read it (translated where shown)
ALLOWED = {
    "locale": N_("id atau en"),
    "timezone": N_("nama zona waktu IANA, mis. Asia/Jakarta, Asia/Makassar atau Asia/Jayapura"),
    "cycle": N_("tahun penganugerahan (mis. 2026) atau tahun data/tahun penganugerahan (mis. 2025/2026)"),
    "admin_ids": N_("ID pengguna Telegram berupa angka, dipisah koma"),
    "reminder_hour": N_("jam dalam bentuk HH:MM, mis. 08:00"),
    "digest_hour": N_("jam dalam bentuk HH:MM, mis. 08:00"),
    "quiet_hours": N_("rentang HH:MM-HH:MM, mis. 21:00-07:00, atau kosong"),
    "opening_reminders": N_("hari sebelum masa pelaporan dibuka, mis. H-3, H, atau kosong"),
    "digest_weekday": N_("0 (Senin) sampai 6 (Minggu)"),
    "threshold_peduli": N_("angka 0–100, dengan PEDULI ≥ CUKUP ≥ MULAI"),
    "threshold_cukup": N_("angka 0–100, dengan PEDULI ≥ CUKUP ≥ MULAI"),
    "threshold_mulai": N_("angka 0–100, dengan PEDULI ≥ CUKUP ≥ MULAI"),
    "province_threshold": N_("angka 0–100"),
    "aksi_target": N_("angka 0–100"),
    "aksi_actions": N_("jumlah aksi 1–20"),
    "aksi_rakor_weeks_before": N_("jumlah minggu 1–26"),
    "predikat_includes_handed_in": N_("true atau false"),
    "skip_weekends": N_("true atau false"),
    "skip_holidays": N_("true atau false"),
    "webhook_port": N_("nomor port 1–65535"),
    "health_port": N_("nomor port 1–65535, atau kosong"),
    "webhook_url": N_("alamat https:// lengkap; Telegram hanya mengirim ke port 443, 80, 88 atau 8443"),
    "webhook_secret": N_("1–256 karakter A–Z, a–z, 0–9, _ dan -, atau kosong (dibuat dari token)"),
    "polling_lease_seconds": N_("angka detik 2–300"),
    "log_format": N_("text atau json"),
    "tick_seconds": N_("angka detik lebih dari 0"),
    "retry_seconds": N_("angka detik lebih dari 0, paling lama 3600"),
    "review_batch_minutes": N_("angka menit 0–1440"),
    "invite_days": N_("jumlah hari lebih dari 0"),
}


def variable(field: str) -> str:
    """The environment variable of a field: ``locale`` -> ``PANTAU_LOCALE``, ``database_url`` -> ``DATABASE_URL``."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"{Settings.model_config['env_prefix']}{field}".upper()


def load_settings(**overrides: Any) -> Settings:
    """``Settings()``, with every invalid variable named in :class:`SettingsError` instead of a traceback."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        names = {}  # whatever pydantic reports (the field or the variable, any case) -> the field
        for field in Settings.model_fields:
            names[field] = names[variable(field).lower()] = field
        problems = []
        for error in exc.errors():
            loc = str(error["loc"][0]) if error["loc"] else ""
            field = names.get(loc.lower(), loc)
            name = variable(field) if field in Settings.model_fields else loc.upper()
            problems.append((name, str(error.get("input", "")), ALLOWED.get(field, N_("nilai yang sah"))))
        raise SettingsError(problems) from None


@lru_cache
def get_settings() -> Settings:
    return Settings()
