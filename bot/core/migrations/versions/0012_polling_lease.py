"""polling_lease: exactly one copy on a database fetches updates by long polling

Revision ID: a_polling_lease
Revises: i10_telegram_language
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import bot.core.models

revision = "a_polling_lease"
down_revision = "i17_f_language_hint"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "polling_lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("acquired_at", bot.core.models.UTCDateTime(), nullable=True),
        sa.Column("renewed_at", bot.core.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    # the one row every copy competes for: taking it is an UPDATE, never an INSERT that two could race
    op.bulk_insert(table, [{"name": "polling", "holder": None, "version": 0}])


def downgrade() -> None:
    op.drop_table("polling_lease")
