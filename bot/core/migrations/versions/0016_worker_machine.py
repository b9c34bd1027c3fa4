"""worker.machine: the boot and pid namespace of a copy, so that only a copy that shares them judges its pid

Revision ID: i18_l_worker_machine
Revises: i1617_c_outbox
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "i18_l_worker_machine"
down_revision = "i19_i_verification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("worker") as batch:
        batch.add_column(sa.Column("machine", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("worker") as batch:
        batch.drop_column("machine")
