"""Telegram ids in BIGINT: checklist_entry.updated_by, event.created_by, subscription.created_by,
reminder.acknowledged_by were 32-bit INTEGER columns, and Telegram user ids exceed 2^31 today.

PostgreSQL: ``ALTER COLUMN ... TYPE BIGINT`` (a rewrite of each table, under its lock, once).
SQLite: nothing to change. Every SQLite integer is stored in up to 8 bytes whatever the declared type, so
these columns hold 2^40 already; rebuilding the tables (Alembic's batch mode) would fail anyway, since
``reminder`` references ``event`` and foreign keys are on. The models say so (``bot.core.models.TELEGRAM_ID``:
BIGINT, INTEGER on SQLite).

Revision ID: i18_n_bigint_ids
Revises: i1617_c_outbox
"""

import sqlalchemy as sa
from alembic import op

revision = "i18_n_bigint_ids"
down_revision = "i18_l_worker_machine"
branch_labels = None
depends_on = None

COLUMNS = [
    ("checklist_entry", "updated_by"),
    ("event", "created_by"),
    ("subscription", "created_by"),
    ("reminder", "acknowledged_by"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in COLUMNS:  # fails if an id above 2^31 was stored meanwhile, as it should
        op.alter_column(table, column, existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=True)
