"""Telegram user and chat ids outgrow 32 bits (user ids above 2^31 exist today; supergroup ids are about
-10^12): every column holding one is BIGINT, and an id of 2^40 goes in and comes back unchanged, on a
fresh database and on one migrated from before ``i18_n_bigint_ids`` (PostgreSQL; SQLite integers are
64-bit whatever the declared type)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import BigInteger, Column, Integer, inspect, text
from sqlmodel import SQLModel, select

from bot.core.clock import FixedClock
from bot.core.db import alembic_config, make_engine, upgrade
from bot.core.models import (
    AksiAction,
    AksiActionReport,
    AksiReport,
    AuditEntry,
    Broadcast,
    Chat,
    ChecklistEntry,
    ConversationState,
    Event,
    EvidenceFile,
    Indicator,
    Invite,
    Outbox,
    Person,
    Reminder,
    ReviewNotice,
    RoleBinding,
    Subscription,
)
from bot.domain.catalog import import_sample
from bot.domain.runtime import Runtime
from tests.conftest import NOW, make_settings

USER = 2**40  # a Telegram user id well past 32 bits
CHAT = -(2**40)  # a supergroup id is negative and as large
REVISION = "i18_n_bigint_ids"

# every column that holds a Telegram user id, chat id or message id: (table, column) -> the value stored
ID_COLUMNS = {
    ("person", "id"): USER,
    ("chat", "id"): CHAT,
    ("checklist_entry", "updated_by"): USER,
    ("checklist_entry", "handed_in_by"): USER,
    ("event", "created_by"): USER,
    ("subscription", "chat_id"): CHAT,
    ("subscription", "created_by"): USER,
    ("reminder", "chat_id"): CHAT,
    ("reminder", "acknowledged_by"): USER,
    ("reminder", "message_id"): USER,
    ("aksi_report", "recorded_by"): USER,
    ("aksi_action", "updated_by"): USER,
    ("aksi_action_report", "recorded_by"): USER,
    ("role_binding", "user_id"): USER,
    ("role_binding", "created_by"): USER,
    ("invite", "created_by"): USER,
    ("invite", "used_by"): USER,
    ("audit_entry", "actor_id"): USER,
    ("broadcast", "created_by"): USER,
    ("outbox", "chat_id"): CHAT,
    ("outbox", "message_id"): USER,
    ("conversation_state", "chat_id"): CHAT,
    ("conversation_state", "user_id"): USER,
    ("evidence_file", "uploaded_by"): USER,
    ("review_notice", "decided_by"): USER,
}


def looks_like_a_telegram_id(table: str, column: Column[Any]) -> bool:
    """An integer column named like a person, a chat or a message (``claimed_by`` is a worker's name)."""
    named = column.name.endswith(("_by", "chat_id", "user_id", "actor_id", "message_id")) or (
        table in ("person", "chat") and column.name == "id")
    return named and isinstance(column.type, Integer)


def test_the_list_names_every_telegram_id_column_of_the_models():
    """A new ``*_by``/``chat_id``/``user_id`` column must join ID_COLUMNS (and be BIGINT)."""
    found = {(t.name, c.name) for t in SQLModel.metadata.sorted_tables for c in t.columns
             if looks_like_a_telegram_id(t.name, c)}
    assert found == set(ID_COLUMNS)
    narrow = sorted((t, c) for t, c in found if not isinstance(SQLModel.metadata.tables[t].c[c].type, BigInteger))
    assert narrow == []


def store_every_id(rt: Runtime) -> None:
    """One row in each table with a Telegram id, every such column set to 2^40 (users) or -2^40 (chats)."""
    now = rt.clock.now()
    with rt.session() as session:
        import_sample(session, rt.clock)
        cycle = rt.cycle(session)
        indicator = session.exec(select(Indicator)).first()
        assert cycle is not None and cycle.id is not None and indicator is not None
        session.add(Person(id=USER, first_name="Besar", created_at=now, last_seen=now))
        session.add(Chat(id=CHAT, kind="supergroup", title="Grup besar", updated_at=now))
        session.add(ChecklistEntry(cycle_id=cycle.id, region_code="63.05", indicator_code=indicator.code,
                                   state="lengkap", updated_at=now, updated_by=USER, handed_in_at=now,
                                   handed_in_by=USER))
        event = Event(kind="rakor", title="Rakor", timezone="Asia/Makassar", start_date=date(2025, 6, 19),
                      starts_at=now + timedelta(days=30), scope_kind="wilayah", scope_codes="63.05",
                      created_by=USER, created_at=now, updated_at=now)
        session.add(event)
        session.add(Subscription(chat_id=CHAT, target_code="63.05", created_by=USER, created_at=now))
        broadcast = Broadcast(province_code="63", created_by=USER, created_at=now)
        session.add(broadcast)
        session.flush()
        assert event.id is not None
        session.add(Reminder(event_id=event.id, event_version=1, chat_id=CHAT, offset_key="1d", due_at=now,
                             deadline_at=now + timedelta(days=1), message_id=USER, acknowledged_at=now,
                             acknowledged_by=USER))
        session.add(AksiReport(region_code="63.05", year=2024, period="B04", reported_at=now, recorded_by=USER))
        session.add(AksiAction(region_code="63.05", year=2024, number=1, updated_at=now, updated_by=USER))
        session.add(AksiActionReport(region_code="63.05", year=2024, period="B04", action=1, status="lengkap",
                                     recorded_at=now, recorded_by=USER))
        session.add(RoleBinding(user_id=USER, role="pic", target_code="63.05", created_by=USER, created_at=now))
        session.add(Invite(token="besar", role="pic", target_code="63.05", created_by=USER, created_at=now,
                           expires_at=now + timedelta(days=7), used_by=USER, used_at=now))
        session.add(AuditEntry(at=now, actor_id=USER, action="test", subject="user#2^40"))
        session.add(Outbox(key="test:besar", chat_id=CHAT, broadcast_id=broadcast.id, text="x", due_at=now,
                           message_id=USER))
        session.add(ConversationState(chat_id=CHAT, user_id=USER, kind="test", step="1", expires_at=now))
        session.add(EvidenceFile(cycle_id=cycle.id, region_code="63.05", indicator_code=indicator.code,
                                 kind="document", file_id="f", file_unique_id="u", file_name="bukti.pdf",
                                 uploaded_by=USER, uploaded_at=now))
        session.add(ReviewNotice(cycle_id=cycle.id, region_code="63.05", indicator_code=indicator.code,
                                 verdict="terverifikasi", decided_by=USER, decided_at=now))


def stored(rt: Runtime) -> dict[tuple[str, str], list[int]]:
    with rt.engine.connect() as conn:
        return {(t, c): [row[0] for row in conn.execute(text(f"SELECT {c} FROM {t}"))] for t, c in ID_COLUMNS}


def check_round_trip(url: str) -> None:
    rt = Runtime.start(make_settings(url), FixedClock(NOW))
    try:
        store_every_id(rt)
        values = stored(rt)  # role_binding also holds the configured admin's (111)
        assert {key: value for key, value in ID_COLUMNS.items() if value in values[key]} == ID_COLUMNS
        if rt.engine.dialect.name == "postgresql":
            columns = {t: {c["name"]: c["type"] for c in inspect(rt.engine).get_columns(t)} for t, _ in ID_COLUMNS}
            narrow = [(t, c, str(columns[t][c])) for t, c in ID_COLUMNS if str(columns[t][c]) != "BIGINT"]
            assert narrow == []
    finally:
        rt.engine.dispose()


def test_every_telegram_id_of_2_to_the_40_round_trips_on_sqlite(sqlite_url):
    check_round_trip(sqlite_url)


def test_every_telegram_id_of_2_to_the_40_round_trips_on_postgresql(pg_url):
    check_round_trip(pg_url)


def test_a_postgresql_database_from_before_is_widened_and_keeps_its_ids(pg_url):
    engine = make_engine(pg_url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, ScriptDirectory.from_config(cfg).get_revision(REVISION).down_revision)
    with engine.begin() as conn:
        types = {c["name"]: str(c["type"]) for c in inspect(conn).get_columns("event")}
        assert types["created_by"] == "INTEGER"  # what this migration is for
        conn.execute(text("INSERT INTO event (kind, title, timezone, start_date, starts_at, scope_kind, scope_codes, "
                          "status, version, created_by, created_at, updated_at) VALUES ('rakor', 'Lama', "
                          "'Asia/Makassar', '2024-06-19', '2024-06-19 01:00', 'wilayah', '63.05', 'confirmed', 1, "
                          "2147483647, '2024-01-01', '2024-01-01')"))
        with pytest.raises(Exception, match="out of range"):
            with conn.begin_nested():
                conn.execute(text("UPDATE event SET created_by = :big"), {"big": USER})
    upgrade(engine)
    try:
        with engine.begin() as conn:
            assert conn.execute(text("SELECT created_by FROM event")).scalar() == 2**31 - 1  # kept
            conn.execute(text("UPDATE event SET created_by = :big"), {"big": USER})
            assert conn.execute(text("SELECT created_by FROM event")).scalar() == USER
    finally:
        engine.dispose()
