"""weekly reports and admins' linked LINE accounts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 02:10:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('weekly_reports',
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('message', sa.JSON(), nullable=False),
    sa.Column('chart_png', sa.LargeBinary(), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('delivered', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('office', 'week')
    )
    op.create_table('admin_line_links',
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('line_user_id', sa.String(length=40), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_user_id'),
    sa.UniqueConstraint('office', 'line_user_id', name='uq_admin_line_links_user')
    )
    with op.batch_alter_table('admin_line_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_line_links_office'), ['office'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('admin_line_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_line_links_office'))

    op.drop_table('admin_line_links')
    op.drop_table('weekly_reports')
