"""Aksi HAM by action: aksi_action (the actions of a kab/kota in a year) and aksi_action_report (one report
per action and period); aksi_report.recorded_by holds a Telegram id (BIGINT)

Existing ``aksi_report`` rows keep their meaning: the kab/kota reported that period as a whole (which
actions, nobody recorded), with the period's nilai capaian when a score was entered. No action report is
invented from them: the grid shows such a period as "dilaporkan per periode" and the reminders of that
period treat it as reported until someone records its actions one by one
(``docs/decisions/0031-aksi-ham-by-action.md``).

Revision ID: i19_j_aksi_actions
Revises: a_polling_lease
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import bot.core.models

revision = "i19_j_aksi_actions"
down_revision = "a_polling_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aksi_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("updated_at", bot.core.models.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_code", "year", "number"),
    )
    op.create_table(
        "aksi_action_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("action", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("nilai", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", bot.core.models.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_code", "year", "period", "action"),
    )
    op.create_index("ix_aksi_action_report_period", "aksi_action_report", ["year", "period", "region_code"])
    with op.batch_alter_table("aksi_report") as batch_op:  # Telegram ids outgrew 32 bits
        batch_op.alter_column("recorded_by", existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("aksi_report") as batch_op:
        batch_op.alter_column("recorded_by", existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=True)
    op.drop_index("ix_aksi_action_report_period", table_name="aksi_action_report")
    op.drop_table("aksi_action_report")
    op.drop_table("aksi_action")
