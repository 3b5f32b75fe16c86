"""rating_tally: each item's answers counted so far, kept with every change to the ratings;
frozen_remarks: a closed round's first remarks, stored when it closes

The open round's dashboard showed the ratings so far by counting every rating of the round's
submitted responses (4,000,000 at 20,000 panellists x 200 items, seconds); the tally holds, for
each round and item, how many submitted responses gave each point of the scale, "unable to
rate" or nothing, and every change to the ratings adds or takes away its difference. Filled
here from the ratings already stored.

The review of a closed round picked each item's first remarks with a window over every remark of
the round (80,000 at that size) on its first visit after an app restart; frozen_remarks holds
them as read when the round closed, with the key they were read under. Rounds closed before this
revision have none: their review reads the remarks as before.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rating_tally',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('round_item_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('point', 'unable', 'missing', name='tally_kind',
                                  native_enum=False, create_constraint=True, length=7),
                  nullable=False),
        sa.Column('point', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind = 'point' OR point = 0",
                           name=op.f('ck_rating_tally_point_only_for_points')),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'],
                                name=op.f('fk_rating_tally_round_id_round'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_item_id'], ['round_item.id'],
                                name=op.f('fk_rating_tally_round_item_id_round_item'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('round_id', 'round_item_id', 'kind', 'point',
                                name=op.f('pk_rating_tally')),
    )
    op.create_table(
        'frozen_remarks',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('remarks', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'],
                                name=op.f('fk_frozen_remarks_round_id_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('round_id', name=op.f('pk_frozen_remarks')),
    )
    # The answers given (a point or "unable to rate") by the submitted responses...
    op.execute(
        "INSERT INTO rating_tally (round_id, round_item_id, kind, point, n) "
        "SELECT s.round_id, r.round_item_id, "
        "CASE WHEN r.unable THEN 'unable' ELSE 'point' END, "
        "CASE WHEN r.unable THEN 0 ELSE r.value END, count(*) "
        "FROM rating r JOIN response s ON s.id = r.response_id "
        "WHERE s.status = 'submitted' AND (r.unable OR r.value IS NOT NULL) "
        "GROUP BY s.round_id, r.round_item_id, r.unable, r.value"
    )
    # ...and, for each item, those that gave none.
    op.execute(
        "INSERT INTO rating_tally (round_id, round_item_id, kind, point, n) "
        "SELECT ri.round_id, ri.id, 'missing', 0, "
        "(SELECT count(*) FROM response s WHERE s.round_id = ri.round_id "
        "AND s.status = 'submitted') - "
        "(SELECT coalesce(sum(t.n), 0) FROM rating_tally t WHERE t.round_id = ri.round_id "
        "AND t.round_item_id = ri.id) "
        "FROM round_item ri WHERE ri.round_id IN "
        "(SELECT s.round_id FROM response s WHERE s.status = 'submitted')"
    )


def downgrade():
    op.drop_table('frozen_remarks')
    op.drop_table('rating_tally')
