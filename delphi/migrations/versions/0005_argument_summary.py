"""round_item.argument_summary and study.comment_feedback: the team's summary of the arguments
for each item, and whether round-2+ panellists see the comments, the summary or both

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('round_item') as batch_op:
        batch_op.add_column(sa.Column('argument_summary', sa.Text(), nullable=True))
    with op.batch_alter_table('study') as batch_op:
        batch_op.add_column(sa.Column(
            'comment_feedback',
            sa.Enum('comments', 'summary', 'both', name='comment_feedback', native_enum=False,
                    create_constraint=True),
            server_default='comments', nullable=False))


def downgrade():
    with op.batch_alter_table('study') as batch_op:
        batch_op.drop_constraint('comment_feedback', type_='check')
        batch_op.drop_column('comment_feedback')
    with op.batch_alter_table('round_item') as batch_op:
        batch_op.drop_column('argument_summary')
