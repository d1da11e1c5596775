"""Offline practice: the id a phone gives a practice answered offline, unique per worker,
so that sending it again never records it twice.

Revision ID: c3a9f1d2e7b4
Revises: c4a8e2f6d9b1
"""

import sqlalchemy as sa
from alembic import op

revision = "c3a9f1d2e7b4"
down_revision = "c4a8e2f6d9b1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("client_id", sa.String(length=40), nullable=True))
        batch.create_index("uq_attempts_client", ["user_id", "client_id"], unique=True)


def downgrade():
    with op.batch_alter_table("attempts") as batch:
        batch.drop_index("uq_attempts_client")
        batch.drop_column("client_id")
