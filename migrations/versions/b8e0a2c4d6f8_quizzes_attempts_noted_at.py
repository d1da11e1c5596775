"""quizzes: attempts remember when their misses entered the wrong-answer notebook

A quiz reviewed after closing must not show its misses in the notebook before it closes,
and must show them afterwards: ``attempts.noted_at`` records when an attempt's answers were
put into the notebook, so the attempts still waiting for their quiz to close can be found.
Attempts already graded and reviewed right after submitting were noted when graded.

Revision ID: b8e0a2c4d6f8
Revises: d4f6a8b0c2e4
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import trainer.models


revision = 'b8e0a2c4d6f8'
down_revision = 'd4f6a8b0c2e4'
branch_labels = None
depends_on = None

attempts = sa.table('attempts', sa.column('context', sa.String), sa.column('review', sa.String),
                    sa.column('submitted_at', trainer.models.UTCDateTime(timezone=True)),
                    sa.column('noted_at', trainer.models.UTCDateTime(timezone=True)))


def upgrade():
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('noted_at', trainer.models.UTCDateTime(timezone=True),
                                      nullable=True))
    op.get_bind().execute(sa.update(attempts).where(
        attempts.c.review == 'after_submit', attempts.c.context != 'competition',
        attempts.c.submitted_at.is_not(None)).values(noted_at=attempts.c.submitted_at))


def downgrade():
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_column('noted_at')
