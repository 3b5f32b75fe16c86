"""study.protocol_*: the protocol the report states (aim, scope, registration, steering group,
eligibility, recruitment, panel size, evidence, piloting, ethics, funding, conflicts of
interest, rounds planned and stopping rule); empty text, or no number, when not reported

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TEXTS = ('aim', 'scope', 'registration', 'steering_group', 'eligibility', 'recruitment',
         'panel_size', 'evidence', 'piloting', 'ethics', 'funding', 'conflicts',
         'stopping_rule')


def upgrade():
    with op.batch_alter_table('study') as batch_op:
        for name in TEXTS:
            batch_op.add_column(sa.Column(f'protocol_{name}', sa.Text(), server_default='',
                                          nullable=False))
        batch_op.add_column(sa.Column('protocol_rounds_planned', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('protocol_rounds_planned_positive',
                                         'protocol_rounds_planned >= 1')


def downgrade():
    with op.batch_alter_table('study') as batch_op:
        batch_op.drop_constraint(op.f('ck_study_protocol_rounds_planned_positive'), type_='check')
        batch_op.drop_column('protocol_rounds_planned')
        for name in reversed(TEXTS):
            batch_op.drop_column(f'protocol_{name}')
