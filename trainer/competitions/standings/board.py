"""Serving standings: one page of the table, the caller's own standing, and team tables.

The stored rank keys (scoring.py) make every read a few indexed statements whatever the
number of entrants: from SQL, a LIMITed index scan ranked with ``RANK() OVER (ORDER BY
rank_key)`` and one indexed count for the caller's own rank; from Redis (REDIS_URL set),
the sorted sets of redisboard.py. Both rank from the same keys, so they agree exactly.
"""

import os
import threading
import time
from dataclasses import dataclass, field

import redis as redis_lib
import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, aliased

from trainer.auth.models import User
from trainer.competitions import phases
from trainer.competitions.models import Competition, Entry
from trainer.competitions.queries import can_manage
from trainer.competitions.standings import fastsql, ranking, redisboard, tallies
from trainer.errors import NotFound
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Unit

MAX_LIMIT = 200
CACHE_SIZE = 512
CHANGED = "gt_competition_changed"


FLIGHT_WAIT = 10.0  # seconds a request waits for another thread's rebuild of its page
_flights_lock = threading.Lock()


def _cache() -> dict[tuple, tuple[float, list, bool]]:
    """This app's cache of table pages (one per app, so tests never share one)."""
    return current_app.extensions.setdefault("competition_board_cache", {})


def _flight(key: tuple) -> threading.Lock:
    """The lock held by the one thread of this process rebuilding the page ``key``."""
    flights = current_app.extensions.setdefault("competition_board_flights", {})
    with _flights_lock:
        if len(flights) >= CACHE_SIZE:
            flights.clear()  # a lock in use stays with its holders; at worst two rebuilds
        return flights.setdefault(key, threading.Lock())


def _generation(comp_id: int) -> int:
    """How often this process has forgotten the competition's pages (forget): a page
    fetched across a change is not stored."""
    return current_app.extensions.setdefault("competition_board_generations", {}).get(
        comp_id, 0)


@dataclass
class Row:
    rank: int
    entry_id: int
    user_id: int
    number: int
    name: str
    community: str | None
    street: str | None
    score: float
    seconds: int


@dataclass
class Board:
    rows: list[Row] = field(default_factory=list)
    me: dict | None = None
    frozen: bool = False
    has_next: bool = False
    hidden: bool = False  # entrants see only their own standing


def sees_live(comp: Competition, viewer, public: bool = False) -> bool:
    """Organisers see everything live, unless asking for the public view (the projector)."""
    return not public and viewer is not None and can_manage(viewer, comp)


def frozen_for(comp: Competition, viewer, public: bool = False) -> bool:
    """Whether ``viewer`` gets the frozen table (organisers always see it live)."""
    return phases.is_frozen(comp, utcnow()) and not sees_live(comp, viewer, public)


def visible_limit(comp: Competition, viewer, limit: int, offset: int,
                  public: bool = False) -> int:
    """How many rows from ``offset`` the viewer may see under the visibility setting."""
    if sees_live(comp, viewer, public) or comp.visibility == "full":
        return limit
    if comp.visibility == "own":
        return 0
    return max(0, min(limit, (comp.visible_top or 0) - offset))


def leaderboard(comp, viewer, *, limit: int = 50, offset: int = 0,
                street_id: int | None = None, public: bool = False) -> Board:
    """The table the viewer may see (a street's own table when ``street_id`` is given;
    the public one, as entrants see it, when ``public``). ``comp`` may be a Competition
    or the row of ``lean_competition``."""
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    frozen = frozen_for(comp, viewer, public)
    shown = visible_limit(comp, viewer, limit, offset, public)
    board = Board(frozen=frozen, hidden=shown == 0 and comp.visibility == "own")
    mine = None
    if viewer.role == "worker":  # lean_competition's row carries it; a model does not
        mine = (fastsql.own_entry(comp) if hasattr(comp, "mine_id")
                else my_entry(comp.id, viewer.id))
    ranked = mine is not None and (street_id is None or mine.street_id == street_id)
    # fastsql.for_token's row carries the caller's rank in the whole table, counted in
    # its statement; Redis is then asked only for a page that is not cached
    better = getattr(comp, "mine_better", None) if street_id is None else None
    use_redis = None if redisboard.client() is not None else False
    if use_redis is None and better is None:
        use_redis, better = _redis_ready_with_rank(
            comp.id, mine if ranked and not frozen else None, street_id)
    if shown:
        board.rows, board.has_next = cached_rows(comp.id, frozen, shown, offset, street_id,
                                                 use_redis)
        if shown < limit:
            board.has_next = False
    if ranked:
        board.me = my_standing(mine, frozen, street_id, use_redis, better=better)
    return board


def _redis_ready_with_rank(comp_id: int, mine, street_id: int | None
                           ) -> tuple[bool, int | None]:
    """Whether Redis serves this competition and, when ``mine`` is given, how many rank
    better than it there: both in one round trip when the sets are ready."""

    try:
        if mine is not None:
            ready, better = redisboard.ready_and_better(
                comp_id, _zset(comp_id, False, street_id), _below(mine.rank_key))
            if ready:
                return True, better
        return redisboard.ensure_built(comp_id), None
    except redis_lib.RedisError:
        return False, None


def lean_competition(user, comp_id: int):
    """The few columns the leaderboard needs, scope-checked like get_competition (404),
    with the user's own entry (fastsql.own_entry)."""


    row = fastsql.competition(user, comp_id)
    if row is None:
        raise NotFound(_("No such competition."))
    return row


def my_entry(comp_id: int, user_id: int):
    return fastsql.my_entry(comp_id, user_id)


def cached_rows(comp_id: int, frozen: bool, limit: int, offset: int, street_id: int | None,
                use_redis: bool | None) -> tuple[list[Row], bool]:
    """A page of the table, shared by every viewer for ``COMPETITION_BOARD_CACHE_SECONDS``
    (default 1 s; this process forgets it at once when it commits a change, other
    processes within that time). From Redis or SQL (``use_redis`` None: Redis when its
    sets are ready, asked only when the page is not cached); both give the same rows."""
    ttl = cache_seconds()
    key = (comp_id, frozen, limit, offset, street_id)
    now, cache = time.monotonic(), _cache()
    hit = cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1], hit[2]
    if ttl <= 0:
        return _fetch_rows(comp_id, frozen, limit, offset, street_id, use_redis)
    # Single flight: one thread of this process rebuilds an expired page; the others
    # meanwhile serve the page it replaces (a moment older than the cache allows), or,
    # with none (never cached, or forgotten after a change this process committed),
    # wait for the rebuild and read it.
    flight = _flight(key)
    if not flight.acquire(blocking=False):
        if hit is not None:
            return hit[1], hit[2]
        got = flight.acquire(timeout=FLIGHT_WAIT)
        if got:
            flight.release()
        fresh = cache.get(key)
        if fresh is not None and fresh[0] > time.monotonic():
            return fresh[1], fresh[2]
        return _fetch_rows(comp_id, frozen, limit, offset, street_id, use_redis)
    try:
        generation = _generation(comp_id)
        rows, has_next = _fetch_rows(comp_id, frozen, limit, offset, street_id, use_redis)
        if _generation(comp_id) == generation:  # no change committed meanwhile
            if len(cache) >= CACHE_SIZE:
                cache.clear()
            cache[key] = (time.monotonic() + ttl, rows, has_next)
    finally:
        flight.release()
    return rows, has_next


def _fetch_rows(comp_id: int, frozen: bool, limit: int, offset: int, street_id: int | None,
                use_redis: bool | None) -> tuple[list[Row], bool]:
    if use_redis is None:
        use_redis = _redis_ready_with_rank(comp_id, None, street_id)[0]
    fetch = redis_rows if use_redis else sql_rows
    return fetch(comp_id, frozen, limit, offset, street_id)


def cache_seconds() -> float:
    """COMPETITION_BOARD_CACHE_SECONDS from the config, else the environment; default 1."""
    value = current_app.config.get("COMPETITION_BOARD_CACHE_SECONDS",
                                   os.environ.get("COMPETITION_BOARD_CACHE_SECONDS", 1.0))
    return max(0.0, float(value))


def forget(comp_ids) -> None:
    """Drop this process's cached pages of these competitions."""
    if not has_app_context():
        return
    cache = _cache()
    generations = current_app.extensions.setdefault("competition_board_generations", {})
    for comp_id in comp_ids:
        generations[comp_id] = generations.get(comp_id, 0) + 1
    for key in [k for k in cache if k[0] in comp_ids]:
        cache.pop(key, None)


def _key_columns(frozen: bool):
    return Entry.frozen_rank_key if frozen else Entry.rank_key


def _row(rank: int, key: int, values) -> Row:
    entry_id, user_id, number, name, community, street = values
    return Row(rank=rank, entry_id=entry_id, user_id=user_id, number=number, name=name,
               community=community, street=street,
               score=ranking.key_total_centi(key) / 100, seconds=ranking.key_seconds(key))


_community, _street = aliased(Unit), aliased(Unit)


def _names_select():
    return (sa.select(Entry.id, Entry.user_id, Entry.number, User.name, _community.name,
                      _street.name)
            .join(User, User.id == Entry.user_id)
            .outerjoin(_community, _community.id == Entry.community_id)
            .outerjoin(_street, _street.id == Entry.street_id))


def sql_rows(comp_id: int, frozen: bool, limit: int, offset: int,
             street_id: int | None) -> tuple[list[Row], bool]:
    """One page ranked by a window function over the LIMITed index scan (the rows above
    the page are all inside the scan, so their ranks are the ranks in the whole table)."""
    found = fastsql.page(comp_id, frozen, limit, offset, street_id)
    rows = [_row(r[6], r[7], r[:6]) for r in found[:limit]]
    return rows, len(found) > limit


def redis_rows(comp_id: int, frozen: bool, limit: int, offset: int,
               street_id: int | None) -> tuple[list[Row], bool]:
    """The same page from the sorted set: members in order, names from one SQL query."""
    redis = redisboard.client()
    zkey = _zset(comp_id, frozen, street_id)
    members = [redisboard.parse_member(m) for m in redis.zrange(zkey, offset, offset + limit)]
    has_next = len(members) > limit
    members = members[:limit]
    if not members:
        return [], False
    keys = [k for k, _id in members]
    first = 1 if offset == 0 else 1 + better_in_redis(zkey, keys[0])
    ranks = ranking.competition_ranks(keys, offset=offset, first_rank=first)
    ids = [entry_id for _k, entry_id in members]
    names = {r[0]: r for r in db.session.execute(_names_select().where(Entry.id.in_(ids)))}
    rows = [_row(rank, key, names[entry_id]) for rank, (key, entry_id)
            in zip(ranks, members, strict=True) if entry_id in names]
    return rows, has_next


def _zset(comp_id: int, frozen: bool, street_id: int | None) -> str:
    names = redisboard.keys(comp_id, street_id)
    if street_id is not None:
        return names["sfrozen" if frozen else "slive"]
    return names["frozen" if frozen else "live"]


def better_in_redis(zkey: str, key: int) -> int:
    return redisboard.client().zlexcount(zkey, "-", _below(key))


def _below(key: int) -> str:
    """The lexicographic bound of members ranked strictly better than rank key ``key``."""
    return f"({key:0{ranking.KEY_WIDTH}d}"


def better_in_sql(entry, frozen: bool, street_id: int | None) -> int:
    """Entrants ranked strictly better (from the per-point tallies: constant cost)."""
    total = entry.frozen_total_centi if frozen else entry.total_centi
    key = entry.frozen_rank_key if frozen else entry.rank_key
    return tallies.better_than(entry.competition_id, street_id, frozen, total, key)


def my_standing(entry, frozen: bool, street_id: int | None = None,
                use_redis: bool = False, better: int | None = None) -> dict:
    """The entrant's own live score and time; the rank too unless the table is frozen
    (``better``: the count of those ranked better, when already known)."""
    me = {"rank": None, "score": entry.total_centi / 100, "seconds": entry.seconds,
          "entry_id": entry.id, "number": entry.number}
    if not frozen:
        if better is None:
            better = (better_in_redis(_zset(entry.competition_id, False, street_id),
                                      entry.rank_key)
                      if use_redis else better_in_sql(entry, False, street_id))
        me["rank"] = 1 + better
    return me


def team_board(comp: Competition, viewer, public: bool = False) -> list[dict]:
    """Teams (the entrants' communities or streets) ranked by the mean of their best
    ``team_size`` totals, missing members counting 0."""
    if comp.team_by is None:
        return []
    frozen = frozen_for(comp, viewer, public)
    total = Entry.frozen_total_centi if frozen else Entry.total_centi
    team = Entry.community_id if comp.team_by == "community" else Entry.street_id
    numbered = sa.select(team.label("team"), total.label("total"), sa.func.row_number().over(
        partition_by=team, order_by=total.desc()).label("n")).where(
        Entry.competition_id == comp.id, team.is_not(None)).subquery()
    best = db.session.execute(sa.select(numbered.c.team, numbered.c.total)
                              .where(numbered.c.n <= comp.team_size)).all()
    members: dict[int, list[int]] = {}
    for team_id, value in best:
        members.setdefault(team_id, []).append(value)
    names = dict(db.session.execute(sa.select(Unit.id, Unit.name).where(
        Unit.id.in_(list(members)))).all()) if members else {}
    rows = ranking.team_standings(members, comp.team_size)
    return [{"rank": r.rank, "team": names.get(r.team, "?"), "team_id": r.team,
             "score": r.score_centi / 100} for r in rows]


def team_table(comp: Competition, viewer, public: bool = False) -> list[dict]:
    """The team table under the visibility setting, as for entrants: none when they see
    only their own standing, the first ``visible_top`` rows under "top" (organisers, not
    asking for the public view, see it all)."""
    if comp.team_by is None or (comp.visibility == "own" and not sees_live(comp, viewer,
                                                                            public)):
        return []
    rows = team_board(comp, viewer, public)
    return rows[:visible_limit(comp, viewer, len(rows), 0, public)]


def full_ranking(comp_id: int, frozen: bool = False) -> list[tuple[int, int, int]]:
    """(rank, entry id, rank key) for every entrant, by SQL window function (exports,
    honours and tests; not per request)."""
    key = _key_columns(frozen)
    stmt = (sa.select(sa.func.rank().over(order_by=key), Entry.id, key)
            .where(Entry.competition_id == comp_id).order_by(key, Entry.id))
    return [tuple(r) for r in db.session.execute(stmt)]


def note_change(comp_id: int) -> None:
    """Remember that this transaction changed the competition's ranking."""
    db.session.info.setdefault(CHANGED, set()).add(comp_id)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session) -> None:
    changed = session.info.pop(CHANGED, None)
    if changed:
        forget(changed)


@event.listens_for(Session, "after_soft_rollback")
def _keep_after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(CHANGED, None)
