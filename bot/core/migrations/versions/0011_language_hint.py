"""person.language_hint_at: when a person whose Telegram is in English was told once that /bahasa en exists

Revision ID: i17_f_language_hint
Revises: i10_telegram_language
"""

import sqlalchemy as sa
from alembic import op

from bot.core.models import UTCDateTime

revision = "i17_f_language_hint"
down_revision = "i10_telegram_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("language_hint_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("language_hint_at")
