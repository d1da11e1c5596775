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
