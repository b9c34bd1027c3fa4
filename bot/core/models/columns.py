"""Column types every table uses: datetimes stored in UTC, Telegram ids."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, DateTime, Integer, TypeDecorator
from sqlalchemy.engine import Dialect


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC (portable to SQLite), hands back aware UTC datetimes."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# A Telegram user id (above 2^31 today) in a column that was created INTEGER: BIGINT on PostgreSQL (migration
# i18_n_bigint_ids). SQLite stores every integer in up to 8 bytes whatever the declared type, and rebuilding
# ``event`` to rename its type is refused while reminders reference it, so there it stays INTEGER.
TELEGRAM_ID = BigInteger().with_variant(Integer(), "sqlite")


def utc_column(nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)
