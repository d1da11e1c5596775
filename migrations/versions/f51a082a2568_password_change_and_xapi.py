"""auth: users must change an initial password

``users.password_change_required`` is set when someone else chose the password (people
import, an admin's new account or reset) and cleared when the user chooses their own.
Existing accounts keep their passwords: the column starts false.

Revision ID: f51a082a2568
Revises: a1c3e5f7b9d2
Create Date: 2026-12-06 08:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f51a082a2568'
down_revision = 'a1c3e5f7b9d2'
branch_labels = None
depends_on = None


def _sqlite_foreign_keys(on: bool) -> None:
    """Batch mode rebuilds a table on SQLite: with foreign keys enforced, dropping the old
    ``users`` would delete (cascade) every row that points at it. The pragma only takes
    effect outside a transaction (as in a1c3e5f7b9d2)."""
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        bind.exec_driver_sql("COMMIT")
        bind.exec_driver_sql(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
        bind.exec_driver_sql("BEGIN")


def upgrade():
    # A plain ADD COLUMN (SQLite too: a constant default), so no table is rebuilt.
    op.add_column('users', sa.Column('password_change_required', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))


def downgrade():
    _sqlite_foreign_keys(False)
    try:
        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.drop_column('password_change_required')
    finally:
        _sqlite_foreign_keys(True)
