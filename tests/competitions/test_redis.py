"""Redis sorted sets and SQL window functions rank alike (runs when TEST_REDIS_URL is set)."""

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.competitions.test_query_count import _add_entrants
from tests.conftest import TestConfig, app_ctx, bearer
from trainer.extensions import db
from trainer.models import utcnow

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


def _both(app, comp_id, frozen=False, street_id=None, limit=30, offset=0):
    from trainer.competitions.standings import board

    with app_ctx(app):
        assert board.redisboard.ensure_built(comp_id)
        sql = board.sql_rows(comp_id, frozen, limit, offset, street_id)
        red = board.redis_rows(comp_id, frozen, limit, offset, street_id)
    return sql, red


def test_redis_and_sql_give_the_same_ranking(app, client, auth, create, workers):
    comp_id = create(freeze_at=(utcnow() + timedelta(minutes=30)).isoformat())
    for name in ("worker", "w1", "w3"):
        client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token(name)))
    _add_entrants(app, comp_id, 120)  # many exact ties (a few distinct percents)
    for offset in (0, 7, 50, 110):
        sql, red = _both(app, comp_id, offset=offset)
        assert sql == red and sql[0]
    assert _both(app, comp_id, frozen=True) == _both(app, comp_id, frozen=False)
    with app.app_context():
        from trainer.org.services import unit_by_code

        s1 = unit_by_code("S1").id
    sql, red = _both(app, comp_id, street_id=s1, offset=3)
    assert sql == red


def test_updates_reach_redis_after_commit_and_my_rank_agrees(app, client, auth, create, workers):
    from trainer.competitions.models import Entry
    from trainer.competitions.standings import board

    comp_id = create()
    for name in ("worker", "w1", "w2"):
        client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token(name)))
    judge = auth.token("trainer")
    for name, points in (("w1", 9), ("w2", 3), ("worker", 9)):
        resp = client.put(f"/api/v1/competitions/{comp_id}/rounds/1/scores/{name}",
                          json={"criteria": {"沟通": points, "方案": points}},
                          headers=bearer(judge))
        assert resp.status_code == 200
    served = client.get(f"/api/v1/competitions/{comp_id}/leaderboard",
                        headers=bearer(auth.token("worker"))).get_json()
    assert [(e["rank"], e["score"]) for e in served["entries"]] == [(1, 90.0), (1, 90.0),
                                                                  (3, 30.0)]
    assert served["me"]["rank"] == 1
    with app.app_context():
        for entry in db.session.scalars(sa.select(Entry)):
            assert board.better_in_redis(board._zset(comp_id, False, None), entry.rank_key) \
                == board.better_in_sql(entry, False, None)


def test_a_lost_redis_copy_is_rebuilt_from_sql(app, client, auth, create):
    comp_id = create()
    client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token("worker")))
    app.extensions["trainer_redis"].flushdb()
    board = client.get(f"/api/v1/competitions/{comp_id}/leaderboard",
                       headers=bearer(auth.token("organiser"))).get_json()
    assert [e["name"] for e in board["entries"]] == ["worker用户"]
    keys = list(app.extensions["trainer_redis"].scan_iter(f"gt:competition:{{{comp_id}}}:*"))
    assert keys


def test_an_older_version_never_overwrites_a_newer_one(app, create, users):
    from trainer.competitions.standings import redisboard

    comp_id = create()
    with app.app_context():
        redis = redisboard.client()
        redisboard.push(redis, [(7, (comp_id, None, 5, 100, 100))])
        redisboard.push(redis, [(7, (comp_id, None, 4, 50, 50))])  # stale, late
        names = redisboard.keys(comp_id)
        members = redis.zrange(names["live"], 0, -1)
    assert members == [redisboard.member(100, 7)]


def _served(client, auth, comp_id):
    return [(e["rank"], e["name"], e["score"]) for e in client.get(
        f"/api/v1/competitions/{comp_id}/leaderboard",
        headers=bearer(auth.token("organiser"))).get_json()["entries"]]


def test_a_reset_by_another_process_is_seen_at_the_next_read(app, client, auth, create,
                                                              workers):
    from trainer.competitions.standings import board, redisboard

    comp_id = create()
    for name in ("worker", "w1"):
        client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token(name)))
    client.put(f"/api/v1/competitions/{comp_id}/rounds/1/scores/w1",
               json={"criteria": {"沟通": 9, "方案": 9}}, headers=bearer(auth.token("trainer")))
    before = _served(client, auth, comp_id)  # built and marked ready by this process
    assert before == [(1, "张一", 90.0), (2, "worker用户", 0.0)]
    with app.app_context():
        board.forget({comp_id})
    assert _served(client, auth, comp_id) == before  # served from the ready sets
    with app.app_context():  # another process publishes or edits a round: it drops the sets
        redisboard.reset(redisboard.client(), comp_id)
        board.forget({comp_id})  # a second later, this process's page cache has expired
    assert _served(client, auth, comp_id) == before  # never an empty table meanwhile


def test_a_rebuild_overtaken_by_a_reset_is_not_marked_ready(app, create, users, monkeypatch):
    from trainer.competitions.standings import redisboard

    comp_id = create()
    rebuild = redisboard.rebuild

    def racing(redis, comp, fresh):
        rebuild(redis, comp, fresh)
        redisboard.reset(redis, comp)  # another process resets while this one builds

    with app.app_context():
        monkeypatch.setattr(redisboard, "rebuild", racing)
        assert redisboard.ensure_built(comp_id) is False  # answered from SQL this time
        monkeypatch.setattr(redisboard, "rebuild", rebuild)
        assert redisboard.ensure_built(comp_id) is True
        names = redisboard.keys(comp_id)
        redis = redisboard.client()
        assert redis.get(names["ready"]) == redis.get(names["gen"]) == "1"
