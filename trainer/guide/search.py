"""The guide's search source (registered from ``guide.wiring``): every entry, found by its
situation (the title), keywords, hotlines and first steps. The guide is district-wide
reference for everyone signed in, as its own pages are; a street's local contacts are not
indexed (they are shown on the entry's page to that street only)."""

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from trainer import signals
from trainer.extensions import db
from trainer.guide.models import GuideEntry
from trainer.search.sources import Document, Source


def announce_entry(entry: GuideEntry) -> None:
    """Tell search that this entry changed."""
    signals.content_changed.send("guide", ids=[entry.id])


def entry_documents(ids: Sequence[int] | None) -> list[Document]:
    stmt = sa.select(GuideEntry)
    if ids is not None:
        stmt = stmt.where(GuideEntry.id.in_(ids))
    return [Document(ref_id=entry.id, title=entry.situation,
                     body="\n".join([" ".join(entry.keywords), " ".join(entry.hotlines),
                                     Markup(entry.steps_html).striptags()]),
                     endpoint="guide.entry", url_args={"key": entry.key},
                     department_id=entry.department_id)
            for entry in db.session.scalars(stmt)]


def entries_visible(user) -> sa.ColumnElement[bool]:
    return sa.true()


ENTRIES = Source(label=_l("Who to ask"), documents=entry_documents,
                 visible=entries_visible, order=5)
