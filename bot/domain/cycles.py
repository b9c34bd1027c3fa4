"""KKP HAM cycles. "KKP HAM Tahun N" rates data of year N and is awarded on 10 December N+1."""

from __future__ import annotations

from datetime import UTC

from sqlmodel import Session, select

from bot.core.clock import Clock
from bot.core.cycle_years import parse_cycle
from bot.core.models import Cycle


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
        from bot.core.claims import dialect_insert

        session.execute(dialect_insert(session)(Cycle).values(data_year=data_year, award_year=award_year)
                        .on_conflict_do_nothing(index_elements=["data_year", "award_year"]))
        cycle = session.exec(query).one()
    return cycle
