"""competitions: judges' sheets keep their history; corrections keep when they were made

The frozen table must be rebuilt from what was settled before the freeze, so every save
of a score sheet is kept (``competition_score_revisions``) and an appeal's correction
records its time (``competition_results.adjusted_at``). Existing sheets get one revision
at their last change; existing corrections the result's last change.

Revision ID: d4f6a8b0c2e4
Revises: c3b5d7e9f1a2
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa

import trainer.models


revision = 'd4f6a8b0c2e4'
down_revision = 'c3b5d7e9f1a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competition_score_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.JSON(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('at', trainer.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['competition_entries.id'], name=op.f('fk_competition_score_revisions_entry_id_competition_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_competition_score_revisions_judge_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['competition_rounds.id'], name=op.f('fk_competition_score_revisions_round_id_competition_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_score_revisions'))
    )
    with op.batch_alter_table('competition_score_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_competition_score_revisions_entry', ['entry_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_competition_score_revisions_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competition_score_revisions_round_id'), ['round_id'], unique=False)
    with op.batch_alter_table('competition_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adjusted_at', trainer.models.UTCDateTime(timezone=True), nullable=True))
    op.execute("INSERT INTO competition_score_revisions (round_id, entry_id, judge_id, points, total, at) "
               "SELECT round_id, entry_id, judge_id, points, total, updated_at FROM competition_score_sheets")
    op.execute("UPDATE competition_results SET adjusted_at = updated_at WHERE adjusted_percent IS NOT NULL")


def downgrade():
    with op.batch_alter_table('competition_results', schema=None) as batch_op:
        batch_op.drop_column('adjusted_at')
    with op.batch_alter_table('competition_score_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_score_revisions_round_id'))
        batch_op.drop_index(batch_op.f('ix_competition_score_revisions_judge_id'))
        batch_op.drop_index('ix_competition_score_revisions_entry')
    op.drop_table('competition_score_revisions')
