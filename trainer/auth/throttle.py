"""Login throttling with counters in shared storage (the database, or Redis).

Failures are counted per account and per address over a sliding window. The counters live
where every gunicorn worker sees them: rows in ``throttle_events`` or, when ``REDIS_URL`` is
set, Redis sorted sets.

Every attempt first *reserves* a slot: it adds its own event and learns, in the same atomic
step, how many events the window holds with it. An attempt whose slot is beyond the limit
is refused and gives its slot back; a failed attempt keeps its slot (that is the failure
counted); a successful one clears the account's counter and gives back its address slot.
Counting and adding in one step is what keeps twelve simultaneous wrong passwords from all
seeing "0 failures so far": on PostgreSQL the step holds a transaction-level advisory lock
on the key, on SQLite the writing transaction is already ``BEGIN IMMEDIATE``, and on Redis
it is one MULTI/EXEC.
"""

import secrets
import time
from datetime import timedelta

import sqlalchemy as sa

from trainer.auth.models import ThrottleEvent
from trainer.extensions import db
from trainer.models import utcnow


def account_key(username: str) -> str:
    return f"account:{username.strip().lower()[:80]}"


def address_key(address: str) -> str:
    return f"address:{address}"


class SqlCounter:
    """Failure counters as rows; flush only, the caller commits."""

    def __init__(self, window: timedelta):
        self.window = window

    def count(self, key: str) -> int:
        since = utcnow() - self.window
        stmt = sa.select(sa.func.count()).where(ThrottleEvent.key == key, ThrottleEvent.at > since)
        return db.session.scalar(stmt) or 0

    def reserve(self, key: str) -> tuple[int, object]:
        """Add this attempt's event; the window's count including it, and a release token."""
        if db.session.get_bind().dialect.name == "postgresql":
            # Held until the transaction ends: concurrent attempts on one key queue here.
            db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(
                sa.func.hashtextextended(key, 0))))
        before = self.count(key)
        event = ThrottleEvent(key=key)
        db.session.add(event)
        db.session.flush()
        return before + 1, event.id

    def release(self, key: str, token: object) -> None:
        db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.id == token))

    def clear(self, key: str) -> None:
        db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.key == key))

    def prune(self) -> None:
        """Forget events older than the window (they no longer count for anything)."""
        cutoff = utcnow() - self.window
        db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.at <= cutoff))


class RedisCounter:
    """Failure counters as Redis sorted sets scored by time, shared by every process."""

    def __init__(self, client, window: timedelta, prefix: str = "gt:throttle:"):
        self.client = client
        self.window = window.total_seconds()
        self.prefix = prefix

    def count(self, key: str) -> int:
        now = time.time()
        k = self.prefix + key
        self.client.zremrangebyscore(k, 0, now - self.window)
        return int(self.client.zcard(k))

    def reserve(self, key: str) -> tuple[int, object]:
        """Add this attempt's event; the window's count including it, and a release token."""
        now, member, k = time.time(), secrets.token_hex(8), self.prefix + key
        pipe = self.client.pipeline(transaction=True)  # MULTI/EXEC: one atomic step
        pipe.zremrangebyscore(k, 0, now - self.window)
        pipe.zadd(k, {member: now})
        pipe.zcard(k)
        pipe.expire(k, int(self.window) + 1)
        return int(pipe.execute()[2]), member

    def release(self, key: str, token: object) -> None:
        self.client.zrem(self.prefix + key, token)

    def clear(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def prune(self) -> None:
        """Redis expires keys by itself."""


def get_counter(app):
    """The counter backend for ``app``: Redis when configured, else the database."""
    window = app.config["THROTTLE_WINDOW"]
    client = app.extensions.get("trainer_redis")
    return RedisCounter(client, window) if client is not None else SqlCounter(window)
