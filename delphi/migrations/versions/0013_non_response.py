"""Non-response: who a later round invites, the minimum response, and why a round closed early

A study states whether a round after the first invites every active panellist or only those who
submitted the round before, and may set a minimum response (a percentage of those invited or a
number of panellists, overall and per stakeholder group). A round records the reason it was
closed before its deadline or below that minimum, and the drafts left out when it closed.
Existing studies invite everyone and set no minimum.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _choice(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade():
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'invite_to', _choice('invite_to', 'all', 'responders'),
            server_default='all', nullable=False))
        batch_op.add_column(sa.Column('min_response', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('min_group_response', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column(
            'min_response_unit', _choice('min_response_unit', 'percent', 'panellists'),
            server_default='percent', nullable=False))
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('close_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('drafts_left_out', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('drafts_left_out')
        batch_op.drop_column('close_reason')
    with op.batch_alter_table('study', schema=None) as batch_op:
        for name in ('min_response_unit', 'invite_to'):
            batch_op.drop_constraint(op.f(f'ck_study_{name}'), type_='check')
        batch_op.drop_column('min_response_unit')
        batch_op.drop_column('min_group_response')
        batch_op.drop_column('min_response')
        batch_op.drop_column('invite_to')
