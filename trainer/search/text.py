"""Pure text helpers of search: the words of a query, their safe forms for FTS5 and LIKE,
and highlighted snippets. No Flask, no database.

A query is a few words separated by spaces; a document matches when it contains every
word as written (a substring, case-insensitive), in its title or its body. Nothing the
user types is ever syntax: each word becomes one quoted FTS5 phrase, and in LIKE patterns
``%``, ``_`` and the escape character are escaped.
"""

import re

from markupsafe import Markup, escape

MAX_QUERY = 50  # characters; a longer query is refused, not cut (the user sees why)
MAX_TERMS = 6
TRIGRAM = 3  # words shorter than this cannot use a trigram index: scanned with LIKE
LIKE_ESCAPE = "\\"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class QueryTooLong(ValueError):
    """The query is longer than ``MAX_QUERY`` characters."""


def terms_of(text: str | None) -> list[str]:
    """The distinct words of a query in order (at most ``MAX_TERMS``); control characters
    are dropped and full-width spaces separate words. Raises QueryTooLong."""
    cleaned = _CONTROL.sub(" ", text or "").replace("\u3000", " ").strip()
    if len(cleaned) > MAX_QUERY:
        raise QueryTooLong(cleaned)
    words: list[str] = []
    for word in cleaned.split():
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    return words[:MAX_TERMS]


def fts_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression requiring every word of at least three characters, each a
    phrase in double quotes (quotes doubled): no operator, column filter or prefix star
    the user typed reaches FTS5 syntax. Empty when no word is long enough."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms if len(t) >= TRIGRAM)


def like_pattern(term: str) -> str:
    """``%term%`` for LIKE/ILIKE with ``LIKE_ESCAPE``: the user's % and _ are literal."""
    escaped = (term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
               .replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_"))
    return f"%{escaped}%"


def _pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    alternatives = sorted({re.escape(t) for t in terms}, key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> Markup:
    """``text`` escaped, every occurrence of a word wrapped in ``<mark>``."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def snippet(body: str, terms: list[str], width: int = 90, before: int = 24) -> Markup:
    """About ``width`` characters of ``body`` around its first match, highlighted, with
    an ellipsis where text was cut; the start of the body when no word occurs in it."""
    flat = " ".join(body.split())
    pattern = _pattern(terms)
    found = pattern.search(flat) if pattern is not None else None
    start = max(0, found.start() - before) if found else 0
    end = min(len(flat), max(start + width, found.end() if found else 0))
    piece = highlight(flat[start:end], terms)
    return Markup("%s%s%s") % ("…" if start else "", piece, "…" if end < len(flat) else "")
