"""person.language: the language each person chose with /bahasa

Revision ID: i10_person_language
Revises: i11_evidence
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = 'i10_person_language'
down_revision = 'i11_evidence'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('person') as batch_op:
        batch_op.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('person') as batch_op:
        batch_op.drop_column('language')
