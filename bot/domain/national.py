"""The national overview (``/status nasional``): per province, how many kab/kota the perkiraan predikat puts
at *peduli* (by the same rule as a province's, see :mod:`bot.domain.progress`), and their indicators verified by the
Kanwil and handed in by the kab/kota."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.models import ChecklistEntry, Cycle, Indicator
from bot.domain.catalog import catalog_snapshot
from bot.domain.progress import HANDED_IN, VERIFIED, IndicatorTotals, KkpClass, Thresholds, share_of
from bot.reference import ProvinceRef, provinces, regions


@dataclass(frozen=True)
class ProvinceShare:
    """A province in the national overview: how many of its kab/kota are projected peduli, and its indicators."""

    province: ProvinceRef
    regions: int
    above: int
    threshold: float  # percent of kab/kota that must be peduli
    with_data: int = 0  # kab/kota whose checklist somebody has filled in this cycle
    indicators: IndicatorTotals = IndicatorTotals()

    @property
    def fraction_above(self) -> float:
        return self.above / self.regions if self.regions else 0.0

    @property
    def without_data(self) -> int:
        return self.regions - self.with_data

    @property
    def meets_threshold(self) -> bool:
        return self.fraction_above * 100 >= self.threshold


@dataclass(frozen=True)
class NationalProgress:
    cycle: Cycle
    provinces: tuple[ProvinceShare, ...]  # best share of kab/kota peduli first
    threshold: float
    last_updated: datetime | None
    sample_catalog: bool
    includes_handed_in: bool = False

    @property
    def regions(self) -> int:
        return sum(p.regions for p in self.provinces)

    @property
    def above(self) -> int:
        return sum(p.above for p in self.provinces)

    @property
    def provinces_meeting(self) -> int:
        return sum(1 for p in self.provinces if p.meets_threshold)

    @property
    def indicators(self) -> IndicatorTotals:
        return IndicatorTotals(sum(p.indicators.total for p in self.provinces),
                               sum(p.indicators.verified for p in self.provinces),
                               sum(p.indicators.handed_in for p in self.provinces))


def national_progress(session: Session, cycle: Cycle, thresholds: Thresholds) -> NationalProgress:
    """Every province: x of n kab/kota projected peduli, and its verified and handed-in indicators. One
    GROUP BY per region and state over the whole country, one MAX for the newest change."""
    catalog = catalog_snapshot(session)
    done = session.exec(
        select(ChecklistEntry.region_code, ChecklistEntry.state, func.count(), func.sum(Indicator.weight))
        .join(Indicator, col(Indicator.code) == ChecklistEntry.indicator_code)
        .where(ChecklistEntry.cycle_id == cycle.id, col(ChecklistEntry.state).in_([VERIFIED, HANDED_IN]),
               Indicator.active)
        .group_by(ChecklistEntry.region_code, ChecklistEntry.state)
    ).all()
    # the newest change of the cycle (an index look-up; entries of retired indicators count too)
    last = session.exec(select(func.max(ChecklistEntry.updated_at)).where(ChecklistEntry.cycle_id == cycle.id)).one()
    weights: dict[str, dict[str, float]] = {}
    counts: dict[str, dict[str, int]] = {}  # province -> state -> indicators
    for code, state, count, weight in done:
        if code not in regions():
            continue
        weights.setdefault(code, {})[state] = weight or 0.0
        per = counts.setdefault(regions()[code].province_code, {})
        per[state] = per.get(state, 0) + count
    peduli: dict[str, int] = {}
    for code, w in weights.items():
        score = thresholds.projected(share_of(w.get(VERIFIED, 0.0), catalog), share_of(w.get(HANDED_IN, 0.0), catalog))
        if thresholds.classify(score) is KkpClass.PEDULI:
            province = regions()[code].province_code
            peduli[province] = peduli.get(province, 0) + 1
    touched = session.exec(
        select(ChecklistEntry.region_code).where(ChecklistEntry.cycle_id == cycle.id).distinct()).all()
    members: dict[str, int] = {}
    with_data: dict[str, int] = {}
    for region in regions().values():
        members[region.province_code] = members.get(region.province_code, 0) + 1
    for code in touched:
        if code in regions():
            province = regions()[code].province_code
            with_data[province] = with_data.get(province, 0) + 1

    def share(code: str, p: ProvinceRef) -> ProvinceShare:
        n = members.get(code, 0)
        c = counts.get(code, {})
        return ProvinceShare(p, n, peduli.get(code, 0), thresholds.province, with_data.get(code, 0),
                             IndicatorTotals(n * catalog.total, c.get(VERIFIED, 0), c.get(HANDED_IN, 0)))

    rows = sorted(  # provinces with no data at all last: they are not "0 %", they have not started
        (share(code, p) for code, p in provinces().items()),
        key=lambda p: (p.with_data == 0, -p.fraction_above, -p.above, -p.indicators.verified, p.province.code),
    )
    return NationalProgress(cycle, tuple(rows), thresholds.province, last, catalog.is_sample,
                            thresholds.includes_handed_in)
