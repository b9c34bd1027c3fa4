"""conversation state in the database

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import bot.core.models

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversation_state',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('data', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('expires_at', bot.core.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', 'user_id')
    )


def downgrade() -> None:
    op.drop_table('conversation_state')
