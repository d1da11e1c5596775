"""search: one index of documents from every source, with a text index per database

``search_documents`` holds a plain-text copy of each searchable document (courses, lessons,
question explanations, later the referral guide). SQLite gets an external-content FTS5
table with the trigram tokenizer, kept in step by triggers; PostgreSQL gets pg_trgm and
GIN trigram indexes for ILIKE. The rows are filled by ``flask content load`` or
``flask search rebuild`` (the copy needs the application's code), then kept current by
the services that save content.

Revision ID: 81f2609837a6
Revises: 06ea110f5796
Create Date: 2026-12-06 05:33:55.243354

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '81f2609837a6'
down_revision = '06ea110f5796'
branch_labels = None
depends_on = None

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, "
    "content='search_documents', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS search_documents_ai",
               "DROP TRIGGER IF EXISTS search_documents_ad",
               "DROP TRIGGER IF EXISTS search_documents_au",
               "DROP TABLE IF EXISTS search_fts"]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_search_documents_title_trgm ON search_documents "
    "USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_search_documents_body_trgm ON search_documents "
    "USING gin (body gin_trgm_ops)",
]
# The extension stays: other schemas of the database may use it.
POSTGRES_DROP = ["DROP INDEX IF EXISTS ix_search_documents_body_trgm",
                 "DROP INDEX IF EXISTS ix_search_documents_title_trgm"]


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('endpoint', sa.String(length=80), nullable=False),
    sa.Column('url_args', sa.JSON(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_search_documents_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['street_id'], ['units.id'], name=op.f('fk_search_documents_street_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('source', 'ref_id', name=op.f('uq_search_documents_source_ref_id'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_scope', ['source', 'street_id', 'status'], unique=False)

    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_scope')

    op.drop_table('search_documents')
