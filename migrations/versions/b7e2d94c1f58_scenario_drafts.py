"""Scenario drafts edited through forms: the draft graph (kept even when invalid) and its
revision number for optimistic concurrency.

Revision ID: b7e2d94c1f58
Revises: 5e2b9c4d7a61
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e2d94c1f58"
down_revision = "5e2b9c4d7a61"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("scenarios") as batch:
        batch.add_column(sa.Column("draft", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("draft_rev", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade():
    with op.batch_alter_table("scenarios") as batch:
        batch.drop_column("draft_rev")
        batch.drop_column("draft")
