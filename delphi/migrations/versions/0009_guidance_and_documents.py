"""section.guidance, item.explanation (Markdown) and study_document: files and links a study
attaches for its panellists

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('section') as batch_op:
        batch_op.add_column(sa.Column('guidance', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('item') as batch_op:
        batch_op.add_column(sa.Column('explanation', sa.Text(), server_default='',
                                      nullable=False))
    op.create_table('study_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('file', 'link', name='document_kind', native_enum=False,
                              create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('size', sa.Integer(), server_default='0', nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(
        "(kind = 'file' AND content IS NOT NULL AND url IS NULL) OR "
        "(kind = 'link' AND url IS NOT NULL AND content IS NULL)",
        name=op.f('ck_study_document_document_file_or_link')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'],
                            name=op.f('fk_study_document_section_id_section'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'],
                            name=op.f('fk_study_document_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_document'))
    )
    with op.batch_alter_table('study_document') as batch_op:
        batch_op.create_index(batch_op.f('ix_study_document_section_id'), ['section_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_study_document_study_id'), ['study_id'], unique=False)


def downgrade():
    with op.batch_alter_table('study_document') as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_document_study_id'))
        batch_op.drop_index(batch_op.f('ix_study_document_section_id'))
    op.drop_table('study_document')
    with op.batch_alter_table('item') as batch_op:
        batch_op.drop_column('explanation')
    with op.batch_alter_table('section') as batch_op:
        batch_op.drop_column('guidance')
