"""survey responses: a flag for web responses sent in a burst from one network

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:40:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flag', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_column('flag')
