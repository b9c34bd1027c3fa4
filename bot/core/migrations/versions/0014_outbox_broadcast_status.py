"""outbox: index (broadcast_id, status), so the delivery engine sees at once whether a broadcast has settled

Revision ID: i1617_c_outbox
Revises: i10_telegram_language
"""

from alembic import op

revision = "i1617_c_outbox"
down_revision = "i19_j_aksi_actions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_broadcast_status", "outbox", ["broadcast_id", "status"], unique=False)
    op.drop_index("ix_outbox_broadcast_id", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_broadcast_id", "outbox", ["broadcast_id"], unique=False)
    op.drop_index("ix_outbox_broadcast_status", table_name="outbox")
