"""Copy the shipped reference data (provinces, kab/kota, criteria) into the database."""

from __future__ import annotations

from sqlmodel import Session, SQLModel, select

from bot import reference
from bot.core.models import Criterion, Province, Region


def _upsert(session: Session, model: type[SQLModel], key: str, rows: list[dict[str, object]]) -> None:
    existing = {getattr(obj, key): obj for obj in session.exec(select(model))}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            session.add(model(**row))
        else:
            for name, value in row.items():
                if getattr(obj, name) != value:
                    setattr(obj, name, value)
    session.flush()


def sync_reference(session: Session) -> None:
    """Insert or update every province, kab/kota and criterion; safe to run on every start."""
    _upsert(
        session,
        Province,
        "code",
        [dict(code=p.code, name=p.name, timezone=p.timezone) for p in reference.provinces().values()],
    )
    _upsert(
        session,
        Region,
        "code",
        [
            dict(code=r.code, province_code=r.province_code, kind=r.kind, name=r.name, timezone=r.timezone)
            for r in reference.regions().values()
        ],
    )
    _upsert(
        session,
        Criterion,
        "number",
        [dict(number=c.number, group_name=c.group, name=c.name) for c in reference.criteria().values()],
    )
