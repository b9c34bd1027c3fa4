"""Every knob of the bot, read from the environment (and ``.env``) by pydantic-settings."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _env(name: str, attr: str) -> AliasChoices:
    return AliasChoices(name, attr)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    telegram_bot_token: str | None = Field(None, validation_alias=_env("TELEGRAM_BOT_TOKEN", "telegram_bot_token"))
    telegram_api_base_url: str = Field(
        "https://api.telegram.org/bot",
        validation_alias=_env("TELEGRAM_API_BASE_URL", "telegram_api_base_url"),
    )
    database_url: str = Field("sqlite:///var/pantau-ham.db", validation_alias=_env("DATABASE_URL", "database_url"))
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), validation_alias=_env("PANTAU_ADMIN_IDS", "admin_ids")
    )
    locale: str = Field("id", validation_alias=_env("PANTAU_LOCALE", "locale"))
    timezone: str = Field("Asia/Jakarta", validation_alias=_env("PANTAU_TIMEZONE", "timezone"))
    cycle: str | None = Field(None, validation_alias=_env("PANTAU_CYCLE", "cycle"))
    threshold_peduli: float = Field(75, validation_alias=_env("PANTAU_THRESHOLD_PEDULI", "threshold_peduli"))
    threshold_cukup: float = Field(50, validation_alias=_env("PANTAU_THRESHOLD_CUKUP", "threshold_cukup"))
    threshold_mulai: float = Field(25, validation_alias=_env("PANTAU_THRESHOLD_MULAI", "threshold_mulai"))
    province_threshold: float = Field(
        60, validation_alias=_env("PANTAU_PROVINCE_THRESHOLD", "province_threshold")
    )
    webhook_url: str | None = Field(None, validation_alias=_env("PANTAU_WEBHOOK_URL", "webhook_url"))
    webhook_listen: str = Field("0.0.0.0", validation_alias=_env("PANTAU_WEBHOOK_LISTEN", "webhook_listen"))
    webhook_port: int = Field(8443, validation_alias=_env("PANTAU_WEBHOOK_PORT", "webhook_port"))
    webhook_secret: str | None = Field(None, validation_alias=_env("PANTAU_WEBHOOK_SECRET", "webhook_secret"))

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
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @field_validator("threshold_mulai")
    @classmethod
    def _ordered(cls, value: float, info) -> float:
        data = info.data
        if not (data.get("threshold_peduli", 75) >= data.get("threshold_cukup", 50) >= value >= 0):
            raise ValueError("thresholds must satisfy PEDULI >= CUKUP >= MULAI >= 0")
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
