"""rating: drop the index on response_id alone, which the unique constraint's index repeats

The unique constraint on (response_id, round_item_id) is kept by an index that starts with
response_id, so it already finds a response's ratings; the second index only made every rating
written cost one more index entry.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 06:15:00

"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_response_id')


def downgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index('ix_rating_response_id', ['response_id'], unique=False)
