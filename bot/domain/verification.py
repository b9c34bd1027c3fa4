"""The Kanwil's verification queue: what kab/kota handed in (``lengkap``) and nobody at the Kanwil has checked.

* **The queue** of a province or one kab/kota: oldest hand-in first (``handed_in_at``, see
  :mod:`bot.domain.decisions`), with the count per kab/kota (:func:`waiting`). The weekly digest and the daily
  line to the staf count with the same query.
* **A card** (:func:`next_card`): the next indicator to check, with its note, link and data-dukung files.
* **A decision** (:func:`decide`): verified (``terverifikasi``) or sent back (``ditolak``, *perlu perbaikan*)
  with a reason, kept with the decision (``review_notice``), never in the entry's note (the PIC's). One
  conditional UPDATE on the indicator *as the card showed it* (still ``lengkap``, not changed since): when the
  PIC changed it meanwhile or another staf decided first, its row count is 0 and nothing is changed. Every
  decision is audited and told to the kab/kota's PIC. An indicator sent back before shows that reason on its
  card again ("Alasan perbaikan sebelumnya").
* **A sitting** (:func:`sitting_cursor`, :func:`skip`): one person working through a queue. A skipped card is
  not shown again in that sitting (the cursor, kept in the database like every conversation, moves past it);
  ``/verifikasi`` starts a new sitting, where it comes back.

A staf may verify an indicator they handed in themselves (the Kanwil often enters what a kab/kota sent by other
means): the card says "Anda sendiri" and the audit trail keeps both names. A PIC never verifies
(``bot.domain.access``). Plain Python over a session and a clock; no ``telegram``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, func, or_, update
from sqlmodel import Session, col, select

from bot.core.claims import claimed
from bot.core.clock import Clock
from bot.core.ids import key_of
from bot.core.models import ChecklistEntry, Cycle, EvidenceFile, Indicator, IndicatorState, Person
from bot.domain import audit, conversations, decisions
from bot.domain.catalog import IndicatorInfo, catalog_snapshot
from bot.domain.conversations import Conversation
from bot.domain.decisions import MAX_REASON as MAX_REASON
from bot.domain.decisions import REASONS as REASONS
from bot.domain.decisions import check_reason as check_reason
from bot.reference import ProvinceRef, RegionRef, regions, regions_of

Scope = RegionRef | ProvinceRef
Cursor = tuple[datetime, int] | None  # (handed in, entry id) of the last card skipped in this sitting

SHOWN_FILES = 6  # one button per file on a card, the newest; the rest are counted
SITTING = "verifikasi"  # the conversation of a sitting: {"scope": code, "after": [iso, id] | None}
REASON = "verifikasi_alasan"  # ... while a typed reason is awaited: also {"entry", "stamp", "message"}
SITTING_TTL = timedelta(hours=2)

HANDED_IN = IndicatorState.LENGKAP.value


def codes_of(scope: Scope) -> list[str]:
    return [scope.code] if isinstance(scope, RegionRef) else [r.code for r in regions_of(scope.code)]


def _handed() -> ColumnElement[datetime]:
    """When an indicator was handed in (entries from before the column existed: their last change)."""
    return func.coalesce(col(ChecklistEntry.handed_in_at), col(ChecklistEntry.updated_at))


def _in_queue(cycle: Cycle, codes: list[str]) -> tuple[SQLColumnExpression[bool], ...]:
    return (col(ChecklistEntry.cycle_id) == cycle.id, col(ChecklistEntry.state) == HANDED_IN,
            col(ChecklistEntry.region_code).in_(codes), col(Indicator.active))


# -- the queue ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Waiting:
    """Indicators waiting for the Kanwil, per kab/kota (most waiting first)."""

    per_region: tuple[tuple[RegionRef, int], ...] = ()

    @property
    def total(self) -> int:
        return sum(n for _r, n in self.per_region)

    @property
    def regions(self) -> int:
        return len(self.per_region)


def waiting(session: Session, cycle: Cycle, scope: Scope, handed_in_before: datetime | None = None) -> Waiting:
    """What waits for verification in a province or a kab/kota (handed in before ``handed_in_before``, when
    given): one GROUP BY."""
    where = _in_queue(cycle, codes_of(scope))
    if handed_in_before is not None:
        where += (_handed() <= handed_in_before,)
    rows = session.exec(
        select(ChecklistEntry.region_code, func.count())
        .join(Indicator, col(Indicator.code) == col(ChecklistEntry.indicator_code))
        .where(*where).group_by(ChecklistEntry.region_code)).all()
    return Waiting(tuple(sorted(((regions()[code], n) for code, n in rows if code in regions()),
                                key=lambda rn: (-rn[1], rn[0].code))))


@dataclass(frozen=True)
class FileRef:
    id: int
    kind: str  # document, photo
    name: str


@dataclass(frozen=True)
class QueueItem:
    """One indicator handed in, as its card shows it."""

    entry_id: int
    region: RegionRef
    indicator: IndicatorInfo
    handed_in_at: datetime
    handed_in_by: int | None
    handed_in_name: str | None  # "Budi (@budi)", when the bot has met them
    link: str | None
    note: str | None  # the note of whoever handed it in (never the Kanwil's reason)
    earlier: decisions.SendBack | None  # the Kanwil sent it back before: why ("Alasan perbaikan sebelumnya")
    stamp: int  # when the entry last changed (whole seconds): a decision applies to the card as it was shown
    files: tuple[FileRef, ...]  # the newest SHOWN_FILES
    file_total: int

    @property
    def key(self) -> tuple[datetime, int]:
        return self.handed_in_at, self.entry_id


@dataclass(frozen=True)
class Card:
    scope: Scope
    waiting: Waiting
    skipped: int  # cards of the queue skipped in this sitting
    item: QueueItem | None  # None: nothing left to show in this sitting


def stamp_of(moment: datetime) -> int:
    return int(moment.timestamp())


def _skipped(session: Session, cycle: Cycle, scope: Scope, after: Cursor) -> int:
    """Cards of the queue at or before the sitting's cursor: skipped and still waiting."""
    if after is None:
        return 0
    at, entry_id = after
    handed = _handed()
    return session.exec(select(func.count()).select_from(ChecklistEntry)
                        .join(Indicator, col(Indicator.code) == col(ChecklistEntry.indicator_code))
                        .where(*_in_queue(cycle, codes_of(scope)),
                               or_(handed < at, and_(handed == at, col(ChecklistEntry.id) <= entry_id)))).one()


def next_card(session: Session, cycle: Cycle, scope: Scope, after: Cursor = None) -> Card:
    """The oldest hand-in of ``scope`` after ``after`` (the sitting's last skipped card), and the queue's counts."""
    handed = _handed()
    later: tuple[ColumnElement[bool], ...] = ()
    if after is not None:
        at, entry_id = after
        later = (or_(handed > at, and_(handed == at, col(ChecklistEntry.id) > entry_id)),)
    entry = session.exec(select(ChecklistEntry)
                         .join(Indicator, col(Indicator.code) == col(ChecklistEntry.indicator_code))
                         .where(*_in_queue(cycle, codes_of(scope)), *later)
                         .order_by(handed, col(ChecklistEntry.id)).limit(1)).first()
    return Card(scope, waiting(session, cycle, scope), _skipped(session, cycle, scope, after),
                _item(session, entry) if entry else None)


def card_of(session: Session, cycle: Cycle, scope: Scope, entry_id: int, after: Cursor = None) -> Card | None:
    """The card of ``entry_id`` again (asking for a reason, back from it); None when it left the queue."""
    entry = session.get(ChecklistEntry, entry_id)
    if (entry is None or entry.cycle_id != cycle.id or entry.state != HANDED_IN
            or entry.region_code not in codes_of(scope)):
        return None
    return Card(scope, waiting(session, cycle, scope), _skipped(session, cycle, scope, after), _item(session, entry))


def _item(session: Session, entry: ChecklistEntry) -> QueueItem:
    info = next((i for i in catalog_snapshot(session).indicators if i.code == entry.indicator_code), None)
    if info is None:  # not in the catalog in force (the queue joins active indicators): as stored
        ind = session.get(Indicator, entry.indicator_code)
        assert ind is not None  # the entry's foreign key
        info = IndicatorInfo(ind.code, ind.criterion_number, ind.kind, ind.text, ind.weight, ind.position)
    where = (EvidenceFile.cycle_id == entry.cycle_id, EvidenceFile.region_code == entry.region_code,
             EvidenceFile.indicator_code == entry.indicator_code)
    total = session.exec(select(func.count()).select_from(EvidenceFile).where(*where)).one()
    newest = session.exec(select(EvidenceFile).where(*where)
                          .order_by(col(EvidenceFile.id).desc()).limit(SHOWN_FILES)).all()
    by = entry.handed_in_by if entry.handed_in_at is not None else entry.updated_by
    earlier = decisions.last_send_back(session, entry.cycle_id, entry.region_code, entry.indicator_code)
    note = entry.note
    if earlier is not None and note == earlier.reason:  # stored as the note before the reason was kept apart
        note = None
    return QueueItem(
        key_of(entry), regions()[entry.region_code], info, entry.handed_in_at or entry.updated_at, by,
        person_name(session, by), entry.link, note, earlier, stamp_of(entry.updated_at),
        tuple(FileRef(key_of(f), f.kind, f.file_name) for f in reversed(newest)), total)


def person_name(session: Session, user_id: int | None) -> str | None:
    person = session.get(Person, user_id) if user_id is not None else None
    if person is None:
        return None
    name = person.first_name or ""
    if person.username:
        name = f"{name} (@{person.username})" if name else f"@{person.username}"
    return name or None


def entry_region(session: Session, cycle: Cycle, entry_id: int) -> RegionRef | None:
    """The kab/kota of a queue entry of this cycle (what a card's button is checked against); None if none."""
    entry = session.get(ChecklistEntry, entry_id)
    if entry is None or entry.cycle_id != cycle.id:
        return None
    return regions().get(entry.region_code)


def file_of(session: Session, cycle: Cycle, file_id: int) -> tuple[EvidenceFile, RegionRef] | None:
    row = session.get(EvidenceFile, file_id)
    if row is None or row.cycle_id != cycle.id or row.region_code not in regions():
        return None
    return row, regions()[row.region_code]


# -- deciding -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    region: RegionRef
    code: str
    verdict: IndicatorState
    reason: str | None
    done: bool  # False: the indicator was no longer as the card showed it; nothing changed
    state: IndicatorState  # its state now


def decide(session: Session, clock: Clock, cycle: Cycle, entry_id: int, stamp: int, verdict: IndicatorState,
           actor: int | None, reason: str | None = None) -> Decision | None:
    """Verify (``terverifikasi``) or send back (``ditolak`` with ``reason``) the entry the card showed
    (``stamp``: when it last changed, as shown). None for an entry that does not exist in this cycle."""
    if verdict not in decisions.VERDICTS:
        raise ValueError(verdict)
    if verdict is IndicatorState.DITOLAK:
        reason = check_reason(reason or "")
    entry = session.get(ChecklistEntry, entry_id)
    if entry is None or entry.cycle_id != cycle.id or entry.region_code not in regions():
        return None
    region = regions()[entry.region_code]
    shown = datetime.fromtimestamp(stamp, UTC)
    before = {"state": entry.state, "link": entry.link, "note": entry.note}
    values: dict[str, object] = {"state": verdict.value, "updated_at": clock.now(), "updated_by": actor}
    won = claimed(session, update(ChecklistEntry).where(
        col(ChecklistEntry.id) == entry_id, col(ChecklistEntry.state) == HANDED_IN,
        col(ChecklistEntry.updated_at) >= shown, col(ChecklistEntry.updated_at) < shown + timedelta(seconds=1),
    ).values(**values))
    session.refresh(entry)
    if not won:
        return Decision(region, entry.indicator_code, verdict, reason, False, IndicatorState(entry.state))
    audit.record(session, clock, actor, "checklist.state", f"{region.code}/{entry.indicator_code}", region.code,
                 before=before, after={"state": entry.state, "link": entry.link, "note": entry.note,
                                       "reason": reason, "via": "verifikasi"})
    decisions.changed(session, clock, entry, IndicatorState.LENGKAP, verdict, actor, reason)
    session.flush()
    return Decision(region, entry.indicator_code, verdict, reason, True, verdict)


# -- a sitting ---------------------------------------------------------------------------------------------------
def _cursor(data: dict[str, Any]) -> Cursor:
    after = data.get("after")
    if not after:
        return None
    return datetime.fromisoformat(after[0]), int(after[1])


def sitting_cursor(session: Session, clock: Clock, chat_id: int, user_id: int, scope: Scope) -> Cursor:
    """Where this person's sitting on ``scope`` stands: past the last card they skipped (None: from the start)."""
    open_ = conversations.current(session, clock, chat_id, user_id)
    if open_ is None or open_.kind not in (SITTING, REASON) or open_.data.get("scope") != scope.code:
        return None
    return _cursor(open_.data)


def keep_sitting(session: Session, clock: Clock, chat_id: int, user_id: int, scope: Scope, after: Cursor) -> None:
    """Start or continue the sitting (``after``: the last card skipped)."""
    data = {"scope": scope.code, "after": [after[0].isoformat(), after[1]] if after else None}
    conversations.save(session, clock, chat_id, user_id, Conversation(SITTING, "card", data), SITTING_TTL)


def skip(session: Session, clock: Clock, cycle: Cycle, chat_id: int, user_id: int, scope: Scope,
         entry_id: int) -> None:
    """Skip the card of ``entry_id`` in this sitting: the cursor moves past it (never back)."""
    entry = session.get(ChecklistEntry, entry_id)
    after = sitting_cursor(session, clock, chat_id, user_id, scope)
    if entry is not None and entry.cycle_id == cycle.id:
        key = (entry.handed_in_at or entry.updated_at, key_of(entry))
        after = key if after is None or key > after else after
    keep_sitting(session, clock, chat_id, user_id, scope, after)


def ask_reason(session: Session, clock: Clock, chat_id: int, user_id: int, scope: Scope, entry_id: int, stamp: int,
               message_id: int | None) -> None:
    """"Tulis alasan": the next message of this person in this chat is the reason for sending ``entry_id`` back."""
    after = sitting_cursor(session, clock, chat_id, user_id, scope)
    data = {"scope": scope.code, "after": [after[0].isoformat(), after[1]] if after else None, "entry": entry_id,
            "stamp": stamp, "message": message_id}
    conversations.save(session, clock, chat_id, user_id, Conversation(REASON, "reason", data), SITTING_TTL)


@dataclass(frozen=True)
class AwaitedReason:
    scope_code: str
    after: Cursor
    entry_id: int
    stamp: int
    message_id: int | None


def awaited_reason(conversation: Conversation) -> AwaitedReason:
    data = conversation.data
    return AwaitedReason(str(data["scope"]), _cursor(data), int(data["entry"]), int(data["stamp"]),
                         data.get("message"))
