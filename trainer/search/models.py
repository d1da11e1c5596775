"""The search index: one row per searchable document, copied from its source.

The rows are plain text kept up to date by ``trainer.search.index`` (the sources' own
tables stay the truth). The database adds a text index over title and body:

- SQLite: an external-content FTS5 table ``search_fts`` with the trigram tokenizer, kept in
  step by triggers on ``search_documents`` (so any insert, update or delete updates it);
- PostgreSQL: trigram GIN indexes (extension ``pg_trgm``) that serve ``ILIKE '%...%'``.

The migration creates them; the DDL below does the same for ``create_all`` (the tests).
Both are left out of the comparison of models and migrations (``trainer.database.modelled``).
"""

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db


class SearchDocument(db.Model):
    """A document of one source (``source``, ``ref_id``: the row it was copied from).
    ``endpoint`` and ``url_args`` build its link; street, department and status are copies
    of the source row's visibility fields for sources whose rule needs nothing more."""

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("source", "ref_id"),
                      Index("ix_search_documents_scope", "source", "street_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    ref_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    endpoint: Mapped[str] = mapped_column(String(80))
    url_args: Mapped[dict] = mapped_column(JSON, default=dict)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="")


FTS_TABLE = "search_fts"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, "
    "content='search_documents', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS search_documents_ai AFTER INSERT ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_ad AFTER DELETE ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_au AFTER UPDATE ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_title_trgm ON search_documents "
    "USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_body_trgm ON search_documents "
    "USING gin (body gin_trgm_ops)",
]

for _statement in SQLITE_CREATE:
    event.listen(SearchDocument.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_DROP:
    event.listen(SearchDocument.__table__, "before_drop",
                 DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_CREATE:
    event.listen(SearchDocument.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
