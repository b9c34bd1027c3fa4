"""Time zones: the one place a ``ZoneInfo`` is made (``zone``), and the label Indonesians read (``label``).

Times are stored in UTC and shown in the zone of the region they concern (``Asia/Jakarta`` WIB,
``Asia/Makassar`` WITA, ``Asia/Jayapura`` WIT; ``PANTAU_TIMEZONE`` where no region is at hand)."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo

from bot.reference import zone_abbreviation


@cache
def zone(name: str) -> ZoneInfo:
    """The zone called ``name`` (an IANA key); ``zoneinfo.ZoneInfoNotFoundError`` for an unknown one."""
    return ZoneInfo(name)


def label(name: str) -> str:
    """WIB, WITA or WIT for Indonesia's zones; the key itself for any other."""
    return zone_abbreviation(name)
