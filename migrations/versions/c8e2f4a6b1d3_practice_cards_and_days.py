"""quizzes: spaced-repetition notebook, practice days, instant practice, flags

The wrong-answer notebook becomes a set of FSRS cards: ``mistakes.card`` (the fsrs
library's card as JSON), ``due``, ``reviews_right`` (right answers on spaced reviews; two
clear the entry) and ``last_answer`` (the last wrong answer, shown in the notebook).
Existing entries are due at once with a fresh card. ``practice_days`` holds one row per
worker and local day with practice answers (streaks, the yearly count).
``attempts.instant`` marks practice with the answer after each question and
``attempts.flagged`` the questions a taker marked for review.

Revision ID: c8e2f4a6b1d3
Revises: 3bb8eb840887
Create Date: 2026-12-06 08:30:00

"""
from alembic import op
import sqlalchemy as sa

import trainer.models


revision = 'c8e2f4a6b1d3'
down_revision = "3bb8eb840887"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mistakes') as batch:
        batch.add_column(sa.Column('card', sa.JSON(), server_default='{}', nullable=False))
        batch.add_column(sa.Column('due', trainer.models.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('reviews_right', sa.Integer(), server_default='0',
                                   nullable=False))
        batch.add_column(sa.Column('last_answer', sa.JSON(), nullable=True))
        batch.create_index('ix_mistakes_due', ['due'])
    op.execute("UPDATE mistakes SET due = last_wrong_at WHERE cleared_at IS NULL")
    with op.batch_alter_table('attempts') as batch:
        batch.add_column(sa.Column('instant', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
        batch.add_column(sa.Column('flagged', sa.JSON(), server_default='[]',
                                   nullable=False))
    op.create_table(
        'practice_days',
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('answers', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('user_id', 'day'))


def downgrade():
    op.drop_table('practice_days')
    with op.batch_alter_table('attempts') as batch:
        batch.drop_column('flagged')
        batch.drop_column('instant')
    with op.batch_alter_table('mistakes') as batch:
        batch.drop_index('ix_mistakes_due')
        batch.drop_column('last_answer')
        batch.drop_column('reviews_right')
        batch.drop_column('due')
        batch.drop_column('card')
