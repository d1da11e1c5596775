"""Ten concurrent requests make one entry, and one attempt per round."""

import threading

import sqlalchemy as sa

from tests.conftest import bearer
from trainer.extensions import db


def _burst(app, path: str, token: str, n: int = 10) -> list:
    barrier, answers = threading.Barrier(n), []

    def hit():
        client = app.test_client()
        barrier.wait()
        resp = client.post(path, headers=bearer(token))
        answers.append((resp.status_code, resp.get_json()))

    threads = [threading.Thread(target=hit) for _i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return answers


def test_ten_concurrent_enters_make_one_entry(app, client, auth, create):
    from trainer.competitions.models import Entry

    comp_id = create()
    token = auth.token("worker")
    answers = _burst(app, f"/api/v1/competitions/{comp_id}/entries", token)
    assert sorted(status for status, _body in answers) == [200] * 9 + [201]
    assert len({body["entry_id"] for _status, body in answers}) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 1


def test_ten_concurrent_starts_make_one_attempt(app, client, auth, create, make_quiz):
    from trainer.competitions.models import RoundResult
    from trainer.quizzes.models import Attempt

    quiz_id, _ids = make_quiz()
    comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 1}])
    token = auth.token("worker")
    client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(token))
    answers = _burst(app, f"/api/v1/competitions/{comp_id}/rounds/1/start", token)
    assert sorted(status for status, _body in answers) == [200] * 9 + [201]
    assert len({body["attempt_id"] for _status, body in answers}) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundResult)) == 1


def test_the_database_refuses_a_second_entry_or_result(app, create, users):
    """The rules are constraints, not checks: a direct second insert fails."""
    import pytest

    from trainer.competitions.models import Entry, RoundResult

    comp_id = create()
    with app.app_context():
        row = dict(competition_id=comp_id, user_id=users["worker"], rank_key=1,
                   frozen_rank_key=1)
        db.session.add(Entry(number=1, **row))
        db.session.commit()
        db.session.add(Entry(number=2, **row))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        entry = db.session.scalar(sa.select(Entry))
        from trainer.competitions.models import Round

        rnd = db.session.scalar(sa.select(Round))
        db.session.add(RoundResult(round_id=rnd.id, entry_id=entry.id))
        db.session.commit()
        db.session.add(RoundResult(round_id=rnd.id, entry_id=entry.id))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()


def _entrants(app, make_user, n):
    return [make_user(f"e{i}", name=f"参赛{i}") for i in range(n)]


def _enter(app, comp_id, username):
    from trainer.auth.models import User
    from trainer.competitions.models import Competition
    from trainer.competitions.services import enter

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        entry, created = enter(user, db.session.get(Competition, comp_id))
        db.session.commit()
        return entry.number, created


def test_a_number_taken_by_another_entrant_is_drawn_again(app, create, make_user, monkeypatch):
    """The unique number lost on the first try (a stale highest number, as a writer that
    did not take the lock would cause): the retry draws the next number, never 409."""
    _entrants(app, make_user, 2)
    comp_id = create()
    assert _enter(app, comp_id, "e0") == (1, True)
    state = {"stale": True}
    real = db.session.scalar

    def stale_once(stmt, *args, **kwargs):
        if state["stale"] and "max(competition_entries.number)" in str(stmt):
            state["stale"] = False
            return None
        return real(stmt, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", stale_once)
    assert _enter(app, comp_id, "e1") == (2, True)
    assert state["stale"] is False


def test_an_entry_lost_to_the_same_worker_returns_the_winners(app, create, make_user,
                                                              monkeypatch):
    from trainer.competitions import services

    _entrants(app, make_user, 1)
    comp_id = create()
    assert _enter(app, comp_id, "e0") == (1, True)
    real, calls = services.entry_of, []

    def blind_twice(*args):  # the first look and the look under the lock miss it
        calls.append(args)
        return None if len(calls) <= 2 else real(*args)

    monkeypatch.setattr(services, "entry_of", blind_twice)
    assert _enter(app, comp_id, "e0") == (1, False)
    assert len(calls) == 3


def test_an_entry_waits_for_the_number_lock_instead_of_colliding(app, create, make_user,
                                                                 monkeypatch):
    """Another transaction holds the competition's row lock and enters a worker; an entry
    made meanwhile waits for it and numbers after it, at the first try (ENTER_TRIES = 1:
    a collision would answer 409 busy). On SQLite the writers queue on BEGIN IMMEDIATE."""
    from trainer.competitions import services
    from trainer.competitions.models import Competition, Entry

    ids = _entrants(app, make_user, 2)
    comp_id = create()
    monkeypatch.setattr(services, "ENTER_TRIES", 1)
    answers = []
    with app.app_context():
        with db.engine.connect() as holder:
            holder.execute(sa.select(Competition.id).where(Competition.id == comp_id)
                           .with_for_update(key_share=True))
            thread = threading.Thread(target=lambda: answers.append(
                _enter(app, comp_id, "e1")))
            thread.start()
            thread.join(1.5)
            assert thread.is_alive()  # waiting for the lock
            holder.execute(sa.insert(Entry).values(competition_id=comp_id, user_id=ids[0],
                                                   number=1, rank_key=1, frozen_rank_key=1))
            holder.commit()
        thread.join(30)
    assert answers == [(2, True)]
