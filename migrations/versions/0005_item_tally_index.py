"""a covering index for tally() over survey_item_tallies

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ["office", "survey_id", "item_id", "value", "day", "counter", "count"]


def upgrade() -> None:
    op.create_index("ix_survey_item_tallies_by_item", "survey_item_tallies", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_survey_item_tallies_by_item", table_name="survey_item_tallies")
