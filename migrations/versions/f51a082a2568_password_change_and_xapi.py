"""auth: users must change an initial password; records: xAPI actors and outbox

``users.password_change_required`` is set when someone else chose the password (people
import, an admin's new account or reset) and cleared when the user chooses their own.
Existing accounts keep their passwords: the column starts false.

``users.xapi_id`` is the opaque, random name of a user's xAPI actor, given on first use;
``xapi_sent`` lists the statements a learning record store accepted.

Revision ID: f51a082a2568
Revises: d0dfe5b2844a
Create Date: 2026-12-06 08:30:00

"""
from alembic import op
import sqlalchemy as sa

import trainer.models


revision = 'f51a082a2568'
down_revision = "d0dfe5b2844a"
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
    # Plain ADD COLUMNs (SQLite too: a constant default), so no table is rebuilt.
    op.add_column('users', sa.Column('password_change_required', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column('users', sa.Column('xapi_id', sa.String(length=32), nullable=True))
    op.create_index(op.f('ix_users_xapi_id'), 'users', ['xapi_id'], unique=True)
    op.create_table(
        'xapi_sent',
        sa.Column('statement_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('sent_at', trainer.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_xapi_sent_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('statement_id', name=op.f('pk_xapi_sent')),
    )
    op.create_index(op.f('ix_xapi_sent_user_id'), 'xapi_sent', ['user_id'], unique=False)


def downgrade():
    _sqlite_foreign_keys(False)
    op.drop_index(op.f('ix_xapi_sent_user_id'), table_name='xapi_sent')
    op.drop_table('xapi_sent')
    op.drop_index(op.f('ix_users_xapi_id'), table_name='users')
    try:
        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.drop_column('xapi_id')
            batch_op.drop_column('password_change_required')
    finally:
        _sqlite_foreign_keys(True)
