"""worker heartbeats (claims of a dead copy are taken back within seconds)

Revision ID: i12_operate
Revises: i9_region_codes
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import bot.core.models

revision = 'i12_operate'
down_revision = 'i8_scale'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('worker',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('started_at', bot.core.models.UTCDateTime(), nullable=False),
    sa.Column('beat_at', bot.core.models.UTCDateTime(), nullable=False),
    sa.Column('last_tick_at', bot.core.models.UTCDateTime(), nullable=True),
    sa.Column('last_telegram_at', bot.core.models.UTCDateTime(), nullable=True),
    sa.Column('stopped_at', bot.core.models.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('worker')
