"""study.min_group_size: at least 3, since in a group of two each member could work out the
other's rating; studies set below 3 are raised to 3

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text('UPDATE study SET min_group_size = 3 WHERE min_group_size < 3'))
    with op.batch_alter_table('study') as batch_op:
        batch_op.drop_constraint(op.f('ck_study_min_group_size_positive'), type_='check')
        batch_op.create_check_constraint('min_group_size_at_least_three', 'min_group_size >= 3')


def downgrade():
    with op.batch_alter_table('study') as batch_op:
        batch_op.drop_constraint(op.f('ck_study_min_group_size_at_least_three'), type_='check')
        batch_op.create_check_constraint('min_group_size_positive', 'min_group_size >= 1')
