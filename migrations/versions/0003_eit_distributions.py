"""eit distributions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 05:21:32.376280
"""

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('eit_distributions',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('eit_distributions', schema=None) as batch_op:
        batch_op.create_index('ix_eit_distributions_office_day', ['office', 'day'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('eit_distributions', schema=None) as batch_op:
        batch_op.drop_index('ix_eit_distributions_office_day')

    op.drop_table('eit_distributions')
