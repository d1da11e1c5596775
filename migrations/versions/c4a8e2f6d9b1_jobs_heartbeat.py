"""jobs: a heartbeat (beat_at) so that a job whose consumer was killed mid-run is failed
instead of showing "running" for ever

Revision ID: c4a8e2f6d9b1
Revises: b7e2d94c1f58
Create Date: 2026-12-06 12:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4a8e2f6d9b1'
down_revision = 'b7e2d94c1f58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('beat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('beat_at')
