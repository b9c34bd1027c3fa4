"""indexes for the national overview (issue 8)

Revision ID: i8_scale
Revises: i9_region_codes (written on 0003; chained after merging main)
"""

from alembic import op

revision = "i8_scale"
down_revision = "i9_region_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_checklist_entry_cycle_state", "checklist_entry",
                    ["cycle_id", "state", "region_code", "indicator_code"], unique=False)
    op.create_index("ix_checklist_entry_cycle_updated", "checklist_entry", ["cycle_id", "updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_checklist_entry_cycle_updated", table_name="checklist_entry")
    op.drop_index("ix_checklist_entry_cycle_state", table_name="checklist_entry")
