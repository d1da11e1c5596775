"""The one search query: ``search(user, text, page)``.

A document matches when it holds every word of the query (as written, case-insensitive)
in its title or body and its source lets the user see it. SQLite finds words of three or
more characters through the trigram FTS5 table and scans the base text with LIKE for
shorter ones (most Chinese keywords have two characters); PostgreSQL uses ILIKE for all
words, served by trigram indexes. Both return the same rows in the same order.

Ranking, written once in portable SQL so both databases agree: documents with a word in
the title first; then by how much of the body the words cover (characters of all
occurrences); then by source (its ``order``), then by the source row's id.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from markupsafe import Markup

from trainer.extensions import db
from trainer.paging import Pager
from trainer.search import text as query_text
from trainer.search.models import FTS_TABLE, SearchDocument
from trainer.search.sources import sources
from trainer.search.text import LIKE_ESCAPE, QueryTooLong

PER_PAGE = 20


@dataclass(frozen=True)
class Hit:
    kind: str
    label: str
    title: Markup
    snippet: Markup
    url: str


@dataclass
class Results(Pager):
    """One page of results; ``too_long`` when the query was refused."""

    query: str
    terms: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    too_long: bool = False


def search(user, text: str | None, page: int = 1, per_page: int = PER_PAGE) -> Results:
    """The page ``page`` of the documents matching ``text`` that ``user`` may see."""
    try:
        terms = query_text.terms_of(text)
    except QueryTooLong:
        return Results(query=text or "", too_long=True)
    results = Results(query=" ".join(terms), terms=terms, page=max(page, 1))
    if not terms or not len(sources):
        return results
    stmt = _matching(user, terms)
    results.total = db.session.scalar(
        stmt.with_only_columns(sa.func.count()).order_by(None)) or 0
    results.pages = -(-results.total // per_page)
    if results.page > results.pages:  # past the end (any number: no OFFSET overflows)
        return results
    docs = db.session.scalars(_ranked(stmt, terms).limit(per_page)
                              .offset((results.page - 1) * per_page)).all()
    results.hits = _hits(user, docs, terms)
    return results


def _matching(user, terms: list[str]) -> sa.Select:
    visible = [sa.and_(SearchDocument.source == name, source.visible(user))
               for name, source in sources.items()]
    stmt = sa.select(SearchDocument).where(sa.or_(*visible))
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite and (match := query_text.fts_query(terms)):
        stmt = stmt.where(SearchDocument.id.in_(
            sa.select(sa.literal_column("rowid")).select_from(sa.table(FTS_TABLE))
            .where(sa.literal_column(FTS_TABLE).op("MATCH")(match))))
    for term in terms:
        if sqlite and len(term) >= query_text.TRIGRAM:
            continue  # matched by FTS5 above
        stmt = stmt.where(sa.or_(*(column.ilike(query_text.like_pattern(term),
                                                escape=LIKE_ESCAPE)
                                   for column in (SearchDocument.title, SearchDocument.body))))
    return stmt


def _covered(column, terms: list[str]):
    """Characters of ``column`` taken by occurrences of the words (lower-cased)."""
    lowered = sa.func.lower(column)
    return sum((sa.func.length(lowered) - sa.func.length(
        sa.func.replace(lowered, term.lower(), "")) for term in terms), sa.literal(0))


def _ranked(stmt: sa.Select, terms: list[str]) -> sa.Select:
    order = sa.case({name: source.order for name, source in sources.items()},
                    value=SearchDocument.source, else_=99)
    in_title = sa.case((_covered(SearchDocument.title, terms) > 0, 1), else_=0)
    return stmt.order_by(in_title.desc(), _covered(SearchDocument.body, terms).desc(),
                         order, SearchDocument.ref_id)


def _hits(user, docs: list[SearchDocument], terms: list[str]) -> list[Hit]:
    links: dict[int, str] = {}
    for name, source in sources.items():
        mine = [doc for doc in docs if doc.source == name]
        if mine and source.links is not None:
            links.update(source.links(user, mine))
    return [Hit(kind=doc.source, label=str(sources.get(doc.source).label),
                title=query_text.highlight(doc.title, terms),
                snippet=query_text.snippet(doc.body, terms),
                url=links.get(doc.id) or url_for(doc.endpoint, **doc.url_args))
            for doc in docs]
