"""The Redis counter backend behaves like the database one (runs when TEST_REDIS_URL is set)."""

import os
from datetime import timedelta

import pytest

from tests.auth.test_login import twelve_wrong_passwords_at_once
from tests.conftest import PASSWORD, TestConfig

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set (no Redis)")


class RedisConfig(TestConfig):
    REDIS_URL = REDIS_URL


@pytest.fixture
def config():
    return RedisConfig


@pytest.fixture(autouse=True)
def _flush(app):
    app.extensions["trainer_redis"].flushdb()
    yield
    app.extensions["trainer_redis"].flushdb()


def test_lockout_counts_in_redis_not_the_database(app, fresh, client, auth, users):
    import sqlalchemy as sa

    from trainer.auth.models import ThrottleEvent

    for _ in range(5):
        assert auth.login("worker", "Wrong-pass-2026").status_code == 401
    assert auth.login("worker", PASSWORD).status_code == 429
    assert fresh.scalar(sa.select(sa.func.count()).select_from(ThrottleEvent)) == 0
    assert app.extensions["trainer_redis"].zcard("gt:throttle:account:worker") == 5


def test_window_expiry_and_clear(app):
    from trainer.auth.throttle import RedisCounter

    counter = RedisCounter(app.extensions["trainer_redis"], timedelta(seconds=60))
    assert counter.reserve("account:x")[0] == 1
    assert counter.reserve("account:x")[0] == 2
    assert counter.count("account:x") == 2
    counter.clear("account:x")
    assert counter.count("account:x") == 0


def test_simultaneous_wrong_passwords_lock_after_exactly_five_in_redis(app, users):
    assert twelve_wrong_passwords_at_once(app) == [401] * 5 + [429] * 7
    assert app.extensions["trainer_redis"].zcard("gt:throttle:account:worker") == 5
