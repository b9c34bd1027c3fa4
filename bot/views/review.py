"""What the verification loop tells people on its own: the PIC what the Kanwil decided on their kab/kota (one
message per review sitting), and the staf what waits for them (one line a day)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.core.models import ChecklistEntry, Cycle, IndicatorState
from bot.domain.catalog import catalog_snapshot
from bot.domain.decisions import Batch, latest_per_indicator
from bot.domain.verification import Waiting
from bot.reference import ProvinceRef, RegionRef, regions


@dataclass(frozen=True)
class Returned:
    """An indicator sent back for revision (*perlu perbaikan*), with the Kanwil's reason."""

    code: str
    text: str
    reason: str | None


@dataclass(frozen=True)
class ReviewNoticeView:
    region: RegionRef
    cycle: Cycle
    sent_back: tuple[Returned, ...]
    verified: tuple[str, ...]  # indicator codes (both lists in the order of their codes: 1.2 before 1.10)

    @property
    def empty(self) -> bool:
        return not (self.sent_back or self.verified)


def code_order(code: str) -> tuple[tuple[int, str], ...]:
    """An indicator code as people count: ``1.2`` before ``1.10``, ``2.12`` before ``10.01``."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.findall(r"\d+|[^\d.]+", code))


def review_notice(session: Session, batch: Batch) -> ReviewNoticeView | None:
    """The decisions of a batch as the PIC should read them: the last decision on each indicator, and only
    where it still stands (an indicator verified by mistake and put back to ``lengkap`` within the sitting is
    not announced). None when nothing is left to tell."""
    latest = latest_per_indicator(batch.notices)
    if not latest:
        return None
    cycle = session.get(Cycle, latest[0].cycle_id)
    assert cycle is not None  # the notice's foreign key
    codes = [n.indicator_code for n in latest]
    states = dict(session.exec(select(ChecklistEntry.indicator_code, ChecklistEntry.state).where(
        ChecklistEntry.cycle_id == cycle.id, ChecklistEntry.region_code == batch.region_code,
        col(ChecklistEntry.indicator_code).in_(codes))).all())
    texts = {i.code: i.text for i in catalog_snapshot(session).indicators}
    standing = sorted((n for n in latest if states.get(n.indicator_code) == n.verdict),
                      key=lambda n: code_order(n.indicator_code))
    view = ReviewNoticeView(
        regions()[batch.region_code], cycle,
        tuple(Returned(n.indicator_code, texts.get(n.indicator_code, ""), n.reason) for n in standing
              if n.verdict == IndicatorState.DITOLAK.value),
        tuple(n.indicator_code for n in standing if n.verdict == IndicatorState.TERVERIFIKASI.value))
    return None if view.empty else view


@dataclass(frozen=True)
class QueueLineView:
    """The daily line to a province's staf: what has been waiting for verification since before their hour."""

    province: ProvinceRef
    waiting: Waiting
