"""Login throttling with counters in shared storage (the database, or Redis).

Failures are counted per account and per address over a sliding window. The counters live
where every gunicorn worker sees them: rows in ``throttle_events`` or, when ``REDIS_URL`` is
set, Redis sorted sets. A successful login clears the account's counter.
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

    def add(self, key: str) -> None:
        db.session.add(ThrottleEvent(key=key))
        db.session.flush()

    def clear(self, key: str) -> None:
        db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.key == key))

    def prune(self) -> None:
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

    def add(self, key: str) -> None:
        now = time.time()
        k = self.prefix + key
        pipe = self.client.pipeline()
        pipe.zadd(k, {secrets.token_hex(8): now})
        pipe.expire(k, int(self.window) + 1)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def prune(self) -> None:
        """Redis expires keys by itself."""


def get_counter(app):
    """The counter backend for ``app``: Redis when configured, else the database."""
    window = app.config["THROTTLE_WINDOW"]
    client = app.extensions.get("trainer_redis")
    return RedisCounter(client, window) if client is not None else SqlCounter(window)
