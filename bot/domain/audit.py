"""The audit trail: every change, who made it, when, and what it was before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.models import AuditEntry, Chat, Indicator, Person
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
    column = col(AuditEntry.province_code) if code in provinces() else col(AuditEntry.region_code)
    where = column == code
    total = session.exec(select(func.count()).select_from(AuditEntry).where(where)).one()
    pages = max(1, -(-total // size))
    page = max(0, min(page, pages - 1))
    entries = session.exec(
        select(AuditEntry).where(where).order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset(page * size).limit(size)
    ).all()
    return Page(list(entries), page, pages)


@dataclass(frozen=True)
class HistoryView:
    """A page of the trail with what its sentences name: people, chats and indicators."""

    page: Page
    people: dict[int, Person]
    chats: dict[int, str]  # chat id -> title
    indicators: dict[str, str]  # indicator code -> text


def _chat_id(entry: AuditEntry, before: dict[str, Any], after: dict[str, Any]) -> int | None:
    for value in (after.get("chat"), before.get("chat"), entry.subject.removeprefix("chat:")):
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
    return None


def history_view(session: Session, code: str, page: int = 0, size: int = 15) -> HistoryView:
    """``history`` with the names its entries refer to, loaded in one go."""
    found = history(session, code, page, size)
    people_ids: set[int] = set()
    chat_ids: set[int] = set()
    codes: set[str] = set()
    for e in found.entries:
        before, after = _dict(decoded(e.before)), _dict(decoded(e.after))
        if e.actor_id is not None:
            people_ids.add(e.actor_id)
        if e.subject.startswith("user:") and e.subject[5:].isdigit():
            people_ids.add(int(e.subject[5:]))
        if isinstance(after.get("invite_by"), int):
            people_ids.add(after["invite_by"])
        if e.action.startswith(("subscription.", "reminder.")):
            chat = _chat_id(e, before, after)
            if chat is not None:
                (people_ids if chat > 0 else chat_ids).add(chat)
            if isinstance(after.get("migrated_from"), int):
                chat_ids.add(after["migrated_from"])
        if e.action in ("checklist.state", "evidence.attach"):
            codes.add(e.subject.partition("/")[2])
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(people_ids)))} if people_ids else {}
    chats = {c.id: c.title for c in session.exec(select(Chat).where(col(Chat.id).in_(chat_ids)))} if chat_ids else {}
    indicators = ({i.code: i.text for i in session.exec(select(Indicator).where(col(Indicator.code).in_(codes)))}
                  if codes else {})
    return HistoryView(found, people, chats, indicators)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


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
        for code, n in _dict(decoded(after)).get("regions", {}).items():
            if n:
                counts[code] = counts.get(code, 0) + n
    return counts


def decoded(value: str | None) -> object:
    return None if value is None else json.loads(value)
