"""Concurrent starts and submits against the real database (SQLite here, PostgreSQL when
TEST_DATABASE_URL names one): one attempt, one grade."""

import threading

import pytest
import sqlalchemy as sa

from tests.conftest import bearer
from tests.quizzes.conftest import WRONG
from trainer.auth.models import User
from trainer.extensions import db
from trainer.quizzes import queries, services
from trainer.quizzes.models import Attempt, AttemptAnswer, Mistake, Quiz

N = 10


def run_together(app, n, call):
    """Run ``call(client)`` in n threads released at once; their results in order."""
    barrier, results = threading.Barrier(n), [None] * n

    def worker(i):
        client = app.test_client()
        barrier.wait()
        results[i] = call(client)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_one_attempt_quiz_gives_one_attempt_under_ten_concurrent_starts(app, fresh, auth, users,
                                                                       make_quiz,
                                                                       sample_questions):
    quiz = make_quiz(sample_questions, max_attempts=1)
    headers = bearer(auth.token("worker"))

    def start(client):
        resp = client.post(f"/api/v1/quizzes/{quiz}/attempts", headers=headers)
        return resp.status_code, resp.get_json().get("attempt_id")

    results = run_together(app, N, start)
    assert sorted(status for status, _ in results) == [200] * (N - 1) + [201]
    assert len({attempt_id for _, attempt_id in results}) == 1
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1


def test_concurrent_submits_grade_once_and_agree(app, fresh, auth, users, quiz_id):
    headers = bearer(auth.token("worker"))
    client = app.test_client()
    body = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers).get_json()
    for question, answer in zip(body["questions"], WRONG, strict=True):
        client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{question['id']}",
                   json={"answer": answer}, headers=headers)

    def submit(c):
        resp = c.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
        return resp.status_code, resp.get_json()

    results = run_together(app, N, submit)
    assert {status for status, _ in results} == {200}
    assert all(result == results[0][1] for _, result in results)
    counts = fresh.scalars(sa.select(Mistake.wrong_count))
    assert counts == [1] * 5  # the notebook saw one grading, not ten


def test_submits_in_two_sessions_grade_once(app, users, quiz_id):
    with app.app_context():
        user = db.session.get(User, users["worker"])
        attempt, _ = services.start_attempt(user, db.session.get(Quiz, quiz_id))
        db.session.commit()
        attempt_id = attempt.id

    def submit(_client):
        with app.app_context():
            result = services.submit_attempt(db.session.get(Attempt, attempt_id), reveal=False)
            db.session.commit()
            return result

    first, second = run_together(app, 2, submit)
    assert first == second
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Mistake)) == 5
        assert db.session.scalar(sa.select(Mistake.wrong_count).limit(1)) == 1


def _miss_the_open_attempt_once(monkeypatch) -> list:
    """The next start looks for the latest (open) attempt and, once, finds none (as a
    concurrent start would); the calls made are recorded in the list returned."""
    real, calls = queries.latest_attempt, []

    def blind_first(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(queries, "latest_attempt", blind_first)
    return calls


@pytest.mark.usefixtures("db_ctx")
def test_a_lost_start_race_returns_the_winners_attempt(app, account, quiz_id, monkeypatch):
    """As on PostgreSQL, where both starts see no open attempt and the unique constraint
    stops the second insert: the loser answers with the winner's attempt."""
    user = account("worker")
    quiz = db.session.get(Quiz, quiz_id)
    winner, created = services.start_attempt(user, quiz)
    db.session.commit()
    _miss_the_open_attempt_once(monkeypatch)
    monkeypatch.setattr(services.db.session, "scalar", _stale_max(db.session.scalar))
    loser, created_again = services.start_attempt(user, quiz)
    db.session.commit()
    assert (created, created_again, loser.id) == (True, False, winner.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1


def _stale_max(scalar):
    """The attempt-number query answers as if the winner had not committed yet (once)."""
    state = {"done": False}

    def patched(stmt, *args, **kwargs):
        if not state["done"] and "max(attempts.attempt_no)" in str(stmt):
            state["done"] = True
            return None
        return scalar(stmt, *args, **kwargs)

    return patched


@pytest.mark.usefixtures("db_ctx")
def test_the_attempt_number_is_unique_per_user_quiz_and_series(app, users, quiz_id):
    for _ in range(2):
        db.session.add(Attempt(quiz_id=quiz_id, user_id=users["worker"], series="quiz",
                               attempt_no=1, questions=[]))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("round_no", range(4))
def test_saves_racing_a_submit_are_graded_exactly_when_acknowledged(app, auth, users, quiz_id,
                                                                      round_no):
    """Five autosaves and a submit released at once (the API's save writes in a short
    transaction of its own on SQLite, guarded by the attempt being open): each save is
    either acknowledged and in the grade with its answer, or refused with 409 and absent.
    Four rounds, so different interleavings are likely."""
    from tests.quizzes.conftest import RIGHT

    headers = bearer(auth.token("worker"))
    client = app.test_client()
    body = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers).get_json()
    attempt_id = body["attempt_id"]
    jobs = [("save", q["id"], answer) for q, answer in zip(body["questions"], RIGHT,
                                                            strict=True)]
    jobs.insert(round_no + 1, ("submit", None, None))

    def run(index_client):
        kind, qid, answer = jobs[run.order.pop()]
        if kind == "submit":
            resp = index_client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers)
        else:
            resp = index_client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}",
                                    json={"answer": answer, "seq": 1}, headers=headers)
        return kind, qid, answer, resp.status_code, resp.get_json()

    run.order = list(reversed(range(len(jobs))))
    results = run_together(app, len(jobs), run)
    assert sorted(r[3] for r in results if r[0] == "submit") == [200]
    acked = {qid: answer for kind, qid, answer, status, got in results
             if kind == "save" and status == 200 and got["saved"]}
    refused = {qid for kind, qid, _a, status, got in results if kind == "save" and status == 409}
    assert len(acked) + len(refused) == 5, results
    review = client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).get_json()
    graded = {item["question_id"]: item["answer"] for item in review["result"]["review"]
              if item["answer"] is not None}
    assert graded == acked
    with app.app_context():
        stored = set(db.session.scalars(sa.select(AttemptAnswer.question_id).where(
            AttemptAnswer.attempt_id == attempt_id)))
    assert stored == set(acked)


def test_a_submit_landing_between_a_saves_read_and_its_write(app, auth, users, quiz_id,
                                                             monkeypatch):
    """The interleaving the guarded upsert exists for, made certain: the submit runs
    after the save has read the attempt as open and before it writes. On SQLite (the
    read holds no lock) the submit grades first and the save is refused with 409; on
    PostgreSQL the submit waits for the save's row lock and grades the saved answer.
    Either way: acknowledged if and only if graded."""
    headers = bearer(auth.token("worker"))
    client = app.test_client()
    body = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers).get_json()
    attempt_id, qid = body["attempt_id"], body["questions"][0]["id"]
    submitted = threading.Event()

    def submit():
        app.test_client().post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers)
        submitted.set()

    real = services.checked_answer

    def checked_then_submitted(*args, **kwargs):
        value = real(*args, **kwargs)
        threading.Thread(target=submit).start()
        submitted.wait(3)  # PostgreSQL: the submit is waiting for this save's lock
        return value

    monkeypatch.setattr(services, "checked_answer", checked_then_submitted)
    saved = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}",
                       json={"answer": "A", "seq": 1}, headers=headers)
    monkeypatch.undo()
    assert submitted.wait(30)
    review = client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).get_json()
    graded = [item for item in review["result"]["review"] if item["question_id"] == qid]
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "sqlite":
        assert saved.status_code == 409
        assert saved.get_json()["error"]["code"] == "submitted"
        assert graded[0]["answer"] is None
    else:
        assert saved.status_code == 200 and saved.get_json()["saved"] is True
        assert graded[0]["answer"] == "A"


def test_the_database_allows_one_open_attempt_per_user_quiz_and_series(app, users, quiz_id):
    """The partial unique index uq_attempts_open: a second open attempt is refused whatever
    its number; a submitted one, or another series, does not count."""
    with app.app_context():
        row = dict(quiz_id=quiz_id, user_id=users["worker"], questions=[])
        db.session.add(Attempt(series="quiz", attempt_no=1, **row))
        db.session.commit()
        db.session.add(Attempt(series="quiz", attempt_no=2, **row))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(Attempt(series="practice", attempt_no=1, **row))
        db.session.execute(sa.update(Attempt).where(Attempt.series == "quiz").values(
            submitted_at=sa.func.current_timestamp()))
        db.session.add(Attempt(series="quiz", attempt_no=2, **row))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt).where(
            Attempt.submitted_at.is_(None))) == 2


def test_a_start_numbering_after_the_winner_returns_the_winners_attempt(app, users, quiz_id,
                                                                        monkeypatch):
    """The race gunicorn workers ran into: the loser looked for an open attempt before the
    winner committed and read the highest number after, so it numbered after the winner's
    attempt and took a second open one. Now its insert fails on uq_attempts_open (forced here
    on the first try) and the retry returns the winner's attempt."""
    with app.app_context():
        user = db.session.get(User, users["worker"])
        quiz = db.session.get(Quiz, quiz_id)
        winner, _created = services.start_attempt(user, quiz)
        db.session.commit()
        calls = _miss_the_open_attempt_once(monkeypatch)
        loser, created = services.start_attempt(user, quiz)
        db.session.commit()
        assert (created, loser.id, len(calls)) == (False, winner.id, 2)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1


def test_every_start_lost_in_a_row_ends_in_busy(app, users, quiz_id, monkeypatch):
    """The retry is bounded: a start that never sees the open attempt it keeps losing to
    gives up after START_TRIES inserts, rolled back to its savepoints, with nothing written."""
    with app.app_context():
        user = db.session.get(User, users["worker"])
        quiz = db.session.get(Quiz, quiz_id)
        winner, _created = services.start_attempt(user, quiz)
        db.session.commit()
        calls = []
        monkeypatch.setattr(queries, "latest_attempt", lambda *args: calls.append(args))
        with pytest.raises(services.Conflict) as refused:
            services.start_attempt(user, quiz)
        db.session.rollback()
        assert refused.value.code == "busy"
        assert len(calls) == services.START_TRIES
        assert db.session.scalars(sa.select(Attempt.id)).all() == [winner.id]
