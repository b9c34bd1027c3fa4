"""Aksi HAM: which kab/kota reported which period (B04, B08, B12) of which year."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from bot import audit, periods
from bot.clock import Clock
from bot.errors import UserError
from bot.i18n import N_
from bot.models import AksiReport
from bot.reference import RegionRef

# The periods are data (``bot/periods.py``, ``bot/reference/aksi_periods.csv``); these two names are
# the newest rows, for callers that have no year at hand. Each report is cumulative from January.
PERIODS = periods.codes()
LAST_MONTH = {p.code: p.last_month for p in periods.periods()}
PERIOD_RE = re.compile(r"^B\d{1,3}$", re.IGNORECASE)


def looks_like_period(text: str) -> bool:
    """``B04``, ``b8``, ``B13``: meant as a period (valid or not), not as part of a region's name."""
    return bool(PERIOD_RE.match(text.strip()))


def parse_period(text: str, year: int | None = None) -> str:
    """``b08`` -> ``B08``, when it is a period of ``year`` (None: of the newest rows)."""
    found = periods.period_of(text, year)
    if found is None:
        raise UserError(N_("Periode “{value}” tidak sah; pakai salah satu periode Aksi HAM: {choices} (laporan "
                           "kumulatif sejak Januari)."), value=text, choices=", ".join(periods.codes(year)))
    return found.code


def record_report(session: Session, clock: Clock, region: RegionRef, year: int, period: str,
                  score: float | None, actor: int | None) -> AksiReport:
    if score is not None and not 0 <= score <= 100:
        raise UserError(N_("Skor harus 0-100."))
    report = session.exec(select(AksiReport).where(
        AksiReport.region_code == region.code, AksiReport.year == year, AksiReport.period == period)).first()
    before = None if report is None else {"period": period, "year": year, "score": report.score}
    if report is not None and (score is None or score == report.score):
        return report  # already recorded as it is: nothing changes, nothing is recorded
    if report is None:
        report = AksiReport(region_code=region.code, year=year, period=period, reported_at=clock.now())
        session.add(report)
    report.score = score if score is not None else report.score
    report.recorded_by = actor
    report.reported_at = clock.now()
    session.flush()
    audit.record(session, clock, actor, "aksi.record", f"{region.code}/{year}/{period}", region.code,
                 before=before, after={"period": period, "year": year, "score": report.score})
    return report


def reported_regions(session: Session, year: int, period: str) -> set[str]:
    return set(session.exec(select(AksiReport.region_code).where(AksiReport.year == year, AksiReport.period == period)))


def reports_of(session: Session, region: RegionRef, year: int) -> dict[str, AksiReport]:
    rows = session.exec(select(AksiReport).where(AksiReport.region_code == region.code, AksiReport.year == year))
    return {r.period: r for r in rows}
