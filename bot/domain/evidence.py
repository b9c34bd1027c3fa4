"""Data-dukung files sent to the bot: attached to one indicator of one kab/kota, kept on Telegram.

The file itself stays on Telegram's servers; the bot stores its ``file_id`` (to send it back),
name, size, who sent it and when. Attaching a file raises the indicator to at least ``proses``
(``belum`` and ``ditolak`` become ``proses``; a file sent after "perlu perbaikan" is the revision).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.i18n import N_
from bot.core.ids import key_of
from bot.core.models import Cycle, EvidenceFile, Indicator, IndicatorState
from bot.domain import audit
from bot.domain.checklist import MaySet, StateChange, indicator_statuses, refusal, set_state
from bot.reference import RegionRef

RAISED_TO_PROSES = (IndicatorState.BELUM, IndicatorState.DITOLAK)
PHOTO_NAME = "foto.jpg"  # what an incoming photo is called until it is attached, then "foto-1.jpg", "foto-2.jpg" …


@dataclass(frozen=True)
class IncomingFile:
    kind: str  # document, photo
    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str | None
    file_size: int | None


@dataclass(frozen=True)
class Attached:
    region: RegionRef
    indicator: Indicator
    file: EvidenceFile
    change: StateChange | None  # when the state was raised
    state: IndicatorState
    count: int  # files of this indicator now


CODE_LIKE = re.compile(r"^\d{1,2}[.,]\d{1,3}[a-z]?$", re.IGNORECASE)  # how an indicator code looks (3.02, 3,02)
CODE_PARTS = re.compile(r"^(\d{1,2})[.,](\d{1,3})([a-z]?)$", re.IGNORECASE)
FILLERS = {"indikator", "ind", "ind.", "kode", "no", "no.", "nomor"}  # "indikator 3.05", "kode 3.05"


def indicator_code(token: str, codes: set[str], lenient: bool = True) -> str | None:
    """The code of ``codes`` that ``token`` names as people type it: ``3.02``, ``3,02`` (a decimal comma),
    ``3.2`` or ``03.02`` (when the catalog writes ``3.02``; whatever the catalog's own zero-padding, as long as one
    code alone fits); None for anything else. Not ``lenient`` (a group's captions, which are also people's
    messages: "rapat 1.5 jam"): only a code exactly as the catalog writes it."""
    token = token.strip(".,;:()")
    if token in codes:
        return token
    parts = CODE_PARTS.match(token) if lenient else None
    if parts is None:
        return None
    criterion, number, suffix = int(parts[1]), int(parts[2]), parts[3]
    spellings = {f"{c}.{n}{s}" for c in (f"{criterion}", f"{criterion:02d}") for n in (f"{number}", f"{number:02d}",
                 f"{number:03d}") for s in {suffix, suffix.lower(), suffix.upper()}}
    found = spellings & codes
    return next(iter(found)) if len(found) == 1 else None


def _tokens(caption: str) -> list[str]:
    """Words of a caption; ``3.02,3.03`` is two, ``3,04`` (a decimal comma) is one."""
    out: list[str] = []
    for word in caption.split():
        stripped = word.strip(".;:()")
        pieces = [stripped] if CODE_LIKE.match(stripped.rstrip(",")) else word.split(",")
        out.extend(p for p in (piece.strip(".,;:()") for piece in pieces) if p)
    return out


def parse_caption(caption: str, codes: set[str], lenient: bool = True) -> tuple[str, str] | None:
    """``"3.02"`` -> ("", "3.02"); ``"Tanah Laut 3.02"`` or ``"Tanah Laut indikator 3,02"`` -> ("Tanah Laut",
    "3.02"); None without a code. Two codes (``"1.01 1.02"``) are refused: one file is for one indicator.
    ``lenient``: see :func:`indicator_code`."""
    tokens = _tokens(caption)
    found = [(i, code) for i, token in enumerate(tokens) if (code := indicator_code(token, codes, lenient))]
    if not found:
        return None
    if len({code for _, code in found}) > 1:
        raise UserError(N_("Satu berkas untuk satu indikator: kirim berkas ini dengan satu kode, mis. {code}."),
                        code=found[0][1])
    rest = [token for i, token in enumerate(tokens) if i not in {j for j, _ in found}]
    return " ".join(token for token in rest if token.lower() not in FILLERS).strip(), found[0][1]


def unknown_code(caption: str, codes: set[str], whole: bool = False) -> str | None:
    """The first word of ``caption`` written like an indicator code that is not one of ``codes`` (``3.99``),
    so the sender can be told which; with ``whole``, only when the caption is nothing else (in groups)."""
    tokens = [token for token in _tokens(caption) if token.lower() not in FILLERS]
    if whole and len(tokens) != 1:
        return None
    return next((token for token in tokens if CODE_LIKE.match(token) and not indicator_code(token, codes)), None)


def current_state(session: Session, cycle: Cycle, region: RegionRef, code: str) -> IndicatorState:
    status = next((s for s in indicator_statuses(session, cycle, region) if s.indicator.code == code), None)
    if status is None:
        raise UserError(N_("Indikator {code} tidak ada di daftar indikator."), code=code)
    return status.state


def attach(session: Session, clock: Clock, cycle: Cycle, region: RegionRef, code: str, incoming: IncomingFile,
           actor: int | None, may_set: MaySet | None = None) -> Attached:
    """Attach ``incoming``; ``may_set(before, after)`` is the sender's right (``bot.domain.access.may_set_state``,
    as for ``/tandai``): a file is evidence (``may_set(state, state)``: a verified indicator's evidence is the
    Kanwil's), and raising ``belum``/``ditolak`` to ``proses`` is a change of state."""
    before = current_state(session, cycle, region, code)
    if may_set is not None:
        if not may_set(before, before):
            raise refusal(code, before, before)
        if before in RAISED_TO_PROSES and not may_set(before, IndicatorState.PROSES):
            raise refusal(code, before, IndicatorState.PROSES)
    name = incoming.file_name[:255]
    if incoming.file_name == PHOTO_NAME:  # Telegram gives a photo no name: "foto-3.jpg", the next free number here
        taken = {f.file_name for f in files_of(session, cycle, region, code)}
        name = next(f"foto-{n}.jpg" for n in range(1, len(taken) + 2) if f"foto-{n}.jpg" not in taken)
    row = EvidenceFile(
        cycle_id=key_of(cycle), region_code=region.code, indicator_code=code, kind=incoming.kind,
        file_id=incoming.file_id, file_unique_id=incoming.file_unique_id, file_name=name,
        mime_type=incoming.mime_type, file_size=incoming.file_size, uploaded_by=actor, uploaded_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(session, clock, actor, "evidence.attach", f"{region.code}/{code}", region.code,
                 after={"file": row.file_name, "size": row.file_size, "kind": row.kind})
    change = None
    if before in RAISED_TO_PROSES:
        change = set_state(session, clock, cycle, region, code, IndicatorState.PROSES, actor)
    count = len(files_of(session, cycle, region, code))
    indicator = session.get(Indicator, code)
    assert indicator is not None  # the row's foreign key, flushed above
    return Attached(region, indicator, row, change, change.after if change else before, count)


def files_of(session: Session, cycle: Cycle, region: RegionRef, code: str) -> list[EvidenceFile]:
    return list(session.exec(
        select(EvidenceFile).where(EvidenceFile.cycle_id == cycle.id, EvidenceFile.region_code == region.code,
                                   EvidenceFile.indicator_code == code).order_by(col(EvidenceFile.id))))


def count(session: Session, cycle: Cycle, region: RegionRef, code: str) -> int:
    return newest(session, cycle, region, code, 0)[1]


def newest(session: Session, cycle: Cycle, region: RegionRef, code: str, limit: int,
           ) -> tuple[list[EvidenceFile], int]:
    """The ``limit`` newest files of an indicator (oldest of them first) and how many it has in all."""
    where = (EvidenceFile.cycle_id == cycle.id, EvidenceFile.region_code == region.code,
             EvidenceFile.indicator_code == code)
    total = session.exec(select(func.count()).select_from(EvidenceFile).where(*where)).one()
    rows = session.exec(select(EvidenceFile).where(*where).order_by(col(EvidenceFile.id).desc()).limit(limit)).all()
    return list(reversed(rows)), total


def counts(session: Session, cycle: Cycle, region_codes: list[str]) -> dict[tuple[str, str], int]:
    """Files per (kab/kota, indicator)."""
    if not region_codes:
        return {}
    rows = session.exec(
        select(EvidenceFile.region_code, EvidenceFile.indicator_code, func.count())
        .where(EvidenceFile.cycle_id == cycle.id, col(EvidenceFile.region_code).in_(region_codes))
        .group_by(EvidenceFile.region_code, EvidenceFile.indicator_code))
    return {(r, c): n for r, c, n in rows}
