"""Hand-ins and the Kanwil's decisions as they happen, whichever way an indicator's state was changed.

Every writer of a checklist entry (``/tandai`` and the ``/checklist`` buttons through
:func:`bot.domain.checklist.set_state`, a file that raises an indicator, an import, a card of ``/verifikasi``)
calls :func:`changed` once the new state is set, in the same transaction:

* an indicator going to ``lengkap`` is **handed in**: ``handed_in_at``/``handed_in_by`` say when and by whom,
  and the Kanwil's queue is ordered by it (oldest first);
* an indicator going to ``terverifikasi`` or ``ditolak`` (*perlu perbaikan*) is a **decision** of the Kanwil:
  a ``review_notice`` row, told to the kab/kota's PIC with the other decisions of the same review sitting
  (``bot/messaging/review.py``).

Keeping a state (a link added to an indicator already handed in, a note on one sent back) is neither.
Plain Python over a session and a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.ids import key_of
from bot.core.models import ChecklistEntry, IndicatorState, ReviewNotice

VERDICTS = (IndicatorState.TERVERIFIKASI, IndicatorState.DITOLAK)


def changed(session: Session, clock: Clock, entry: ChecklistEntry, before: IndicatorState | str,
            after: IndicatorState | str, actor: int | None, reason: str | None = None) -> None:
    """``entry`` went from ``before`` to ``after`` (already set on it); ``reason``: the note given with a
    sending back (None when none was given with this change)."""
    before, after = IndicatorState(before), IndicatorState(after)
    if before is after:
        return
    if after is IndicatorState.LENGKAP:
        entry.handed_in_at = clock.now()
        entry.handed_in_by = actor
    elif after in VERDICTS:
        session.add(ReviewNotice(
            cycle_id=entry.cycle_id, region_code=entry.region_code, indicator_code=entry.indicator_code,
            verdict=after.value, reason=(reason or None) if after is IndicatorState.DITOLAK else None,
            decided_by=actor, decided_at=clock.now()))


# -- what is still to be told ----------------------------------------------------------------------------
def regions_due(session: Session, quiet_since: datetime) -> list[str]:
    """Kab/kota with decisions not yet told whose newest decision is older than ``quiet_since``: their review
    sitting is over (no decision for a few minutes)."""
    return sorted(session.exec(
        select(ReviewNotice.region_code).where(col(ReviewNotice.batch).is_(None))
        .group_by(ReviewNotice.region_code).having(func.max(ReviewNotice.decided_at) <= quiet_since)).all())


@dataclass(frozen=True)
class Batch:
    region_code: str
    number: int  # the id of its newest decision: names the batch (and the messages that tell it)
    notices: tuple[ReviewNotice, ...]


def take_batch(session: Session, region_code: str) -> Batch | None:
    """The decisions of ``region_code`` not yet told, taken as one batch by this caller; None when none is left.

    Taken with one conditional UPDATE (``batch IS NULL``) whose returned rows decide (``bot.core.claims``): a
    decision is taken by exactly one copy of the bot. Should two copies read overlapping decisions at once, each
    gets the ones it took: nothing is told twice, nothing is lost. The batch is named after the newest decision
    it took, so two batches never share a name (nor their messages a key)."""
    notices = session.exec(select(ReviewNotice).where(
        ReviewNotice.region_code == region_code, col(ReviewNotice.batch).is_(None))
        .order_by(col(ReviewNotice.id))).all()
    if not notices:
        return None
    ids = [key_of(n) for n in notices]
    taken = set(session.execute(
        update(ReviewNotice).where(col(ReviewNotice.id).in_(ids), col(ReviewNotice.batch).is_(None))
        .values(batch=max(ids)).returning(col(ReviewNotice.id)).execution_options(synchronize_session=False))
        .scalars())
    if not taken:
        return None
    return Batch(region_code, max(taken), tuple(n for n in notices if n.id in taken))


def latest_per_indicator(notices: tuple[ReviewNotice, ...]) -> list[ReviewNotice]:
    """The last decision on each indicator of a batch, in the order the indicators were first decided."""
    order: dict[str, int] = {}
    last: dict[str, ReviewNotice] = {}
    for n in sorted(notices, key=key_of):
        order.setdefault(n.indicator_code, len(order))
        last[n.indicator_code] = n
    return sorted(last.values(), key=lambda n: order[n.indicator_code])
