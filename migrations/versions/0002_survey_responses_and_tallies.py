"""survey responses and tallies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 05:05:04.307408
"""

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_item_tallies',
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('survey_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=12), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('office', 'survey_id', 'version', 'day', 'counter', 'item_id', 'value')
    )
    op.create_table('survey_response_tallies',
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('survey_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=12), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('office', 'survey_id', 'version', 'day', 'counter')
    )
    op.create_table('survey_responses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('survey_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=12), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('respondent', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('gender', sa.String(length=20), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=True),
    sa.Column('occupation', sa.String(length=20), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('office', 'survey_id', 'respondent', 'period', name='uq_one_response_per_period')
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_office_day', ['office', 'survey_id', 'day'], unique=False)

    op.create_table('survey_versions',
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('survey_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=12), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('office', 'survey_id', 'version')
    )
    op.create_table('survey_answers',
    sa.Column('response_id', sa.String(length=36), nullable=False),
    sa.Column('item_id', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item_id')
    )


def downgrade() -> None:
    op.drop_table('survey_answers')
    op.drop_table('survey_versions')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_office_day')

    op.drop_table('survey_responses')
    op.drop_table('survey_response_tallies')
    op.drop_table('survey_item_tallies')
