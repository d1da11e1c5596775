"""What each domain erases of a person, and what it shows them of their data.

The erasure (trainer/auth/erasure.py) owns the registry ``erasers``; every domain that
keeps free text typed by a person or naming them registers an ``Eraser`` from its
``wiring.init_app``: the columns it scrubs (listed in the README), ``scrub`` (called inside
the erasure's transaction, after the account itself was pseudonymised) and ``export`` (the
person's own data for ``/me/data``). Scores, answers and records stay: they are tied to the
account's id, which now carries only the pseudonym.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from trainer.extensions import db
from trainer.registry import Registry

# What replaces a text a person typed (an appeal, a comment, a feedback).
PLACEHOLDER = "〔内容已应本人要求删除〕"


@dataclass(frozen=True)
class Erased:
    """The person being erased: their id, what named them (name, username, phone: the
    needles searched for in text written by others) and the pseudonym that replaces them."""

    user_id: int
    needles: tuple[str, ...]
    pseudonym: str

    def scrub_text(self, text: str | None) -> str | None:
        """``text`` with every mention of the person replaced by the pseudonym."""
        if not text:
            return text
        for needle in self.needles:
            text = text.replace(needle, self.pseudonym)
        return text


@dataclass(frozen=True)
class Eraser:
    columns: tuple[str, ...]  # "table.column: what" lines, for the README and the admin page
    scrub: Callable[[Erased], None]
    export: Callable[[int], object] | None = None
    notes: tuple[str, ...] = field(default=())


erasers: Registry[Eraser] = Registry(
    "auth.erasers", "what each domain scrubs of an erased person, and exports for /me/data")


def blank(column, owner_clause, text: str = PLACEHOLDER) -> None:
    """Replace ``column`` by ``text`` in the rows ``owner_clause`` selects (typed by them)."""
    db.session.execute(sa.update(column.class_).where(owner_clause).values({column.key: text})
                       .execution_options(synchronize_session=False))


def replace_mentions(erased: Erased, *columns) -> int:
    """Replace every mention of the person in ``columns`` (text written by anyone) by the
    pseudonym; answers how many rows changed."""
    changed = 0
    for column in columns:
        model = column.class_
        pk = sa.inspect(model).primary_key[0]
        found = sa.or_(*(column.contains(n, autoescape=True) for n in erased.needles))
        for key, text in db.session.execute(sa.select(pk, column).where(found)).all():
            db.session.execute(sa.update(model).where(pk == key)
                               .values({column.key: erased.scrub_text(text)})
                               .execution_options(synchronize_session=False))
            changed += 1
    return changed


def plain(value):
    """A JSON-ready value (dates as ISO 8601)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def rows(stmt) -> list[dict]:
    """Every row of a column select as a dict of JSON-ready values."""
    return [{k: plain(v) for k, v in row._mapping.items()} for row in db.session.execute(stmt)]
