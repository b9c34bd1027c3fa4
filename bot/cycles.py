"""KKP HAM cycles. "KKP HAM Tahun N" rates data of year N and is awarded on 10 December N+1."""

from __future__ import annotations

import re
from datetime import UTC

from sqlmodel import Session, select

from bot.clock import Clock
from bot.models import Cycle


def parse_cycle(text: str) -> tuple[int, int]:
    """``"2026"`` (award year) -> (2025, 2026); ``"2025/2026"`` -> (2025, 2026)."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:/\s*(\d{4})\s*)?", text or "")
    if not m:
        raise ValueError(f"PANTAU_CYCLE must look like 2026 or 2025/2026, not {text!r}")
    if m.group(2):
        data_year, award_year = int(m.group(1)), int(m.group(2))
    else:
        award_year = int(m.group(1))
        data_year = award_year - 1
    if not data_year <= award_year <= data_year + 2:
        raise ValueError("the award year must follow the data year")
    return data_year, award_year


def current_cycle(session: Session, clock: Clock, setting: str | None) -> Cycle:
    """The cycle in force: ``PANTAU_CYCLE``, or the one awarded this calendar year."""
    if setting:
        data_year, award_year = parse_cycle(setting)
    else:
        award_year = clock.now().astimezone(UTC).year
        data_year = award_year - 1
    query = select(Cycle).where(Cycle.data_year == data_year, Cycle.award_year == award_year)
    cycle = session.exec(query).first()
    if cycle is None:  # the first request of a new cycle; two copies (or threads) may ask at once
        from bot.claims import dialect_insert

        session.execute(dialect_insert(session)(Cycle).values(data_year=data_year, award_year=award_year)
                        .on_conflict_do_nothing(index_elements=["data_year", "award_year"]))
        cycle = session.exec(query).one()
    return cycle
