"""Aksi HAM: which kab/kota reported which period (B04, B08, B12) of which year."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.clock import Clock
from bot.errors import UserError
from bot.i18n import N_
from bot.models import AksiReport
from bot.reference import RegionRef

PERIODS = ("B04", "B08", "B12")


def parse_period(text: str) -> str:
    period = text.strip().upper()
    if period not in PERIODS:
        raise UserError(N_("Periode “{value}” tidak dikenal: B04, B08 atau B12."), value=text)
    return period


def record_report(session: Session, clock: Clock, region: RegionRef, year: int, period: str,
                  score: float | None, actor: int | None) -> AksiReport:
    if score is not None and not 0 <= score <= 100:
        raise UserError(N_("Skor harus 0-100."))
    report = session.exec(select(AksiReport).where(
        AksiReport.region_code == region.code, AksiReport.year == year, AksiReport.period == period)).first()
    if report is None:
        report = AksiReport(region_code=region.code, year=year, period=period, reported_at=clock.now())
        session.add(report)
    report.score = score if score is not None else report.score
    report.recorded_by = actor
    report.reported_at = clock.now()
    session.flush()
    return report


def reported_regions(session: Session, year: int, period: str) -> set[str]:
    return set(session.exec(select(AksiReport.region_code).where(AksiReport.year == year, AksiReport.period == period)))


def reports_of(session: Session, region: RegionRef, year: int) -> dict[str, AksiReport]:
    rows = session.exec(select(AksiReport).where(AksiReport.region_code == region.code, AksiReport.year == year))
    return {r.period: r for r in rows}
