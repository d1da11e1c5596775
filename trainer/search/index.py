"""Keeping ``search_documents`` in step with the sources.

A service that saves searchable content sends ``signals.content_changed`` (source name,
``ids``). ``mark_changed`` notes them on the session; just before that session commits,
``refresh_marked`` copies those rows again from their source (the source's state as it
will be committed, whatever the caller set after sending), and a rollback forgets the
marks. ``reindex`` and ``rebuild`` do the copying; they flush and never commit.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from trainer.extensions import db
from trainer.search.models import SearchDocument
from trainer.search.sources import Document, sources

MARKS = "search_changed"


def _row(name: str, doc: Document) -> dict:
    return {"source": name, "ref_id": doc.ref_id, "title": doc.title[:200], "body": doc.body,
            "endpoint": doc.endpoint, "url_args": dict(doc.url_args),
            "street_id": doc.street_id, "department_id": doc.department_id,
            "status": doc.status}


def reindex(name: str, ids: Sequence[int] | None = None) -> int:
    """Copy the documents ``ids`` (all when None) of source ``name`` again: rows that no
    longer exist in the source leave the index. Returns how many documents it holds now."""
    source = sources.get(name)
    if source is None:
        return 0
    stale = sa.delete(SearchDocument).where(SearchDocument.source == name)
    if ids is not None:
        ids = sorted(set(ids))
        if not ids:
            return 0
        stale = stale.where(SearchDocument.ref_id.in_(ids))
    db.session.execute(stale)
    rows = [_row(name, doc) for doc in source.documents(ids)]
    if rows:
        db.session.execute(sa.insert(SearchDocument), rows)
    db.session.flush()
    return len(rows)


def rebuild() -> dict[str, int]:
    """Every registered source copied again from scratch: {source: documents}."""
    db.session.execute(sa.delete(SearchDocument).where(
        SearchDocument.source.not_in([name for name, _s in sources.items()])))
    return {name: reindex(name) for name, _source in sources.items()}


def mark_changed(sender: str, ids: Sequence[int] = (), **_extra) -> None:
    """Listener of content_changed: remember the rows until the session commits."""
    db.session.info.setdefault(MARKS, {}).setdefault(sender, set()).update(ids)


def refresh_marked(session) -> None:
    """Session ``before_commit``: reindex what was marked in this transaction."""
    marks = session.info.pop(MARKS, None)
    if not marks:
        return
    for name, ids in marks.items():
        reindex(name, ids)


def forget_marked(session) -> None:
    """Session ``after_rollback``: nothing marked in the rolled-back work was saved."""
    session.info.pop(MARKS, None)
