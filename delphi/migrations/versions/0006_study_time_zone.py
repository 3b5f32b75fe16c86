"""study.time_zone: the time zone panellists read deadlines in (Europe/London by default)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('study') as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64),
                                      server_default='Europe/London', nullable=False))


def downgrade():
    with op.batch_alter_table('study') as batch_op:
        batch_op.drop_column('time_zone')
