"""study.protocol_*: the rest of what an ACCORD report states that only the team knows (why a
consensus method, the document updated, patient and public involvement, the literature review's
methods, why this definition of consensus, how comments were analysed, languages, changes to the
planned methods, endorsing organisations); empty text when not reported

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 08:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TEXTS = ('rationale', 'update_of', 'public_involvement', 'review_methods',
         'definition_rationale', 'comment_analysis', 'languages', 'changes', 'endorsement')


def upgrade():
    with op.batch_alter_table('study') as batch_op:
        for name in TEXTS:
            batch_op.add_column(sa.Column(f'protocol_{name}', sa.Text(), server_default='',
                                          nullable=False))


def downgrade():
    with op.batch_alter_table('study') as batch_op:
        for name in reversed(TEXTS):
            batch_op.drop_column(f'protocol_{name}')
