"""staff_user.session_version: part of each session's user id, raised to end earlier sessions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user') as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('staff_user') as batch_op:
        batch_op.drop_column('session_version')
