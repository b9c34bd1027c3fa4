"""Indicator states per region: reading them, changing them (with the audit trail), and their words.

The progress arithmetic (the two numbers *terverifikasi Kanwil* and *diajukan kab/kota*, and the
*perkiraan predikat dari kelengkapan data dukung*) lives in :mod:`bot.domain.progress`, the national overview in
:mod:`bot.domain.national`; their names are re-exported here for the modules that import them from this one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlmodel import Session, col, select

from bot.core import limits
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_, Term
from bot.core.ids import key_of
from bot.core.models import ChecklistEntry, Cycle, Indicator, IndicatorState
from bot.domain import audit, decisions
from bot.domain.catalog import IndicatorInfo, catalog_snapshot
from bot.domain.national import NationalProgress, ProvinceShare, national_progress
from bot.domain.progress import (
    CriterionProgress,
    IndicatorTotals,
    KkpClass,
    ProvinceProgress,
    RegionProgress,
    Thresholds,
    complete_counts,
    province_progress,
    region_progress,
)
from bot.reference import RegionRef

__all__ = [  # re-exported from bot.progress and bot.national
    "CriterionProgress", "IndicatorTotals", "KkpClass", "NationalProgress", "ProvinceProgress", "ProvinceShare",
    "RegionProgress", "Thresholds", "complete_counts", "national_progress", "province_progress",
    "region_progress",
]


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
        ChecklistEntry.cycle_id == cycle.id, col(ChecklistEntry.region_code).in_(region_codes)
    )
    for entry in session.exec(stmt):
        out[entry.region_code][entry.indicator_code] = entry
    return out


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
    from bot.core.i18n import translator

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
    """What a change did: the state before and after, the link or note it saved (None: none, or the same again),
    and the reason of a sending back (kept with the decision, not as the note)."""

    indicator: Indicator
    before: IndicatorState
    after: IndicatorState
    link: str | None = None
    note: str | None = None
    reason: str | None = None

    @property
    def kept(self) -> bool:
        """The state did not change (a link or note added, or nothing at all)."""
        return self.before is self.after


def refusal(indicator_code: str, before: IndicatorState, state: IndicatorState) -> ChecklistError:
    """Why a change ``may_set`` refused is not the sender's to make (``bot.domain.access.may_set_state``)."""
    if before is IndicatorState.TERVERIFIKASI:
        return ChecklistError(N_("Indikator {code} sudah diverifikasi Kanwil; status, data dukung, tautan dan "
                                 "catatannya hanya dapat diubah staf Bidang HAM."), code=indicator_code)
    return ChecklistError(N_("Status <b>{state}</b> hanya dapat diberikan oleh staf Bidang HAM Kanwil setelah "
                             "memeriksa data dukung."), state=Term(STATE_LABELS[state]))


MaySet = Callable[[IndicatorState, IndicatorState], bool]  # (before, after) -> allowed


def set_state(
    session: Session, clock: Clock, cycle: Cycle, region: RegionRef, indicator_code: str,
    state: IndicatorState, actor_id: int | None, evidence: str | None = None,
    may_set: MaySet | None = None, reason: str | None = None,
) -> StateChange:
    """Set one indicator's state. ``evidence`` is a data-dukung link (http/https) or a note; with a sending back
    (a change to ``ditolak``, *perlu perbaikan*) it is the reason unless ``reason`` is given (a reason chosen or
    typed after the button); a sending back needs one, and it is kept with the decision (``bot.domain.decisions``),
    not as the note. ``reason`` on an indicator already sent back is a new reason: a new decision, told to the PIC.

    ``may_set(before, after)`` is the caller's right to make this change (see ``bot.domain.access.may_set_state``);
    when it says no, nothing is changed.
    """
    indicator = session.get(Indicator, indicator_code)
    if indicator is None or not indicator.active:
        raise ChecklistError(N_("Indikator {code} tidak ada di daftar indikator."), code=indicator_code)
    entry = session.exec(
        select(ChecklistEntry).where(
            ChecklistEntry.cycle_id == cycle.id,
            ChecklistEntry.region_code == region.code,
            ChecklistEntry.indicator_code == indicator_code,
        )
    ).first()
    evidence = (evidence or "").strip()
    is_link = bool(URL_RE.match(evidence))
    before = IndicatorState(entry.state) if entry else IndicatorState.BELUM
    sending_back = state is IndicatorState.DITOLAK and before is not IndicatorState.DITOLAK
    if len(evidence) > limits.MAX_NOTE and not sending_back:
        raise ChecklistError(limits.TOO_LONG["link" if is_link else "note"], length=len(evidence),
                             limit=limits.MAX_NOTE)
    if may_set is not None and not may_set(before, state):
        raise refusal(indicator_code, before, state)
    old: dict[str, str | None] = {"state": before.value, "link": entry.link if entry else None,
                                  "note": entry.note if entry else None}
    if sending_back:
        return _send_back(session, clock, cycle, region, indicator, entry, before, actor_id,
                          evidence if reason is None else reason, old)
    if state is IndicatorState.DITOLAK and entry is not None and reason and reason.strip():
        return _new_reason(session, clock, region, indicator, entry, actor_id, reason, old)
    if _changes_nothing(old, state, evidence):
        return StateChange(indicator, before, state)  # nothing to record
    if entry is None:
        entry = ChecklistEntry(cycle_id=key_of(cycle), region_code=region.code, indicator_code=indicator_code,
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
    decisions.changed(session, clock, entry, before, state, actor_id)
    session.flush()
    audit.record(session, clock, actor_id, "checklist.state", f"{region.code}/{indicator_code}", region.code,
                 before=old, after={"state": state.value, "link": entry.link, "note": entry.note})
    saved_link = entry.link if is_link and entry.link != old["link"] else None
    saved_note = entry.note if evidence and not is_link and entry.note != old["note"] else None
    return StateChange(indicator, before, state, saved_link, saved_note)


def _send_back(session: Session, clock: Clock, cycle: Cycle, region: RegionRef, indicator: Indicator,
               entry: ChecklistEntry | None, before: IndicatorState, actor_id: int | None, reason: str,
               old: dict[str, str | None]) -> StateChange:
    """A change to *perlu perbaikan*: ``reason`` is required and told to the PIC; the note stays as it was."""
    if not reason.strip():
        raise ChecklistError(N_("Sebutkan alasan perlu perbaikan untuk indikator {code}, misalnya: Dokumen belum "
                                "ditandatangani."), code=indicator.code)
    try:
        reason = decisions.check_reason(reason)
    except UserError as exc:
        raise ChecklistError(exc.message, **exc.values) from exc
    if entry is None:
        entry = ChecklistEntry(cycle_id=key_of(cycle), region_code=region.code, indicator_code=indicator.code,
                               state=IndicatorState.DITOLAK.value, updated_at=clock.now())
        session.add(entry)
    entry.state = IndicatorState.DITOLAK.value
    entry.updated_at = clock.now()
    entry.updated_by = actor_id
    decisions.changed(session, clock, entry, before, IndicatorState.DITOLAK, actor_id, reason)
    session.flush()
    audit.record(session, clock, actor_id, "checklist.state", f"{region.code}/{indicator.code}", region.code,
                 before=old, after={"state": entry.state, "link": entry.link, "note": entry.note, "reason": reason})
    return StateChange(indicator, before, IndicatorState.DITOLAK, reason=reason)


def _new_reason(session: Session, clock: Clock, region: RegionRef, indicator: Indicator, entry: ChecklistEntry,
                actor_id: int | None, reason: str, old: dict[str, str | None]) -> StateChange:
    """*Perlu perbaikan* again, with another reason, on an indicator already sent back: a new decision of the
    Kanwil (the PIC is told, as of a sending back), never a note of the PIC's."""
    try:
        reason = decisions.check_reason(reason)
    except UserError as exc:
        raise ChecklistError(exc.message, **exc.values) from exc
    last = decisions.last_send_back(session, entry.cycle_id, region.code, indicator.code)
    if last is not None and last.reason == reason:
        return StateChange(indicator, IndicatorState.DITOLAK, IndicatorState.DITOLAK)  # the same again: nothing
    decisions.sent_back_again(session, clock, entry, actor_id, reason)
    entry.updated_at = clock.now()
    entry.updated_by = actor_id
    session.flush()
    audit.record(session, clock, actor_id, "checklist.state", f"{region.code}/{indicator.code}", region.code,
                 before=old, after={"state": entry.state, "link": entry.link, "note": entry.note, "reason": reason})
    return StateChange(indicator, IndicatorState.DITOLAK, IndicatorState.DITOLAK, reason=reason)


def _changes_nothing(old: dict[str, str | None], state: IndicatorState, evidence: str | None) -> bool:
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
