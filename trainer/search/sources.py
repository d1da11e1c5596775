"""What other domains tell search: the sources of searchable documents.

- ``sources``: name -> ``Source``. Each domain registers its own from its
  ``wiring.init_app`` (learning: "courses" and "lessons"; quizzes: "questions", the
  explanations; guide: its entries) and sends ``signals.content_changed`` with the source's
  name and the changed ids whenever it saves such content.

A source answers three questions: which documents it holds (``documents``), which of them
a user may see (``visible``: a SQL condition on ``SearchDocument``, the same rule as the
source's own pages) and, optionally, where a user finds one (``links``; by default the
stored endpoint and arguments).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from trainer.registry import Registry


@dataclass(frozen=True)
class Document:
    """One searchable document as a source describes it (plain text, no HTML)."""

    ref_id: int
    title: str
    body: str
    endpoint: str
    url_args: dict = field(default_factory=dict)
    street_id: int | None = None
    department_id: int | None = None
    status: str = ""


@dataclass(frozen=True)
class Source:
    """A kind of searchable document.

    ``label``: the kind's name shown with each result (a lazy gettext string);
    ``documents(ids)``: the documents of those ids that exist now (all when ``ids`` is
    None); ``visible(user)``: SQL condition on ``SearchDocument`` rows of this source;
    ``links(user, docs)``: optional, ``{doc.id: url}`` for docs whose link depends on the
    user (a missing entry falls back to the stored endpoint); ``order``: rank among kinds
    when everything else ties (lower first)."""

    label: object
    documents: Callable[[Sequence[int] | None], Iterable[Document]]
    visible: Callable[[object], sa.ColumnElement[bool]]
    links: Callable[[object, list], dict[int, str]] | None = None
    order: int = 50


sources: Registry[Source] = Registry(
    "search.sources", "source name -> Source (documents, who may see them, links)")
