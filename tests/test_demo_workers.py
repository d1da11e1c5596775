"""`flask demo seed --workers N`: bulk load-test workers w0001… (issue 19)."""

import collections
import re
import time

import pytest
import sqlalchemy as sa

from trainer.auth import services as accounts
from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit

PASSWORD = "Demo-pass-2026"
BULK = re.compile(r"w\d{4,}")  # w0001…, not w001… nor "worker"


def bulk_rows(app, *columns):
    """Rows (username, *columns) of the bulk workers."""
    with app.app_context():
        rows = db.session.execute(sa.select(User.username, *columns)
                                  .where(User.username.like("w%"))).all()
    return [tuple(row) for row in rows if BULK.fullmatch(row[0])]


def seed(runner, *extra):
    result = runner.invoke(args=["demo", "seed", "--password", PASSWORD, *extra])
    assert result.exit_code == 0, result.output
    return result


def bulk_workers(app):
    """{username: (name, grid code)} of the 4-digit bulk workers."""
    with app.app_context():
        rows = [row for row in db.session.execute(
            sa.select(User.username, User.name, Unit.code, User.role)
            .join(Unit, User.unit_id == Unit.id)).all() if BULK.fullmatch(row[0])]
    assert all(role == "worker" for *_, role in rows)
    return {username: (name, code) for username, name, code, _ in rows}


def test_workers_are_spread_over_every_grid(app, runner):
    result = seed(runner, "--workers", "25")
    assert "workers: 25 added" in result.output and " s" in result.output
    workers = bulk_workers(app)
    assert sorted(workers) == [f"w{k:04d}" for k in range(1, 26)]
    with app.app_context():
        grids = set(db.session.scalars(sa.select(Unit.code).where(Unit.level == "grid")))
    per_grid = collections.Counter(code for _, code in workers.values())
    assert set(per_grid) == grids  # every grid has some
    assert set(per_grid.values()) <= {25 // len(grids), -(-25 // len(grids))}
    # plausible Chinese names: 2 or 3 Han characters, not all the same
    names = [name for name, _ in workers.values()]
    assert all(2 <= len(n) <= 3 and all("\u4e00" <= c <= "\u9fff" for c in n) for n in names)
    assert len(set(names)) > 20
    # the 3-digit demo workers are still there, untouched
    with app.app_context():
        assert db.session.scalar(sa.select(User.id).where(User.username == "w001"))


def test_names_are_deterministic(app, runner):
    seed(runner, "--workers", "10")
    first = bulk_workers(app)
    with app.app_context():
        db.session.execute(sa.delete(User).where(User.username.in_(first)))
        db.session.commit()
    seed(runner, "--workers", "10")
    assert bulk_workers(app) == first


def test_seed_is_idempotent_and_a_larger_count_adds_the_missing(app, runner):
    seed(runner, "--workers", "25")
    before = {u: (h, uid) for u, h, uid in bulk_rows(app, User.password_hash, User.id)}
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    again = seed(runner, "--workers", "25")
    assert "workers: 0 added" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == total
    more = seed(runner, "--workers", "40")
    assert "workers: 15 added" in more.output
    workers = bulk_workers(app)
    assert sorted(workers) == [f"w{k:04d}" for k in range(1, 41)]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == total + 15
    after = {u: (h, uid) for u, h, uid in bulk_rows(app, User.password_hash, User.id)}
    assert {u: after[u] for u in before} == before  # the first 25 were left alone
    # a smaller count removes nothing
    seed(runner, "--workers", "5")
    assert len(bulk_workers(app)) == 40


def test_a_bulk_worker_logs_in_through_the_api(app, runner, client):
    seed(runner, "--workers", "3")
    resp = client.post("/api/v1/tokens", json={"username": "w0002", "password": PASSWORD})
    assert resp.status_code == 201, resp.get_json()
    token = resp.get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["username"] == "w0002"
    bad = client.post("/api/v1/tokens", json={"username": "w0003", "password": "Other-pass-2026"})
    assert bad.status_code == 401


def test_the_password_is_hashed_once(app, runner, monkeypatch):
    seed(runner)  # the named demo accounts first: they hash one by one
    calls = []
    real = accounts.hash_password

    def counting(password):
        calls.append(password)
        return real(password)

    monkeypatch.setattr(accounts, "hash_password", counting)
    seed(runner, "--workers", "30")
    assert calls == [PASSWORD]
    hashes = {h for _, h in bulk_rows(app, User.password_hash)}
    assert len(bulk_rows(app)) == 30 and len(hashes) == 1
    assert next(iter(hashes)).startswith("$argon2id$")
    calls.clear()
    seed(runner, "--workers", "30")  # nothing missing: nothing hashed
    assert calls == []


def test_usernames_widen_past_9999():
    from trainer.demo import bulk_worker_username

    assert bulk_worker_username(1) == "w0001"
    assert bulk_worker_username(9999) == "w9999"
    assert bulk_worker_username(10000) == "w10000"


def test_a_weak_password_adds_no_worker(app, runner):
    result = runner.invoke(args=["demo", "seed", "--password", "123456", "--workers", "5"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_password_containing_a_worker_username_is_refused(app, runner):
    result = runner.invoke(args=["demo", "seed", "--password", "Grid-w0003-pass",
                                 "--workers", "5"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.slow
def test_ten_thousand_workers(app, runner):
    started = time.perf_counter()
    result = seed(runner, "--workers", "10000")
    elapsed = time.perf_counter() - started
    print(f"\n{result.output.strip()}\nwhole command: {elapsed:.2f} s")
    assert "workers: 10000 added" in result.output
    usernames = {u for u, in bulk_rows(app)}
    assert usernames == {f"w{k:04d}" for k in range(1, 10001)}
