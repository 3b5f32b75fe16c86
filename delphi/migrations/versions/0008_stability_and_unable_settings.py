"""Consensus settings for how "unable to rate" counts and how stability is measured and tested

A study chooses whether "unable to rate" answers are left out of percentages or counted as not
agreeing, whether stability is decided per panellist or by the net change of the distribution
(with its own threshold), and whether the Wilcoxon p-value is exact for small panels (scipy)
or asymptotic throughout (SPSS). Existing studies keep what they computed before: left out,
per panellist, 15%, exact for small panels.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _choice(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade():
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'unable_counts', _choice('unable_counts', 'left_out', 'not_agreeing'),
            server_default='left_out', nullable=False))
        batch_op.add_column(sa.Column(
            'stability_measure', _choice('stability_measure', 'panellists', 'net_change'),
            server_default='panellists', nullable=False))
        batch_op.add_column(sa.Column(
            'net_change_max_pct', sa.Integer(), server_default='15', nullable=False))
        batch_op.add_column(sa.Column(
            'wilcoxon_method', _choice('wilcoxon_method', 'exact_small_panels', 'asymptotic'),
            server_default='exact_small_panels', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_study_net_change_max_pct_range'), 'net_change_max_pct BETWEEN 0 AND 100')


def downgrade():
    with op.batch_alter_table('study', schema=None) as batch_op:
        for name in ('net_change_max_pct_range', 'wilcoxon_method', 'stability_measure',
                     'unable_counts'):
            batch_op.drop_constraint(op.f(f'ck_study_{name}'), type_='check')
        batch_op.drop_column('wilcoxon_method')
        batch_op.drop_column('net_change_max_pct')
        batch_op.drop_column('stability_measure')
        batch_op.drop_column('unable_counts')
