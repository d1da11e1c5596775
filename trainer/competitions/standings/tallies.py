"""Per-point counts of entrants (models.tallies.Tally), so the caller's own rank costs a
sum over at most 100 rows plus an indexed count inside their own point.

Changes are gathered during the transaction and applied just before it commits, in one
fixed order (competition, scope, frozen, bucket), so two transactions never wait for
each other's tally rows in opposite orders (no deadlock on PostgreSQL).
"""

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from trainer.competitions.models import Entry, Tally
from trainer.competitions.standings import fastsql
from trainer.extensions import db

PENDING = "gt_competition_tallies"


def bucket(total_centi: int) -> int:
    """The whole point a total (× 100) falls in: 0–100."""
    return max(0, min(100, int(total_centi) // 100))


def low_key(point: int) -> int:
    """The smallest (best) rank key a total inside ``point`` can have."""
    best_total = min(10000, point * 100 + 99)
    return (10000 - best_total) * 10**14


def note(comp_id: int, street_id: int | None, frozen: bool, old: int | None,
         new: int | None) -> None:
    """Record that an entrant moved from total ``old`` to ``new`` (None: absent)."""
    old_b = None if old is None else bucket(old)
    new_b = None if new is None else bucket(new)
    if old_b == new_b:
        return
    pending = db.session.info.setdefault(PENDING, {})
    for scope in (0, street_id) if street_id else (0,):
        for point, delta in ((old_b, -1), (new_b, 1)):
            if point is not None:
                key = (comp_id, scope, frozen, point)
                pending[key] = pending.get(key, 0) + delta


def apply(session, pending: dict) -> None:
    for (comp_id, scope, frozen, point), delta in sorted(pending.items()):
        if not delta:
            continue
        where = (Tally.competition_id == comp_id, Tally.scope == scope,
                 Tally.frozen == frozen, Tally.bucket == point)
        done = session.execute(sa.update(Tally).where(*where)
                               .values(count=Tally.count + delta))
        if done.rowcount:
            continue
        try:
            with session.begin_nested():
                session.add(Tally(competition_id=comp_id, scope=scope, frozen=frozen,
                                  bucket=point, count=delta))
        except sa.exc.IntegrityError:  # a concurrent transaction created the row
            session.execute(sa.update(Tally).where(*where).values(count=Tally.count + delta))


@event.listens_for(Session, "before_commit")
def _before_commit(session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        session.flush()
        apply(session, pending)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


def rebuild(comp_id: int) -> None:
    """Recount a competition's tallies from its entries (after bulk changes)."""

    db.session.info.get(PENDING, {}).clear()
    db.session.execute(sa.delete(Tally).where(Tally.competition_id == comp_id))
    rows = []
    for frozen, column in ((False, Entry.total_centi), (True, Entry.frozen_total_centi)):
        point = sa.case((column >= 10000, 100), else_=column // 100)
        for scope_col, overall in ((Entry.street_id, False), (sa.literal(0), True)):
            stmt = (sa.select(scope_col, point, sa.func.count())
                    .where(Entry.competition_id == comp_id)
                    .group_by(scope_col, point))
            for scope, at, count in db.session.execute(stmt):
                if scope is not None and (overall or scope):
                    rows.append({"competition_id": comp_id, "scope": int(scope),
                                 "frozen": frozen, "bucket": int(at), "count": count})
    if rows:
        db.session.execute(sa.insert(Tally), rows)


def better_than(comp_id: int, street_id: int | None, frozen: bool, total_centi: int,
                key: int) -> int:
    """How many entrants of the table rank strictly better than rank key ``key``: the
    tallies of the better points plus an indexed count inside the entrant's own point."""

    point = bucket(total_centi)
    return fastsql.better(comp_id, street_id, frozen, point, low_key(point), key)
