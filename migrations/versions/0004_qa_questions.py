"""qa questions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 05:27:40.806335
"""

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('qa_knowledge_additions',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('added_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('qa_knowledge_additions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_knowledge_additions_office'), ['office'], unique=False)

    op.create_table('qa_outcomes',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('entry_id', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('qa_outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_qa_outcomes_office_day', ['office', 'day'], unique=False)

    op.create_table('qa_questions',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('citizen', sa.String(length=64), nullable=False),
    sa.Column('line_user_id', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.String(length=80), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('qa_questions', schema=None) as batch_op:
        batch_op.create_index('ix_qa_questions_office_status', ['office', 'status', 'asked_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('qa_questions', schema=None) as batch_op:
        batch_op.drop_index('ix_qa_questions_office_status')

    op.drop_table('qa_questions')
    with op.batch_alter_table('qa_outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_qa_outcomes_office_day')

    op.drop_table('qa_outcomes')
    with op.batch_alter_table('qa_knowledge_additions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_knowledge_additions_office'))

    op.drop_table('qa_knowledge_additions')
