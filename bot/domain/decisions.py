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

The reason of a sending back is kept here, in its ``review_notice`` row, and nowhere else: never in the entry's
note, which is the PIC's (or whoever wrote it). :func:`last_send_back` reads it again: the PIC's ``/checklist``
shows it while the indicator is *perlu perbaikan*, the Kanwil's card "Alasan perbaikan sebelumnya" once it is
handed in again. Plain Python over a session and a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.core import limits
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.ids import key_of
from bot.core.models import ChecklistEntry, IndicatorState, ReviewNotice

VERDICTS = (IndicatorState.TERVERIFIKASI, IndicatorState.DITOLAK)

# the reasons a Kanwil most often sends a document back (domain.md), offered by /verifikasi and /checklist alike;
# stored in Indonesian and shown in the reader's language
REASONS = (
    N_("Dokumen tidak sesuai indikator"),
    N_("Dokumen belum ditandatangani/disahkan"),
    N_("Dokumen tidak lengkap"),
    N_("Tautan tidak dapat dibuka"),
    N_("Dokumen bukan tahun yang dinilai"),
)
MAX_REASON = limits.MAX_NOTE


def check_reason(text: str | None) -> str:
    """A reason typed by the staf: not empty, at most ``MAX_REASON`` characters."""
    text = (text or "").strip()
    if not text:
        raise UserError(N_("Tulis alasannya dalam satu pesan, misalnya: Dokumen belum ditandatangani."))
    if len(text) > MAX_REASON:
        raise UserError(N_("Alasan terlalu panjang: {length} karakter, paling banyak {limit}."),
                        length=len(text), limit=MAX_REASON)
    return text


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


def sent_back_again(session: Session, clock: Clock, entry: ChecklistEntry, actor: int | None, reason: str) -> None:
    """The Kanwil gives an indicator already sent back another reason: a decision of its own (the PIC is told)."""
    session.add(ReviewNotice(
        cycle_id=entry.cycle_id, region_code=entry.region_code, indicator_code=entry.indicator_code,
        verdict=IndicatorState.DITOLAK.value, reason=reason, decided_by=actor, decided_at=clock.now()))


@dataclass(frozen=True)
class SendBack:
    """The Kanwil's last decision on an indicator, when it was a sending back: its reason (None: none written)."""

    reason: str | None
    decided_at: datetime


def last_send_back(session: Session, cycle_id: int, region_code: str, indicator_code: str) -> SendBack | None:
    """The reason the indicator was last sent back, when the Kanwil's last decision on it was a sending back
    (None when it was never decided on, or last verified)."""
    last = session.exec(select(ReviewNotice).where(
        ReviewNotice.cycle_id == cycle_id, ReviewNotice.region_code == region_code,
        ReviewNotice.indicator_code == indicator_code).order_by(col(ReviewNotice.id).desc()).limit(1)).first()
    if last is None or last.verdict != IndicatorState.DITOLAK.value:
        return None
    return SendBack(last.reason, last.decided_at)


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
