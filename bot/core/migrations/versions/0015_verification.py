"""the verification loop: checklist_entry.handed_in_at/handed_in_by (the Kanwil's queue, oldest first),
review_notice (decisions told to the kab/kota's PIC once per review sitting), outbox.buttons (an inline
keyboard carried by the delivery engine)

Indicators handed in before this revision (state ``lengkap``) take their last change as the moment they
were handed in: ``updated_at`` and ``updated_by``.

Revision ID: i19_i_verification
Revises: i1617_c_outbox
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import bot.core.models

revision = "i19_i_verification"
down_revision = "i1617_c_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checklist_entry") as batch_op:
        batch_op.add_column(sa.Column("handed_in_at", bot.core.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("handed_in_by", sa.BigInteger(), nullable=True))
    op.execute("UPDATE checklist_entry SET handed_in_at = updated_at, handed_in_by = updated_by "
               "WHERE state = 'lengkap'")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("buttons", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_table(
        "review_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("indicator_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", bot.core.models.UTCDateTime(), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"]),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_notice_batch", "review_notice", ["batch", "region_code"])


def downgrade() -> None:
    op.drop_index("ix_review_notice_batch", table_name="review_notice")
    op.drop_table("review_notice")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("buttons")
    with op.batch_alter_table("checklist_entry") as batch_op:
        batch_op.drop_column("handed_in_by")
        batch_op.drop_column("handed_in_at")
