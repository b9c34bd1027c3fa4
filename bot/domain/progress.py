"""Progress arithmetic: two numbers per kab/kota, and the projected predikat.

Two numbers, never added up silently:

* **terverifikasi Kanwil**: indicators whose data dukung the Kanwil checked and verified
  (``terverifikasi``); only these go to the centre;
* **diajukan kab/kota**: indicators the kab/kota handed in (``lengkap``) and the Kanwil has not checked yet.

The *perkiraan predikat dari kelengkapan data dukung* (peduli, cukup peduli, mulai peduli, kurang peduli) is
the weighted share of verified indicators (0-100) against the thresholds of the settings
(``PANTAU_THRESHOLD_*``). With ``PANTAU_PREDIKAT_INCLUDES_HANDED_IN=true`` the handed-in indicators count
too, and every view says so. It is a proxy: the official value is scored per indicator by the Tim Penilai
(Permenkumham 22/2021's lampiran), which the bot does not have. The province condition ("x dari n kab/kota
peduli") and the national overview follow the same rule.

For the focal point an indicator is done once handed in (``lengkap`` or ``terverifikasi``): reminders about
what the PIC must do count those (:func:`complete_counts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.models import ChecklistEntry, Cycle, Indicator, IndicatorState
from bot.domain.catalog import CatalogSnapshot, catalog_snapshot
from bot.reference import CriterionRef, ProvinceRef, RegionRef, criteria, provinces, regions_of

VERIFIED = IndicatorState.TERVERIFIKASI.value
HANDED_IN = IndicatorState.LENGKAP.value


class KkpClass(StrEnum):
    PEDULI = "peduli"
    CUKUP_PEDULI = "cukup peduli"
    MULAI_PEDULI = "mulai peduli"
    KURANG_PEDULI = "kurang peduli"


@dataclass(frozen=True)
class Thresholds:
    """The projection's rule, all of it settings: the class limits, the province condition, and whether
    indicators handed in but not yet verified count (``PANTAU_PREDIKAT_INCLUDES_HANDED_IN``)."""

    peduli: float = 75.0
    cukup: float = 50.0
    mulai: float = 25.0
    province: float = 60.0
    includes_handed_in: bool = False

    def classify(self, score: float) -> KkpClass:
        if score >= self.peduli:
            return KkpClass.PEDULI
        if score >= self.cukup:
            return KkpClass.CUKUP_PEDULI
        if score >= self.mulai:
            return KkpClass.MULAI_PEDULI
        return KkpClass.KURANG_PEDULI

    def projected(self, verified_score: float, handed_in_score: float) -> float:
        """The score the predikat is read from: the verified share, plus the handed-in one if the setting says so."""
        return verified_score + (handed_in_score if self.includes_handed_in else 0.0)


@dataclass(frozen=True)
class CriterionProgress:
    criterion: CriterionRef
    total: int
    verified: int
    handed_in: int = 0  # lengkap: handed in, waiting for the Kanwil

    @property
    def complete(self) -> int:
        """Handed in by the kab/kota in some form (verified or waiting): nothing left for the PIC."""
        return self.verified + self.handed_in

    @property
    def verified_fraction(self) -> float:
        return self.verified / self.total if self.total else 0.0


@dataclass(frozen=True)
class RegionProgress:
    region: RegionRef
    province: ProvinceRef
    cycle: Cycle
    total: int
    verified: int  # terverifikasi Kanwil
    handed_in: int  # diajukan kab/kota (lengkap), menunggu verifikasi
    in_progress: int
    rejected: int
    verified_score: float  # weighted share of verified indicators, 0-100
    handed_in_score: float  # weighted share of handed-in indicators, 0-100
    score: float  # what the predikat is read from (see Thresholds.projected)
    klass: KkpClass
    peduli_threshold: float
    includes_handed_in: bool
    criteria: tuple[CriterionProgress, ...]
    last_updated: datetime | None
    sample_catalog: bool

    @property
    def complete(self) -> int:
        """Handed in by the kab/kota in some form (verified or waiting): nothing left for the PIC."""
        return self.verified + self.handed_in

    @property
    def not_started(self) -> int:
        return max(0, self.total - self.complete - self.in_progress - self.rejected)

    @property
    def verified_fraction(self) -> float:
        return self.verified / self.total if self.total else 0.0

    @property
    def handed_in_fraction(self) -> float:
        return self.handed_in / self.total if self.total else 0.0

    @property
    def submitted_score(self) -> float:
        """The score if the Kanwil verified everything handed in: how far the kab/kota itself has come."""
        return self.verified_score + self.handed_in_score


@dataclass(frozen=True)
class IndicatorTotals:
    """Indicators of several kab/kota together (a province, the country)."""

    total: int = 0
    verified: int = 0
    handed_in: int = 0

    @property
    def verified_fraction(self) -> float:
        return self.verified / self.total if self.total else 0.0

    @property
    def handed_in_fraction(self) -> float:
        return self.handed_in / self.total if self.total else 0.0


@dataclass(frozen=True)
class ProvinceProgress:
    province: ProvinceRef
    cycle: Cycle
    rows: tuple[RegionProgress, ...]  # sorted by the projected score, best first
    above: int  # kab/kota whose perkiraan predikat is peduli
    threshold: float  # percent of kab/kota that must be peduli
    last_updated: datetime | None
    sample_catalog: bool
    includes_handed_in: bool = False

    @property
    def fraction_above(self) -> float:
        return self.above / len(self.rows) if self.rows else 0.0

    @property
    def meets_threshold(self) -> bool:
        return self.fraction_above * 100 >= self.threshold

    @property
    def indicators(self) -> IndicatorTotals:
        return IndicatorTotals(sum(r.total for r in self.rows), sum(r.verified for r in self.rows),
                               sum(r.handed_in for r in self.rows))

    def needing_assistance(self, limit: int) -> tuple[RegionProgress, ...]:
        """"Perlu pendampingan": the kab/kota furthest behind in what they themselves handed in, worst first.

        Only kab/kota with data (one nobody touched is "belum ada data", not "behind"), and only those that
        would stay below *peduli* even if the Kanwil verified everything they handed in: a kab/kota waiting
        for verification needs the Kanwil, not assistance."""
        behind = [r for r in self.rows if r.last_updated and r.submitted_score < r.peduli_threshold]
        return tuple(sorted(behind, key=lambda r: (r.submitted_score, r.region.code))[:limit])

    def awaiting_verification(self) -> tuple[RegionProgress, ...]:
        """Kab/kota with indicators handed in and not yet checked by the Kanwil, most waiting first."""
        return tuple(sorted((r for r in self.rows if r.handed_in), key=lambda r: (-r.handed_in, r.region.code)))


@dataclass
class _Tally:
    """What the database summed up for one region: counts per state and criterion, weights, newest change."""

    states: dict[str, int]
    per_criterion: dict[int, dict[str, int]] = field(default_factory=dict)
    weight: dict[str, float] = field(default_factory=dict)  # verified / handed-in weight
    last_updated: datetime | None = None


# One GROUP BY over the active catalog's entries of some regions, built once: a /status runs it with its
# cycle and kab/kota as parameters instead of building (and keying) the same statement again.
_TALLIES = (
    sa.select(col(ChecklistEntry.region_code), col(Indicator.criterion_number), col(ChecklistEntry.state),
              func.count(), func.sum(Indicator.weight), func.max(ChecklistEntry.updated_at))
    .join(Indicator, col(Indicator.code) == ChecklistEntry.indicator_code)
    .where(col(ChecklistEntry.cycle_id) == sa.bindparam("cycle_id"), col(Indicator.active),
           col(ChecklistEntry.region_code).in_(sa.bindparam("region_codes", expanding=True)))
    .group_by(col(ChecklistEntry.region_code), col(Indicator.criterion_number), col(ChecklistEntry.state))
)


def _tallies(session: Session, cycle: Cycle, region_codes: list[str]) -> dict[str, _Tally]:
    """The counts, weights and newest change of these regions, in one query."""
    out: dict[str, _Tally] = {}
    rows = session.execute(_TALLIES, {"cycle_id": cycle.id, "region_codes": region_codes})
    for code, number, state, count, weight, updated in rows:
        tally = out.get(code)
        if tally is None:
            tally = out[code] = _Tally({})
        tally.states[state] = tally.states.get(state, 0) + count
        if state in (VERIFIED, HANDED_IN):
            per = tally.per_criterion.setdefault(number, {})
            per[state] = per.get(state, 0) + count
            tally.weight[state] = tally.weight.get(state, 0.0) + (weight or 0.0)
        if updated is not None and (tally.last_updated is None or updated > tally.last_updated):
            tally.last_updated = updated
    return out


def share_of(weight: float, catalog: CatalogSnapshot) -> float:
    total = catalog.weight_total
    return 100.0 * weight / total if total else 0.0


def _progress(region: RegionRef, cycle: Cycle, catalog: CatalogSnapshot, tally: _Tally | None,
              thresholds: Thresholds) -> RegionProgress:
    tally = tally or _Tally({})
    verified_score = share_of(tally.weight.get(VERIFIED, 0.0), catalog)
    handed_in_score = share_of(tally.weight.get(HANDED_IN, 0.0), catalog)
    score = thresholds.projected(verified_score, handed_in_score)
    states = tally.states
    return RegionProgress(
        region=region,
        province=provinces()[region.province_code],
        cycle=cycle,
        total=catalog.total,
        verified=states.get(VERIFIED, 0),
        handed_in=states.get(HANDED_IN, 0),
        in_progress=states.get(IndicatorState.PROSES.value, 0),
        rejected=states.get(IndicatorState.DITOLAK.value, 0),
        verified_score=verified_score,
        handed_in_score=handed_in_score,
        score=score,
        klass=thresholds.classify(score),
        peduli_threshold=thresholds.peduli,
        includes_handed_in=thresholds.includes_handed_in,
        criteria=tuple(
            CriterionProgress(criteria()[n], total, tally.per_criterion.get(n, {}).get(VERIFIED, 0),
                              tally.per_criterion.get(n, {}).get(HANDED_IN, 0))
            for n, total in catalog.criterion_totals
        ),
        last_updated=tally.last_updated,
        sample_catalog=catalog.is_sample,
    )


def region_progress(session: Session, cycle: Cycle, region: RegionRef, thresholds: Thresholds) -> RegionProgress:
    catalog = catalog_snapshot(session)
    return _progress(region, cycle, catalog, _tallies(session, cycle, [region.code]).get(region.code), thresholds)


def _province(province: ProvinceRef, cycle: Cycle, catalog: CatalogSnapshot, tallies: dict[str, _Tally],
              thresholds: Thresholds) -> ProvinceProgress:
    rows = sorted(
        (_progress(r, cycle, catalog, tallies.get(r.code), thresholds) for r in regions_of(province.code)),
        key=lambda p: (-p.score, -p.submitted_score, p.region.code),
    )
    stamps = [p.last_updated for p in rows if p.last_updated]
    return ProvinceProgress(
        province=province,
        cycle=cycle,
        rows=tuple(rows),
        above=sum(1 for p in rows if p.klass is KkpClass.PEDULI),
        threshold=thresholds.province,
        last_updated=max(stamps) if stamps else None,
        sample_catalog=catalog.is_sample,
        includes_handed_in=thresholds.includes_handed_in,
    )


def province_progress(
    session: Session, cycle: Cycle, province: ProvinceRef, thresholds: Thresholds
) -> ProvinceProgress:
    catalog = catalog_snapshot(session)
    tallies = _tallies(session, cycle, [r.code for r in regions_of(province.code)])
    return _province(province, cycle, catalog, tallies, thresholds)


def complete_counts(session: Session, cycle: Cycle, region_codes: set[str] | None = None) -> dict[str, int]:
    """Indicators (of the active catalog) each kab/kota has handed in, verified or still waiting for the Kanwil
    (``lengkap`` or ``terverifikasi``), in one query: what is left for its focal point is the rest."""
    stmt = (
        select(ChecklistEntry.region_code, func.count())
        .join(Indicator, col(Indicator.code) == ChecklistEntry.indicator_code)
        .where(ChecklistEntry.cycle_id == cycle.id, Indicator.active,
               col(ChecklistEntry.state).in_([HANDED_IN, VERIFIED]))
        .group_by(ChecklistEntry.region_code)
    )
    counts = dict(session.exec(stmt).all())
    if region_codes is not None:
        return {code: counts.get(code, 0) for code in region_codes}
    return counts
