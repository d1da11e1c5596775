"""The leaderboard's hot statements, built once and run as Core statements with bound
parameters: building an ORM statement per request costs several times more than running
it. Each mirrors a query of queries.py / board.py / tallies.py (tests check they agree).
"""

from collections import namedtuple
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from trainer.auth.models import User
from trainer.auth.services import token_owner_select  # the auth domain's token rule
from trainer.competitions.models import Competition, Entry, Tally
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Unit
from trainer.org.scope import (
    district_ids_of,
    is_district_wide,
    street_id_of,
    unit_street_id_sql,
)

C, E, T = Competition.__table__.c, Entry.__table__.c, Tally.__table__.c
COMP_COLUMNS = (C.id, C.street_id, C.district_id, C.status, C.freeze_at, C.visibility,
                C.visible_top, C.team_by, C.team_size)
MINE_COLUMNS = (E.id, E.competition_id, E.street_id, E.number, E.total_centi, E.seconds,
                E.rank_key, E.frozen_total_centi, E.frozen_rank_key)
_in_street = sa.or_(C.street_id.is_(None), C.street_id == sa.bindparam("street"))
# The districts within the caller's reach (scope.district_ids_of): a district is a tenant.
_in_reach = C.district_id.in_(sa.bindparam("districts", expanding=True))
# The caller's own entry comes with the competition (an outer join on the unique
# (competition, user) pair): one statement, one round trip, instead of two.
_mine = tuple(column.label(f"mine_{column.name}") for column in MINE_COLUMNS)
_comp = (sa.select(*COMP_COLUMNS, *_mine)
         .select_from(Competition.__table__.outerjoin(
             Entry.__table__, sa.and_(E.competition_id == C.id,
                                      E.user_id == sa.bindparam("user"))))
         .where(C.id == sa.bindparam("comp")))
COMP = {
    "all": _comp,
    "district": _comp.where(_in_reach),
    "published": _comp.where(_in_reach, C.status != "draft"),
    "street_organiser": _comp.where(_in_reach, _in_street, sa.or_(
        C.status != "draft", C.street_id == sa.bindparam("street"))),
    "street": _comp.where(_in_reach, _in_street, C.status != "draft"),
}

# A worker's leaderboard request in one statement: the bearer token checked by the rule of
# user_for_token, the caller's role, the competition when a worker may see it (the
# "street" rule of COMP, the caller's street taken from their unit as street_id_of does)
# and the caller's own entry. No row: no valid token; ``id`` None: no such competition
# in the caller's sight.
Viewer = namedtuple("Viewer", "id role")
_U, _UNIT = User.__table__.c, Unit.__table__.c
_callers_street = unit_street_id_sql(_UNIT.level, _UNIT.street_id)  # scope.unit_street_id


@cache
def _for_token() -> sa.Select:
    return (token_owner_select(_U.id.label("viewer_id"), _U.role.label("viewer_role"),
                               *COMP_COLUMNS, *_mine, _mine_better().label("mine_better"))
            .outerjoin(Unit.__table__, _UNIT.id == _U.unit_id)
            .outerjoin(Competition.__table__, sa.and_(
                C.id == sa.bindparam("comp"), C.status != "draft",
                C.district_id == _UNIT.district_id,
                sa.or_(C.street_id.is_(None), C.street_id == _callers_street)))
            .outerjoin(Entry.__table__, sa.and_(E.competition_id == C.id,
                                                E.user_id == _U.id)))


def point_of(total_centi):
    """SQL for tallies.bucket: the whole point a total (× 100) falls in, 0–100."""
    return sa.case((total_centi >= 10000, 100), (total_centi < 0, 0),
                   else_=total_centi // 100)


def low_key_of(point):
    """SQL for tallies.low_key: the smallest rank key a total inside ``point`` can have."""
    best = sa.case((point * 100 + 99 >= 10000, 10000), else_=point * 100 + 99)
    return (10000 - best) * sa.literal(10**14, sa.BigInteger)


def _mine_better():
    """The caller's live rank in the whole table, less one: better_count with the own
    entry's total and key."""
    point = point_of(E.total_centi)
    return better_count(Entry.__table__.alias("others"), C.id, 0, False, point,
                        low_key_of(point), E.rank_key)


def read_without_transaction() -> None:
    """On PostgreSQL, let this request's session read in autocommit: a request of
    independent reads needs no snapshot across them, and psycopg's BEGIN and the
    ROLLBACK at the end are a round trip each. Call before the request's first
    statement; never in a request that writes."""
    if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def for_token(digest: str, comp_id: int):
    """The row of _for_token for this token digest and competition, or None."""
    return run(_for_token(), digest=digest, now=utcnow(), comp=comp_id).first()


MINE = sa.select(*MINE_COLUMNS).where(E.competition_id == sa.bindparam("comp"),
                                      E.user_id == sa.bindparam("user"))


def _scope(user) -> str:
    """Which visibility rule of queries.visible_competitions applies to ``user``."""
    if user.role == "admin":
        return "all"
    if user.role == "organiser" and is_district_wide(user):
        return "district"
    if is_district_wide(user):
        return "published"
    return "street_organiser" if user.role == "organiser" else "street"


def run(stmt, **params):
    return db.session.connection().execute(stmt, params)


# An entrant's own entry, as MINE selects it (fields named after MINE_COLUMNS).
Mine = namedtuple("Mine", [column.name for column in MINE_COLUMNS])


def competition(user, comp_id: int):
    """The leaderboard's columns of a competition the user may see, with the user's own
    entry in ``mine_*`` columns (None when not entered), or None."""
    return run(COMP[_scope(user)], comp=comp_id, street=street_id_of(user),
               districts=district_ids_of(user) or [], user=user.id).first()


def own_entry(row):
    """The caller's entry carried by a ``competition`` row, or None."""
    if row.mine_id is None:
        return None
    return Mine(*(getattr(row, f"mine_{column.name}") for column in MINE_COLUMNS))


def my_entry(comp_id: int, user_id: int):
    return run(MINE, comp=comp_id, user=user_id).first()


def better_count(entries, comp, scope, frozen: bool, point, low, key, street=None):
    """SQL: how many entrants of competition ``comp`` rank strictly better than rank key
    ``key`` (tallies.better_than): the per-point tallies of the better points (of
    ``scope``: 0, or a street) plus an indexed count inside the entrant's own ``point``
    from its ``low`` key; of ``street`` only when given. ``entries`` is the table to
    count in (an alias inside a statement that also reads the caller's own entry); the
    other arguments are SQL expressions: bound parameters, or that entry's columns."""
    key_column = entries.c.frozen_rank_key if frozen else entries.c.rank_key
    above = (sa.select(sa.func.coalesce(sa.func.sum(T.count), 0))
             .where(T.competition_id == comp, T.scope == scope, T.frozen == frozen,
                    T.bucket > point)
             .scalar_subquery())
    inside = (sa.select(sa.func.count()).select_from(entries)
              .where(entries.c.competition_id == comp, key_column >= low, key_column < key))
    if street is not None:
        inside = inside.where(entries.c.street_id == street)
    return above + inside.scalar_subquery()


def _better(frozen: bool, street: bool):
    return sa.select(better_count(
        Entry.__table__, sa.bindparam("comp"), sa.bindparam("scope"), frozen,
        sa.bindparam("bucket"), sa.bindparam("low"), sa.bindparam("key"),
        sa.bindparam("street") if street else None))


BETTER = {(f, s): _better(f, s) for f in (False, True) for s in (False, True)}


def better(comp_id: int, street_id: int | None, frozen: bool, bucket: int, low: int,
           key: int) -> int:
    stmt = BETTER[(frozen, street_id is not None)]
    return int(run(stmt, comp=comp_id, scope=street_id or 0, bucket=bucket, low=low, key=key,
                   street=street_id).scalar())


def _page(frozen: bool, street: bool):
    community, street_unit = aliased(Unit), aliased(Unit)
    key = E.frozen_rank_key if frozen else E.rank_key
    inner = sa.select(E.id.label("id"), key.label("k")).where(
        E.competition_id == sa.bindparam("comp"))
    if street:
        inner = inner.where(E.street_id == sa.bindparam("street"))
    inner = inner.order_by(key, E.id).limit(sa.bindparam("scan", type_=sa.Integer)).subquery()
    ranked = sa.select(inner.c.id, inner.c.k,
                       sa.func.rank().over(order_by=inner.c.k).label("rnk")).subquery()
    users = User.__table__.c
    return (sa.select(E.id, E.user_id, E.number, users.name, community.name, street_unit.name,
                      ranked.c.rnk, ranked.c.k)
            .select_from(Entry.__table__)
            .join(ranked, ranked.c.id == E.id)
            .join(User.__table__, users.id == E.user_id)
            .outerjoin(community, community.id == E.community_id)
            .outerjoin(street_unit, street_unit.id == E.street_id)
            .order_by(ranked.c.k, ranked.c.id)
            .limit(sa.bindparam("take", type_=sa.Integer))
            .offset(sa.bindparam("skip", type_=sa.Integer)))


PAGE = {(f, s): _page(f, s) for f in (False, True) for s in (False, True)}


def page(comp_id: int, frozen: bool, limit: int, offset: int, street_id: int | None) -> list:
    """Rows (entry id, user id, number, name, community, street, rank, key) of one page
    plus one more (to tell whether a next page exists), ranked by RANK() OVER the
    LIMITed index scan."""
    return run(PAGE[(frozen, street_id is not None)], comp=comp_id, street=street_id,
               scan=offset + limit + 1, take=limit + 1, skip=offset).all()
