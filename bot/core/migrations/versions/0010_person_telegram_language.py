"""person.telegram_language: the language of a person's Telegram app, for what the bot sends unasked

Revision ID: i10_telegram_language
Revises: i12_operate
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "i10_telegram_language"
down_revision = "i12_operate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("telegram_language", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("telegram_language")
