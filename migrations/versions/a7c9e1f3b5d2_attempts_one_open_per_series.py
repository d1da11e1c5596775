"""quizzes: one open attempt per user, quiz and series, held by a partial unique index

Simultaneous starts of a quiz under several gunicorn workers could leave a user two open
attempts: the unique attempt number only stops two starts taking the same number, not a
second start numbering after the first one committed. ``uq_attempts_open`` allows one
unsubmitted attempt per (user, quiz, series); services.start_attempt returns the winner's.

Duplicates the race left behind are cleared first: of a user's open attempts in one series
the one the app already shows (the highest number) stays, and the others are deleted when
nothing hangs on them (no saved answer, no competition result). Any other duplicate stops
the upgrade with its ids, for an administrator to resolve (submit one of them) by hand.

Revision ID: a7c9e1f3b5d2
Revises: 81f2609837a6
Create Date: 2026-12-06 06:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c9e1f3b5d2'
down_revision = '81f2609837a6'
branch_labels = None
depends_on = None

OPEN = 'submitted_at IS NULL'
# Open attempts below the highest-numbered open one of the same user, quiz and series.
SHADOWED = f"""
    SELECT a.id FROM attempts a WHERE a.{OPEN} AND EXISTS (
        SELECT 1 FROM attempts b WHERE b.{OPEN} AND b.user_id = a.user_id
        AND b.quiz_id = a.quiz_id AND b.series = a.series AND b.attempt_no > a.attempt_no)
"""
HELD = """
    EXISTS (SELECT 1 FROM attempt_answers x WHERE x.attempt_id = attempts.id)
    OR EXISTS (SELECT 1 FROM competition_results r WHERE r.attempt_id = attempts.id)
"""


def upgrade():
    bind = op.get_bind()
    bind.execute(sa.text(f"DELETE FROM attempts WHERE id IN ({SHADOWED}) AND NOT ({HELD})"))
    left = bind.execute(sa.text(f"SELECT id FROM attempts WHERE id IN ({SHADOWED})")).scalars()
    left = sorted(left)
    if left:
        raise RuntimeError(
            "Users have more than one open attempt at a quiz, and these older ones hold answers "
            f"or competition results: attempts {left}. Submit them, then upgrade again.")
    op.create_index('uq_attempts_open', 'attempts', ['user_id', 'quiz_id', 'series'],
                    unique=True, sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade():
    op.drop_index('uq_attempts_open', table_name='attempts',
                  sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
