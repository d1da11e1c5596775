"""simulation: a practice run left unfinished for a week is closed as "abandoned"

The run's outcome may now be ``abandoned`` (finished, no scores, not in the record).

Revision ID: 27b6f4b7c2cc
Revises: c8e2f4a6b1d3
Create Date: 2026-12-06 08:40:00

"""
from alembic import op

revision = '27b6f4b7c2cc'
down_revision = "c8e2f4a6b1d3"
branch_labels = None
depends_on = None

OLD = "outcome IS NULL OR outcome IN ('success','partial','failure')"
NEW = "outcome IS NULL OR outcome IN ('success','partial','failure','abandoned')"


def _sqlite_foreign_keys(on: bool) -> None:
    """Batch mode rebuilds the table on SQLite: foreign keys off meanwhile (see
    a1c3e5f7b9d2 for why the pragma needs its own statement outside the transaction)."""
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        bind.exec_driver_sql("COMMIT")
        bind.exec_driver_sql(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
        bind.exec_driver_sql("BEGIN")


def _set(rule: str) -> None:
    _sqlite_foreign_keys(False)
    try:
        with op.batch_alter_table('runs', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('ck_runs_outcome_known'), type_='check')
            batch_op.create_check_constraint(batch_op.f('ck_runs_outcome_known'), rule)
    finally:
        _sqlite_foreign_keys(True)


def upgrade():
    _set(NEW)


def downgrade():
    op.execute("UPDATE runs SET finished = false, outcome = NULL, finished_at = NULL "
               "WHERE outcome = 'abandoned'")
    _set(OLD)
