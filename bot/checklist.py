"""Indicator states per region, progress arithmetic and the projected KKP HAM class.

Progress counts an indicator as complete when it is ``lengkap`` or ``terverifikasi``.
The projected score is the weighted share of complete indicators (0-100); the class
comes from the thresholds in the settings (``PANTAU_THRESHOLD_*``): the real cut-offs
are set by the ministry each year, so they are configuration, not constants.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache

from sqlalchemy import func
from sqlmodel import Session, select

from bot import audit, limits
from bot.catalog import CatalogSnapshot, IndicatorInfo, catalog_snapshot
from bot.clock import Clock
from bot.errors import UserError
from bot.i18n import N_, Term
from bot.models import ChecklistEntry, Cycle, Indicator, IndicatorState
from bot.reference import CriterionRef, ProvinceRef, RegionRef, criteria, provinces, regions, regions_of


class KkpClass(StrEnum):
    PEDULI = "peduli"
    CUKUP_PEDULI = "cukup peduli"
    MULAI_PEDULI = "mulai peduli"
    KURANG_PEDULI = "kurang peduli"


@dataclass(frozen=True)
class Thresholds:
    peduli: float = 75.0
    cukup: float = 50.0
    mulai: float = 25.0
    province: float = 60.0

    def classify(self, score: float) -> KkpClass:
        if score >= self.peduli:
            return KkpClass.PEDULI
        if score >= self.cukup:
            return KkpClass.CUKUP_PEDULI
        if score >= self.mulai:
            return KkpClass.MULAI_PEDULI
        return KkpClass.KURANG_PEDULI


@dataclass(frozen=True)
class CriterionProgress:
    criterion: CriterionRef
    total: int
    complete: int

    @property
    def fraction(self) -> float:
        return self.complete / self.total if self.total else 0.0


@dataclass(frozen=True)
class RegionProgress:
    region: RegionRef
    province: ProvinceRef
    cycle: Cycle
    total: int
    complete: int
    verified: int
    in_progress: int
    rejected: int
    score: float  # weighted, 0-100
    klass: KkpClass
    peduli_threshold: float
    criteria: tuple[CriterionProgress, ...]
    last_updated: datetime | None
    sample_catalog: bool

    @property
    def fraction(self) -> float:
        return self.complete / self.total if self.total else 0.0


@dataclass(frozen=True)
class ProvinceProgress:
    province: ProvinceRef
    cycle: Cycle
    rows: tuple[RegionProgress, ...]  # sorted by score, best first
    above: int
    threshold: float  # percent of kab/kota that must be peduli
    last_updated: datetime | None
    sample_catalog: bool

    @property
    def fraction_above(self) -> float:
        return self.above / len(self.rows) if self.rows else 0.0

    @property
    def meets_threshold(self) -> bool:
        return self.fraction_above * 100 >= self.threshold


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: IndicatorInfo
    state: IndicatorState
    link: str | None
    note: str | None
    updated_at: datetime | None
    updated_by: int | None


def _states(session: Session, cycle: Cycle, region_codes: list[str]) -> dict[str, dict[str, ChecklistEntry]]:
    out: dict[str, dict[str, ChecklistEntry]] = {code: {} for code in region_codes}
    if not region_codes:
        return out
    stmt = select(ChecklistEntry).where(
        ChecklistEntry.cycle_id == cycle.id, ChecklistEntry.region_code.in_(region_codes)
    )
    for entry in session.exec(stmt):
        out[entry.region_code][entry.indicator_code] = entry
    return out


@dataclass
class _Tally:
    """What the database summed up for one region: counts per state and criterion, weight done, newest change."""

    states: dict[str, int]
    per_criterion: dict[int, int]
    weight_done: float = 0.0
    last_updated: datetime | None = None


def _tallies(session: Session, cycle: Cycle, region_codes: list[str] | None) -> dict[str, _Tally]:
    """One GROUP BY over the active catalog's entries (``None``: every region)."""
    complete = [IndicatorState.LENGKAP.value, IndicatorState.TERVERIFIKASI.value]
    stmt = (
        select(ChecklistEntry.region_code, Indicator.criterion_number, ChecklistEntry.state,
               func.count(), func.sum(Indicator.weight), func.max(ChecklistEntry.updated_at))
        .join(Indicator, Indicator.code == ChecklistEntry.indicator_code)
        .where(ChecklistEntry.cycle_id == cycle.id, Indicator.active)
        .group_by(ChecklistEntry.region_code, Indicator.criterion_number, ChecklistEntry.state)
    )
    if region_codes is not None:
        stmt = stmt.where(ChecklistEntry.region_code.in_(region_codes))
    out: dict[str, _Tally] = {}
    for code, number, state, count, weight, updated in session.exec(stmt):
        tally = out.setdefault(code, _Tally({}, {}))
        tally.states[state] = tally.states.get(state, 0) + count
        if state in complete:
            tally.per_criterion[number] = tally.per_criterion.get(number, 0) + count
            tally.weight_done += weight or 0.0
        if updated is not None and (tally.last_updated is None or updated > tally.last_updated):
            tally.last_updated = updated
    return out


def _progress(region: RegionRef, cycle: Cycle, catalog: CatalogSnapshot, tally: _Tally | None,
              thresholds: Thresholds) -> RegionProgress:
    tally = tally or _Tally({}, {})
    weight_total = catalog.weight_total
    score = 100.0 * tally.weight_done / weight_total if weight_total else 0.0
    states = tally.states
    return RegionProgress(
        region=region,
        province=provinces()[region.province_code],
        cycle=cycle,
        total=catalog.total,
        complete=states.get(IndicatorState.LENGKAP.value, 0) + states.get(IndicatorState.TERVERIFIKASI.value, 0),
        verified=states.get(IndicatorState.TERVERIFIKASI.value, 0),
        in_progress=states.get(IndicatorState.PROSES.value, 0),
        rejected=states.get(IndicatorState.DITOLAK.value, 0),
        score=score,
        klass=thresholds.classify(score),
        peduli_threshold=thresholds.peduli,
        criteria=tuple(
            CriterionProgress(criteria()[n], total, tally.per_criterion.get(n, 0))
            for n, total in sorted(catalog.per_criterion().items())
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
        key=lambda p: (-p.score, p.region.code),
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
    )


def province_progress(
    session: Session, cycle: Cycle, province: ProvinceRef, thresholds: Thresholds
) -> ProvinceProgress:
    catalog = catalog_snapshot(session)
    tallies = _tallies(session, cycle, [r.code for r in regions_of(province.code)])
    return _province(province, cycle, catalog, tallies, thresholds)


@dataclass(frozen=True)
class ProvinceShare:
    """A province in the national overview: how many of its kab/kota are peduli."""

    province: ProvinceRef
    regions: int
    above: int
    threshold: float  # percent of kab/kota that must be peduli
    with_data: int = 0  # kab/kota whose checklist somebody has filled in this cycle

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

    @property
    def regions(self) -> int:
        return sum(p.regions for p in self.provinces)

    @property
    def above(self) -> int:
        return sum(p.above for p in self.provinces)

    @property
    def provinces_meeting(self) -> int:
        return sum(1 for p in self.provinces if p.meets_threshold)


def national_progress(session: Session, cycle: Cycle, thresholds: Thresholds) -> NationalProgress:
    """Every province: x of n kab/kota peduli. One GROUP BY per region over the whole country (only the
    weight of complete indicators is needed), one MAX for the newest change."""
    catalog = catalog_snapshot(session)
    complete = [IndicatorState.LENGKAP.value, IndicatorState.TERVERIFIKASI.value]
    done = session.exec(
        select(ChecklistEntry.region_code, func.sum(Indicator.weight))
        .join(Indicator, Indicator.code == ChecklistEntry.indicator_code)
        .where(ChecklistEntry.cycle_id == cycle.id, ChecklistEntry.state.in_(complete), Indicator.active)
        .group_by(ChecklistEntry.region_code)
    ).all()
    # the newest change of the cycle (an index look-up; entries of retired indicators count too)
    last = session.exec(select(func.max(ChecklistEntry.updated_at)).where(ChecklistEntry.cycle_id == cycle.id)).one()
    weight_total = catalog.weight_total
    peduli: dict[str, int] = {}
    for code, weight in done:
        score = 100.0 * (weight or 0.0) / weight_total if weight_total else 0.0
        if thresholds.classify(score) is KkpClass.PEDULI and code in regions():
            province = regions()[code].province_code
            peduli[province] = peduli.get(province, 0) + 1
    touched = session.exec(select(ChecklistEntry.region_code).where(ChecklistEntry.cycle_id == cycle.id).distinct()).all()
    members: dict[str, int] = {}
    with_data: dict[str, int] = {}
    for region in regions().values():
        members[region.province_code] = members.get(region.province_code, 0) + 1
    for code in touched:
        if code in regions():
            province = regions()[code].province_code
            with_data[province] = with_data.get(province, 0) + 1
    rows = sorted(  # provinces with no data at all last: they are not "0 %", they have not started
        (ProvinceShare(p, members.get(code, 0), peduli.get(code, 0), thresholds.province, with_data.get(code, 0))
         for code, p in provinces().items()),
        key=lambda p: (p.with_data == 0, -p.fraction_above, -p.above, p.province.code),
    )
    return NationalProgress(cycle, tuple(rows), thresholds.province, last, catalog.is_sample)


def indicator_statuses(
    session: Session, cycle: Cycle, region: RegionRef, criterion: int | None = None, incomplete_only: bool = False
) -> list[IndicatorStatus]:
    """The region's indicators in catalog order, optionally one criterion, optionally only the unfinished."""
    entries = _states(session, cycle, [region.code])[region.code]
    out = []
    for ind in catalog_snapshot(session).indicators:
        if criterion is not None and ind.criterion_number != criterion:
            continue
        e = entries.get(ind.code)
        state = IndicatorState(e.state) if e else IndicatorState.BELUM
        if incomplete_only and state.is_complete:
            continue
        out.append(
            IndicatorStatus(ind, state, e.link if e else None, e.note if e else None,
                            e.updated_at if e else None, e.updated_by if e else None)
        )
    return out


class ChecklistError(UserError):
    """Bad input to a checklist change."""


URL_RE = re.compile(r"^(https?://\S+|www\.\S+\.\S+)$", re.IGNORECASE)


def normalise_link(text: str) -> str | None:
    """A data-dukung link, or None when ``text`` is not one: ``www.…`` without a scheme gets ``https://``."""
    text = text.strip()
    if not URL_RE.match(text):
        return None
    return text if text.lower().startswith(("http://", "https://")) else f"https://{text}"


# The states as people read them (messages, spreadsheets); "ditolak" is only the stored value.
STATE_LABELS = {
    IndicatorState.BELUM: N_("belum"),
    IndicatorState.PROSES: N_("proses"),
    IndicatorState.LENGKAP: N_("lengkap"),
    IndicatorState.TERVERIFIKASI: N_("terverifikasi"),
    IndicatorState.DITOLAK: N_("perlu perbaikan"),  # stored as "ditolak"; a Kanwil says "perlu perbaikan"
}
STATE_WORDS = {"perbaikan": IndicatorState.DITOLAK}  # short for "perlu perbaikan"


@cache
def _state_words() -> dict[str, IndicatorState]:
    """Every way a state is written: the stored value (``ditolak``), its label in each language."""
    from bot.i18n import translator

    words = {s.value: s for s in IndicatorState} | STATE_WORDS
    for locale in ("id", "en"):
        t = translator(locale)
        words.update({_word_key(t.gettext(label)): state for state, label in STATE_LABELS.items()})
    return words


def _word_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())


def parse_state(text: str) -> IndicatorState | None:
    """``lengkap``, ``perlu perbaikan`` (or ``perlu-perbaikan``, ``perbaikan``, ``ditolak``), ``complete``…"""
    return _state_words().get(_word_key(text))


@dataclass(frozen=True)
class StateChange:
    indicator: Indicator
    before: IndicatorState
    after: IndicatorState
    link: str | None
    note: str | None


def refusal(indicator_code: str, before: IndicatorState, state: IndicatorState) -> ChecklistError:
    """Why a change ``may_set`` refused is not the sender's to make (``bot.access.may_set_state``)."""
    if before is IndicatorState.TERVERIFIKASI:
        return ChecklistError(N_("Indikator {code} sudah diverifikasi Kanwil; status, data dukung, tautan dan "
                                 "catatannya hanya dapat diubah staf Bidang HAM."), code=indicator_code)
    return ChecklistError(N_("Status <b>{state}</b> hanya dapat diberikan oleh staf Bidang HAM Kanwil setelah "
                             "memeriksa data dukung."), state=Term(STATE_LABELS[state]))


MaySet = Callable[[IndicatorState, IndicatorState], bool]  # (before, after) -> allowed


def set_state(
    session: Session, clock: Clock, cycle: Cycle, region: RegionRef, indicator_code: str,
    state: IndicatorState, actor_id: int | None, evidence: str | None = None,
    may_set: MaySet | None = None,
) -> StateChange:
    """Set one indicator's state. ``evidence`` is a data-dukung link (http/https) or a note.

    ``may_set(before, after)`` is the caller's right to make this change (see ``bot.access.may_set_state``);
    when it says no, nothing is changed.
    """
    indicator = session.get(Indicator, indicator_code)
    if indicator is None or not indicator.active:
        raise ChecklistError(N_("Indikator {code} tidak ada di katalog."), code=indicator_code)
    entry = session.exec(
        select(ChecklistEntry).where(
            ChecklistEntry.cycle_id == cycle.id,
            ChecklistEntry.region_code == region.code,
            ChecklistEntry.indicator_code == indicator_code,
        )
    ).first()
    evidence = (evidence or "").strip()
    is_link = bool(URL_RE.match(evidence))
    if len(evidence) > limits.MAX_NOTE:
        raise ChecklistError(limits.TOO_LONG["link" if is_link else "note"], length=str(len(evidence)),
                             limit=str(limits.MAX_NOTE))
    before = IndicatorState(entry.state) if entry else IndicatorState.BELUM
    if may_set is not None and not may_set(before, state):
        raise refusal(indicator_code, before, state)
    old = {"state": before.value, "link": entry.link if entry else None, "note": entry.note if entry else None}
    if _changes_nothing(old, state, evidence):
        return StateChange(indicator, before, state, old["link"], old["note"])  # nothing to record
    if entry is None:
        entry = ChecklistEntry(cycle_id=cycle.id, region_code=region.code, indicator_code=indicator_code,
                               state=state.value, updated_at=clock.now())
        session.add(entry)
    entry.state = state.value
    entry.updated_at = clock.now()
    entry.updated_by = actor_id
    if evidence:
        if is_link:
            entry.link = normalise_link(evidence)
        else:
            entry.note = evidence
    session.flush()
    audit.record(session, clock, actor_id, "checklist.state", f"{region.code}/{indicator_code}", region.code,
                 before=old, after={"state": state.value, "link": entry.link, "note": entry.note})
    return StateChange(indicator, before, state, entry.link, entry.note)


def _changes_nothing(old: dict, state: IndicatorState, evidence: str | None) -> bool:
    """The same state, and no evidence or the same one again: nothing is changed, nothing recorded."""
    if old["state"] != state.value:
        return False
    evidence = (evidence or "").strip()
    if not evidence:
        return True
    return evidence == (old["link"] if URL_RE.match(evidence) else old["note"])


def attach_evidence(
    session: Session, clock: Clock, cycle: Cycle, region: RegionRef, indicator_code: str,
    actor_id: int | None, evidence: str, may_set: MaySet | None = None,
) -> StateChange:
    """Add a link or note to an indicator without changing its state (``may_set(state, state)`` decides,
    as for ``/tandai``: a verified indicator's evidence is the Kanwil's)."""
    current = next(
        (s for s in indicator_statuses(session, cycle, region) if s.indicator.code == indicator_code), None
    )
    state = current.state if current else IndicatorState.BELUM
    return set_state(session, clock, cycle, region, indicator_code, state, actor_id, evidence, may_set)



def complete_counts(session: Session, cycle: Cycle, region_codes: set[str] | None = None) -> dict[str, int]:
    """Complete indicators (of the active catalog) per kab/kota, in one query."""
    stmt = (
        select(ChecklistEntry.region_code, func.count())
        .join(Indicator, Indicator.code == ChecklistEntry.indicator_code)
        .where(
            ChecklistEntry.cycle_id == cycle.id,
            Indicator.active,
            ChecklistEntry.state.in_([IndicatorState.LENGKAP.value, IndicatorState.TERVERIFIKASI.value]),
        )
        .group_by(ChecklistEntry.region_code)
    )
    counts = dict(session.exec(stmt).all())
    if region_codes is not None:
        return {code: counts.get(code, 0) for code in region_codes}
    return counts
