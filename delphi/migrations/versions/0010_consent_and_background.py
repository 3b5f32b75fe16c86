"""Consent and background: versions of the information sheet and consent statements, the consent
log, background questions and their answers, and the study's rule for a withdrawal of consent

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('study') as batch_op:
        batch_op.add_column(sa.Column(
            'withdrawal_rule',
            sa.Enum('keep', 'erase', name='withdrawal_rule', native_enum=False,
                    create_constraint=True),
            server_default='keep', nullable=False))
    op.create_table(
        'consent_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('study_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('sheet', sa.Text(), nullable=False),
        sa.Column('statements', sa.JSON(), nullable=False),
        sa.Column('reconsent', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=False), nullable=False),
        sa.CheckConstraint('number >= 1', name=op.f('ck_consent_version_consent_version_number_positive')),
        sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_consent_version_study_id_study'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_version')),
        sa.UniqueConstraint('study_id', 'number', name=op.f('uq_consent_version_study_id_number')),
    )
    op.create_index(op.f('ix_consent_version_study_id'), 'consent_version', ['study_id'])
    op.create_table(
        'consent_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('study_id', sa.Integer(), nullable=False),
        sa.Column('panellist_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('consented', 'withdrew', name='consent_event_kind', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('at', sa.DateTime(timezone=False), nullable=False),
        sa.ForeignKeyConstraint(['panellist_id'], ['panellist.id'], name=op.f('fk_consent_event_panellist_id_panellist'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_consent_event_study_id_study'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['version_id'], ['consent_version.id'], name=op.f('fk_consent_event_version_id_consent_version'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_event')),
    )
    op.create_index(op.f('ix_consent_event_study_id'), 'consent_event', ['study_id'])
    op.create_index(op.f('ix_consent_event_panellist_id'), 'consent_event', ['panellist_id'])
    op.create_table(
        'background_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('study_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.Enum('single', 'multiple', 'number', 'text', name='question_kind', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('choices', sa.JSON(), nullable=False),
        sa.Column('min_value', sa.Integer(), nullable=True),
        sa.Column('max_value', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.CheckConstraint('min_value IS NULL OR max_value IS NULL OR min_value <= max_value', name=op.f('ck_background_question_background_question_range')),
        sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_background_question_study_id_study'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_background_question')),
        sa.UniqueConstraint('study_id', 'code', name=op.f('uq_background_question_study_id_code')),
    )
    op.create_index(op.f('ix_background_question_study_id'), 'background_question', ['study_id'])
    op.create_table(
        'background_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('panellist_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.JSON(), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=False), nullable=False),
        sa.ForeignKeyConstraint(['panellist_id'], ['panellist.id'], name=op.f('fk_background_answer_panellist_id_panellist'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['background_question.id'], name=op.f('fk_background_answer_question_id_background_question'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_background_answer')),
        sa.UniqueConstraint('panellist_id', 'question_id', name=op.f('uq_background_answer_panellist_id_question_id')),
    )
    op.create_index(op.f('ix_background_answer_panellist_id'), 'background_answer', ['panellist_id'])
    op.create_index(op.f('ix_background_answer_question_id'), 'background_answer', ['question_id'])


def downgrade():
    op.drop_table('background_answer')
    op.drop_table('background_question')
    op.drop_table('consent_event')
    op.drop_table('consent_version')
    with op.batch_alter_table('study') as batch_op:
        batch_op.drop_constraint(op.f('ck_study_withdrawal_rule'), type_='check')
        batch_op.drop_column('withdrawal_rule')
