"""The audit trail: every change, who made it, when, and what it was before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from bot.clock import Clock
from bot.models import AuditEntry
from bot.reference import provinces, regions


def record(session: Session, clock: Clock, actor: int | None, action: str, subject: str,
           region_code: str | None = None, province_code: str | None = None,
           before: object = None, after: object = None) -> AuditEntry:
    if region_code and not province_code and region_code in regions():
        province_code = regions()[region_code].province_code
    entry = AuditEntry(
        at=clock.now(), actor_id=actor, action=action, subject=subject[:100], region_code=region_code,
        province_code=province_code,
        before=None if before is None else json.dumps(before, ensure_ascii=False, default=str),
        after=None if after is None else json.dumps(after, ensure_ascii=False, default=str),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    page: int
    pages: int


def history(session: Session, code: str, page: int = 0, size: int = 15) -> Page:
    """Newest first, for a kab/kota (its own entries) or a province (all of it)."""
    if code in provinces():
        where = or_(AuditEntry.province_code == code)
    else:
        where = AuditEntry.region_code == code
    total = session.exec(select(func.count()).select_from(AuditEntry).where(where)).one()
    pages = max(1, -(-total // size))
    page = max(0, min(page, pages - 1))
    entries = session.exec(
        select(AuditEntry).where(where).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset(page * size).limit(size)
    ).all()
    return Page(list(entries), page, pages)


def changes_since(session: Session, province_code: str, since: datetime) -> dict[str, int]:
    """Checklist changes per kab/kota of a province since ``since`` (one by one, and by spreadsheet import)."""
    rows = session.exec(
        select(AuditEntry.region_code, func.count())
        .where(AuditEntry.province_code == province_code, AuditEntry.at >= since,
               AuditEntry.action == "checklist.state")
        .group_by(AuditEntry.region_code)
    ).all()
    counts = {code: n for code, n in rows if code}
    imports = session.exec(
        select(AuditEntry.after)
        .where(AuditEntry.province_code == province_code, AuditEntry.at >= since,
               AuditEntry.action == "checklist.import")
    ).all()
    for after in imports:  # one entry per imported file, with its changes per kab/kota
        for code, n in (decoded(after) or {}).get("regions", {}).items():
            if n:
                counts[code] = counts.get(code, 0) + n
    return counts


def decoded(value: str | None) -> object:
    return None if value is None else json.loads(value)
