"""auth: personal-data erasure (its ledger table, when a user was erased) and each
district's retention of deactivated accounts

Accounts already deactivated get ``deactivated_at`` = the time of this migration, so the
retention counts from now for them (their real deactivation date was never recorded).

Revision ID: 5e2b9c4d7a61
Revises: f51a082a2568
Create Date: 2026-12-06 08:30:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '5e2b9c4d7a61'
down_revision = "f51a082a2568"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    users = sa.table('users', sa.column('active', sa.Boolean),
                     sa.column('deactivated_at', sa.DateTime))
    now = datetime.now(UTC).replace(tzinfo=None)
    op.execute(users.update().where(users.c.active.is_(False)).values(deactivated_at=now))

    op.create_table(
        'erasures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ledger_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('pseudonym', sa.String(length=60), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ledger_id'),
        sa.UniqueConstraint('user_id'),
    )
    op.create_table(
        'retention_settings',
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('days >= 30', name=op.f('ck_retention_settings_days_at_least_30')),
        sa.ForeignKeyConstraint(['district_id'], ['units.id']),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('district_id'),
    )


def downgrade():
    op.drop_table('retention_settings')
    op.drop_table('erasures')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('deactivated_at')
