"""rating: an index of the ratings that carry a comment or a reason

The review reads a closed round's comments and reasons; with one rating in fifty carrying one,
a partial index on rating.response_id over those ratings lets it find them without reading the
round's other ratings.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

REMARKS_WRITTEN = "comment IS NOT NULL OR reason IS NOT NULL"


def upgrade():
    op.create_index(
        'ix_rating_remarks', 'rating', ['response_id'],
        sqlite_where=sa.text(REMARKS_WRITTEN), postgresql_where=sa.text(REMARKS_WRITTEN))


def downgrade():
    op.drop_index('ix_rating_remarks', table_name='rating')
