"""reference data: the ten departments of DOMAIN.md

A freshly migrated database had no departments until `flask content load` or
`flask demo seed` ran, so `flask users create --role trainer --department fire`
failed. Departments are fixed reference data: the migration inserts the missing ones.

Revision ID: a1d3e5f7b9c2
Revises: e2568fb2397f
Create Date: 2026-12-03 09:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1d3e5f7b9c2'
down_revision = 'e2568fb2397f'
branch_labels = None
depends_on = None

# Kept here, not imported from trainer.org.services: a migration must not change when the
# application code does.
DEPARTMENTS = (
    ("organisation", "组织"),
    ("public-security", "公安"),
    ("civil-affairs", "民政"),
    ("law-enforcement", "综合行政执法"),
    ("emergency", "应急"),
    ("health", "卫健"),
    ("environment", "生态环境"),
    ("market-regulation", "市场监管"),
    ("human-resources", "人社"),
    ("fire", "消防"),
)


def upgrade():
    departments = sa.table('departments', sa.column('code', sa.String),
                           sa.column('name', sa.String), sa.column('active', sa.Boolean))
    conn = op.get_bind()
    existing = set(conn.scalars(sa.select(departments.c.code)))
    missing = [{'code': code, 'name': name, 'active': True}
               for code, name in DEPARTMENTS if code not in existing]
    if missing:
        op.bulk_insert(departments, missing)


def downgrade():
    pass  # reference rows may be in use by accounts and content; they stay
