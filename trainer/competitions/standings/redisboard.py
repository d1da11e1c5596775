"""Standings in Redis sorted sets, shared by every app process (when REDIS_URL is set).

Per competition: a live and a frozen set (and one pair per street), every member scored 0
and named ``<zero-padded rank key>:<zero-padded entry id>``, so lexicographic order is
the standings order and ``ZLEXCOUNT`` counts the strictly better entrants in O(log n).
A hash keeps each entry's version and members; the update script ignores a version older
than the stored one, so updates pushed out of order by two processes never go backwards.
Updates are pushed after the database commit (never for a rolled-back change); a set that
is missing (Redis restarted, REDIS_URL newly set) is rebuilt from SQL on first read, and
every read checks the competition's generation, so a reset by any process (a publish, a
round edited) is seen by all the others at once.
"""

import logging

import redis as redis_lib
import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from trainer.competitions.models import Entry
from trainer.competitions.standings.ranking import KEY_WIDTH
from trainer.extensions import db

log = logging.getLogger("trainer.competitions")
PENDING = "gt_competition_board"
RESET = "gt_competition_board_reset"
UPDATE = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local v, l, f = string.match(old, '^(%d+)|([^|]*)|([^|]*)$')
  if tonumber(v) >= tonumber(ARGV[2]) then return 0 end
  redis.call('ZREM', KEYS[2], l)
  redis.call('ZREM', KEYS[3], f)
  if #KEYS > 3 then
    redis.call('ZREM', KEYS[4], l)
    redis.call('ZREM', KEYS[5], f)
  end
end
redis.call('ZADD', KEYS[2], 0, ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[4])
if #KEYS > 3 then
  redis.call('ZADD', KEYS[4], 0, ARGV[3])
  redis.call('ZADD', KEYS[5], 0, ARGV[4])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4])
return 1
"""


def client():
    """The app's Redis client, or None when REDIS_URL is not set."""
    if not has_app_context():
        return None
    return current_app.extensions.get("trainer_redis")


def member(key: int, entry_id: int) -> str:
    return f"{key:0{KEY_WIDTH}d}:{entry_id:012d}"


def parse_member(value: str) -> tuple[int, int]:
    key, entry_id = value.split(":")
    return int(key), int(entry_id)


def keys(comp_id: int, street_id: int | None = None) -> dict[str, str]:
    base = f"gt:competition:{{{comp_id}}}"  # one hash slot per competition
    names = {"hash": f"{base}:members", "ready": f"{base}:ready", "lock": f"{base}:lock",
             "gen": f"{base}:gen", "live": f"{base}:live", "frozen": f"{base}:frozen"}
    if street_id is not None:
        names.update(slive=f"{base}:street:{street_id}:live",
                     sfrozen=f"{base}:street:{street_id}:frozen")
    return names


def queue_update(entry) -> None:
    """Push this entry's standing to Redis once the transaction commits."""
    if client() is None:
        return
    pending = db.session.info.setdefault(PENDING, {})
    pending[entry.id] = (entry.competition_id, entry.street_id, entry.version,
                         entry.rank_key, entry.frozen_rank_key)


def queue_reset(comp_id: int) -> None:
    """Drop the competition's sets after the commit (the next read rebuilds them)."""
    if client() is not None:
        db.session.info.setdefault(RESET, set()).add(comp_id)


def push(redis, updates) -> None:
    script = redis.register_script(UPDATE)
    pipe = redis.pipeline(transaction=False)
    for entry_id, (comp_id, street_id, version, live, frozen) in updates:
        names = keys(comp_id, street_id)
        order = ["hash", "live", "frozen"] + (["slive", "sfrozen"] if street_id else [])
        script(keys=[names[k] for k in order],
               args=[entry_id, version, member(live, entry_id), member(frozen, entry_id)],
               client=pipe)
    pipe.execute()


def reset(redis, comp_id: int) -> None:
    """Drop the competition's sets and start a new generation, in one transaction: every
    process sees at its next read that the sets are not ready, and a rebuild that was
    running meanwhile (from the older generation) cannot mark them ready."""
    names = keys(comp_id)
    keep = {names["gen"], names["lock"]}
    found = [k for k in redis.scan_iter(match=f"gt:competition:{{{comp_id}}}:*", count=500)
             if k not in keep]
    pipe = redis.pipeline(transaction=True)
    pipe.incr(names["gen"])
    pipe.delete(names["ready"], *found)
    pipe.execute()


MARK_READY = """
local gen = redis.call('GET', KEYS[1]) or '0'
if gen ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], gen)
return 1
"""


def ensure_built(comp_id: int) -> bool:
    """Whether the competition's sets are ready to serve, building them when they are
    not; False when another process is building them or a reset came in meanwhile (the
    caller then answers from SQL). One round trip per request when ready: the sets are
    ready when ``ready`` holds the current generation (``gen``, raised by every reset),
    so no process keeps serving sets that another process has just dropped."""
    redis = client()
    names = keys(comp_id)
    gen, ready = redis.mget(names["gen"], names["ready"])
    if ready is not None and ready == (gen or "0"):
        return True
    if not redis.set(names["lock"], "1", nx=True, ex=300):
        return False
    try:
        gen = redis.get(names["gen"]) or "0"
        rebuild(redis, comp_id, fresh=not redis.exists(names["hash"]))
        marked = redis.register_script(MARK_READY)(keys=[names["gen"], names["ready"]],
                                                   args=[gen])
    finally:
        redis.delete(names["lock"])
    return bool(marked)


def ready_and_better(comp_id: int, zkey: str, below: str) -> tuple[bool, int]:
    """ensure_built's readiness check and ZLEXCOUNT of the members below ``below`` in
    ``zkey``, in one pipelined round trip; the count means something only when ready
    (when not, the caller goes through ensure_built)."""
    names = keys(comp_id)
    pipe = client().pipeline(transaction=False)
    pipe.mget(names["gen"], names["ready"])
    pipe.zlexcount(zkey, "-", below)
    (gen, ready), better = pipe.execute()
    return ready is not None and ready == (gen or "0"), int(better)


def rebuild(redis, comp_id: int, fresh: bool) -> None:
    """Load every entry from SQL: plain bulk ZADD/HSET into empty sets, else the
    version-checked script (updates may be arriving meanwhile)."""

    stmt = (sa.select(Entry.id, Entry.competition_id, Entry.street_id, Entry.version,
                      Entry.rank_key, Entry.frozen_rank_key)
            .where(Entry.competition_id == comp_id).execution_options(yield_per=5000))
    batch = []
    # streamed (a server-side cursor on PostgreSQL) in a transaction of its own: the
    # request's session may be reading in autocommit (fastsql.read_without_transaction)
    with db.engine.connect() as conn:
        for row in conn.execute(stmt):
            batch.append((row[0], tuple(row[1:])))
            if len(batch) >= 5000:
                (bulk if fresh else push)(redis, batch)
                batch = []
    (bulk if fresh else push)(redis, batch)


def bulk(redis, updates) -> None:
    """Add entries to empty sets in one round trip per batch (no older members exist)."""
    pipe = redis.pipeline(transaction=False)
    sets: dict[str, dict[str, int]] = {}
    fields: dict[str, dict] = {}
    for entry_id, (comp_id, street_id, version, live, frozen) in updates:
        names = keys(comp_id, street_id)
        live_m, frozen_m = member(live, entry_id), member(frozen, entry_id)
        for name, value in (("live", live_m), ("frozen", frozen_m)) + (
                (("slive", live_m), ("sfrozen", frozen_m)) if street_id else ()):
            sets.setdefault(names[name], {})[value] = 0
        fields.setdefault(names["hash"], {})[entry_id] = f"{version}|{live_m}|{frozen_m}"
    for name, mapping in sets.items():
        pipe.zadd(name, mapping)
    for name, mapping in fields.items():
        pipe.hset(name, mapping=mapping)
    pipe.execute()


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    updates = session.info.pop(PENDING, None)
    resets = session.info.pop(RESET, None)
    if not updates and not resets:
        return
    redis = client()
    if redis is None:
        return

    try:
        for comp_id in resets or ():
            reset(redis, comp_id)
        if updates:
            push(redis, [(k, v) for k, v in updates.items() if v[0] not in (resets or ())])
    except redis_lib.RedisError as exc:  # the database is right; reads fall back to it
        log.warning("competition standings not pushed to Redis: %s", exc)
        _forget(redis, {v[0] for v in (updates or {}).values()} | set(resets or ()))


def _forget(redis, comp_ids) -> None:
    """After a failed push, make the next read rebuild (when Redis answers again)."""

    try:
        for comp_id in comp_ids:
            redis.incr(keys(comp_id)["gen"])
    except redis_lib.RedisError:
        log.warning("Redis unreachable: run `flask competitions rebuild-board` once it is back")


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(PENDING, None)
        session.info.pop(RESET, None)
