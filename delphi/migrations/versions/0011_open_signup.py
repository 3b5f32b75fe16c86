"""Open sign-up: the study's sign-up settings, pending sign-ups, how each panellist joined, and
the outbox's link from a confirmation message to its sign-up

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('study') as batch_op:
        batch_op.add_column(sa.Column(
            'signup',
            sa.Enum('off', 'open', 'closed', name='signup_state', native_enum=False,
                    create_constraint=True),
            server_default='off', nullable=False))
        batch_op.add_column(sa.Column(
            'signup_review', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column(
            'signup_caps', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column(
            'signup_questions', sa.JSON(), server_default='[]', nullable=False))
    with op.batch_alter_table('panellist') as batch_op:
        batch_op.add_column(sa.Column(
            'joined_by',
            sa.Enum('import', 'console', 'signup', name='joined_by', native_enum=False,
                    create_constraint=True),
            server_default='import', nullable=False))
    op.create_table(
        'signup',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('study_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('group', sa.String(length=100), nullable=False),
        sa.Column('status', sa.Enum('unconfirmed', 'awaiting_review', name='signup_status', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('consent_version_id', sa.Integer(), nullable=True),
        sa.Column('token_nonce', sa.String(length=64), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=False), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=False), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=False), nullable=True),
        sa.ForeignKeyConstraint(['consent_version_id'], ['consent_version.id'], name=op.f('fk_signup_consent_version_id_consent_version'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_signup_study_id_study'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signup')),
        sa.UniqueConstraint('study_id', 'email', name=op.f('uq_signup_study_id_email')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_signup_token_hash')),
    )
    op.create_index(op.f('ix_signup_study_id'), 'signup', ['study_id'])
    op.create_index(op.f('ix_signup_expires_at'), 'signup', ['expires_at'])
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.add_column(sa.Column('signup_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_message_signup_id_signup'), 'signup', ['signup_id'], ['id'],
            ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_signup_id_signup'), type_='foreignkey')
        batch_op.drop_column('signup_id')
    op.drop_index(op.f('ix_signup_expires_at'), table_name='signup')
    op.drop_index(op.f('ix_signup_study_id'), table_name='signup')
    op.drop_table('signup')
    with op.batch_alter_table('panellist') as batch_op:
        batch_op.drop_constraint(op.f('ck_panellist_joined_by'), type_='check')
        batch_op.drop_column('joined_by')
    with op.batch_alter_table('study') as batch_op:
        batch_op.drop_constraint(op.f('ck_study_signup_state'), type_='check')
        batch_op.drop_column('signup_questions')
        batch_op.drop_column('signup_caps')
        batch_op.drop_column('signup_review')
        batch_op.drop_column('signup')
