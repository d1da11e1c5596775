"""The API autosave's one-statement path (trainer/quizzes/fastsave.py): a save to an
attempt the process has saved to before is one guarded upsert. These tests hold it to
everything the full path answers: the token rule, the owner, the attempt open, the body
checked, and a submit never losing or half-taking a save."""

import re
import sqlite3
import tempfile
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.conftest import TOKEN_ENDINGS, app_ctx, bearer
from tests.quizzes.test_practice import attempt_questions, practise
from trainer.database import set_write_intent
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes import fastsave, services
from trainer.quizzes.models import Attempt, AttemptAnswer


@pytest.fixture
def known(client, auth, users, quiz_id):
    """A worker's token, their attempt (saved to once, so remembered) and its questions'
    answer URLs in order (the single choice first)."""
    token = auth.token("worker")
    body = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=bearer(token)).get_json()
    urls = [f"/api/v1/attempts/{body['attempt_id']}/answers/{q['id']}"
            for q in body["questions"]]
    first = client.put(urls[1], headers=bearer(token), json={"answer": ["A"], "seq": 1})
    assert first.status_code == 200
    assert body["attempt_id"] in fastsave._known
    return SimpleNamespace(token=token, attempt_id=body["attempt_id"], urls=urls)


def statements(app, client, *request):
    """The SQL statements one request sends, by their first word (BEGIN in full), as the
    driver sends them (the save goes past SQLAlchemy): SQLite's trace callback, or
    libpq's protocol trace on PostgreSQL (a transaction shows as its BEGIN there; the
    autocommit save sends none)."""
    seen, traces = [], []

    def word(statement):
        words = statement.split() or [""]  # (a ping may be an empty statement)
        return " ".join(words).upper() if words[0].upper() == "BEGIN" else words[0].upper()

    def trace(dbapi_conn, _record, _proxy):
        if isinstance(dbapi_conn, sqlite3.Connection):
            dbapi_conn.set_trace_callback(lambda statement: seen.append(word(statement)))
        else:
            traces.append(tempfile.TemporaryFile())
            dbapi_conn.pgconn.trace(traces[-1].fileno())

    def untrace(dbapi_conn, _record):
        if isinstance(dbapi_conn, sqlite3.Connection):
            dbapi_conn.set_trace_callback(None)
        else:
            dbapi_conn.pgconn.untrace()

    with app_ctx(app):
        engine = db.engine
    sa.event.listen(engine.pool, "checkout", trace)
    sa.event.listen(engine.pool, "checkin", untrace)
    try:
        resp = client.put(*request[:1], **request[1])
    finally:
        sa.event.remove(engine.pool, "checkout", trace)
        sa.event.remove(engine.pool, "checkin", untrace)
    for file in traces:  # libpq: "<time> F <length> Query|Parse ... "<SQL>" ..."
        file.seek(0)
        text = file.read().decode()
        for line in re.split(r"\n(?=\d{4}-\d\d-\d\d [\d:.]+\t)", text):  # SQL spans lines
            fields = line.split("\t", 4)
            if fields[1:2] == ["F"] and fields[3:4] in (["Query"], ["Parse"]):
                sql = re.findall(r'"((?:[^"]|"")*)"', fields[4])[-1]
                if sql.strip(" ;"):
                    seen.append(word(sql))
        file.close()
    return resp, seen


def stored(app, attempt_id):
    with app_ctx(app):
        return {row.question_id: (row.answer, row.seq) for row in db.session.execute(
            sa.select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id)).scalars()}


@pytest.mark.parametrize("body", [{"answer": "A", "seq": 1}, {"answer": "A"}])
def test_a_save_to_a_known_attempt_is_one_statement(app, client, known, body):
    resp, seen = statements(
        app, client, known.urls[0], {"headers": bearer(known.token), "json": body})
    assert resp.status_code == 200
    assert resp.get_json()["saved"] is True and resp.get_json()["answer"] == "A"
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "sqlite":
        # a transaction of its own, sent by the driver itself
        assert seen == ["BEGIN IMMEDIATE", "INSERT", "COMMIT"]
    else:
        assert seen == ["INSERT"]  # in autocommit: no BEGIN, no COMMIT
    assert stored(app, known.attempt_id)[int(known.urls[0].rsplit("/", 1)[1])] == \
        ("A", body.get("seq", 0))


@pytest.mark.parametrize("model, values", TOKEN_ENDINGS)
def test_a_token_no_longer_valid_stops_the_next_save_to_a_known_attempt(app, client, known,
                                                                         model, values):
    before = stored(app, known.attempt_id)
    with app.app_context():
        db.session.execute(sa.update(model).values(**values))
        db.session.commit()
    resp = client.put(known.urls[1], headers=bearer(known.token),
                      json={"answer": ["B"], "seq": 2})
    assert resp.status_code == 401
    assert stored(app, known.attempt_id) == before


def test_another_workers_token_on_a_known_attempt_is_404(app, client, auth, make_user, known):
    make_user("worker2")
    resp = client.put(known.urls[1], headers=bearer(auth.token("worker2")),
                      json={"answer": ["B"], "seq": 2})
    assert resp.status_code == 404
    assert stored(app, known.attempt_id)[int(known.urls[1].rsplit("/", 1)[1])] == (["A"], 1)


@pytest.mark.parametrize("body, status, code", [
    ({"answer": "Z", "seq": 5}, 422, "invalid"),       # not an option of the question
    ({"seq": 5}, 422, "invalid"),                      # no answer
    ({"answer": "A", "seq": "5"}, 422, "invalid"),     # seq no integer
    ({"answer": "A", "seq": True}, 422, "invalid"),
    ({"answer": "A", "seq": -1}, 422, "invalid"),
    ("[", 400, "bad_json"),
], ids=["bad-answer", "no-answer", "seq-string", "seq-bool", "seq-negative", "bad-json"])
def test_a_bad_body_to_a_known_attempt_is_refused_as_on_the_full_path(app, client, known,
                                                                      body, status, code):
    before = stored(app, known.attempt_id)
    kwargs = ({"data": body, "content_type": "application/json"} if isinstance(body, str)
              else {"json": body})
    resp = client.put(known.urls[0], headers=bearer(known.token), **kwargs)
    assert resp.status_code == status
    assert resp.get_json()["error"]["code"] == code
    assert stored(app, known.attempt_id) == before


def test_a_question_outside_a_known_attempt_is_404(app, client, known, make_question):
    from tests.quizzes.conftest import SAMPLE

    other = make_question(SAMPLE[0])
    resp = client.put(f"/api/v1/attempts/{known.attempt_id}/answers/{other}",
                      headers=bearer(known.token), json={"answer": "A", "seq": 1})
    assert resp.status_code == 404


def test_a_stale_save_to_a_known_attempt_changes_nothing(app, client, known):
    resp = client.put(known.urls[1], headers=bearer(known.token),
                      json={"answer": ["B"], "seq": 1})
    assert resp.status_code == 200
    assert resp.get_json()["saved"] is False and resp.get_json()["answer"] == ["A"]


def test_a_known_attempt_submitted_or_past_its_deadline_takes_no_save(app, client, known,
                                                                     shift_deadline):
    shift_deadline(known.attempt_id, -3600)
    late = client.put(known.urls[0], headers=bearer(known.token), json={"answer": "A"})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "time_up"
    shift_deadline(known.attempt_id, 3600)
    client.post(f"/api/v1/attempts/{known.attempt_id}/submit", headers=bearer(known.token))
    after = client.put(known.urls[0], headers=bearer(known.token), json={"answer": "A"})
    assert after.status_code == 409 and after.get_json()["error"]["code"] == "submitted"
    assert int(known.urls[0].rsplit("/", 1)[1]) not in stored(app, known.attempt_id)


def test_a_remembered_id_of_another_attempt_is_never_trusted(app, client, known):
    """An id remembered with another start time (ids repeat once rows are deleted) takes
    the full path, which then remembers the attempt as it is."""
    started_at, questions = fastsave._known[known.attempt_id]
    fastsave._known[known.attempt_id] = (started_at - timedelta(seconds=1), questions)
    resp, seen = statements(
        app, client, known.urls[0], {"headers": bearer(known.token), "json": {"answer": "A"}})
    assert resp.status_code == 200 and resp.get_json()["saved"] is True
    assert [s for s in seen if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))] == \
        ["INSERT", "SELECT", "INSERT"]
    assert fastsave._known[known.attempt_id][0] == started_at


def test_practice_attempts_are_not_remembered(app, client, auth, users, sample_questions):
    """A practice attempt can lose questions (withdraw_from_practice), so its questions
    are never taken from memory."""
    auth.login("worker")
    attempt_id, context, qids = attempt_questions(app, practise(client, auth, "comp:mediation"))
    assert context == "practice"
    headers = bearer(auth.token("worker"))
    resp = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qids[0]}", headers=headers,
                      json={"answer": None})
    assert resp.status_code == 200
    assert attempt_id not in fastsave._known


def test_memory_is_bounded_oldest_first(monkeypatch):
    monkeypatch.setattr(fastsave, "LIMIT", 2)
    monkeypatch.setattr(fastsave, "_known", {})
    for attempt_id in (1, 2, 1, 3):  # 1 again: it becomes the newest
        fastsave.remember(attempt_id, SimpleNamespace(
            context="quiz", started_at=utcnow(), questions=[]))
    assert list(fastsave._known) == [1, 3]


def test_a_save_arriving_while_a_submit_grades_waits_and_is_refused(app, client, known):
    """The interleaving the guard's lock is for: a submit has locked and graded the
    attempt but not committed. The one-statement save must wait for it (SQLite: the write
    lock; PostgreSQL: FOR SHARE against the submit's FOR UPDATE), then find the attempt
    submitted: refused with 409, and not in the grade."""
    graded, release, done = threading.Event(), threading.Event(), threading.Event()
    result = {}

    def submit():
        with app.app_context():
            set_write_intent(True)
            attempt = services.lock(known.attempt_id)
            services._grade(attempt, timed_out=False)
            db.session.flush()
            graded.set()
            release.wait(30)
            db.session.commit()
            set_write_intent(False)

    def save():
        result["resp"] = app.test_client().put(
            known.urls[0], headers=bearer(known.token), json={"answer": "A", "seq": 1})
        done.set()

    submitter = threading.Thread(target=submit)
    submitter.start()
    assert graded.wait(30)
    saver = threading.Thread(target=save)
    saver.start()
    try:
        # held until the submit commits (on PostgreSQL the foreign key's check on the
        # attempt row would hold it too, but then the guard, without its lock, would
        # judge the attempt from before the submit: acknowledged, and not in the grade)
        assert not done.wait(0.5), result.get("resp") and result["resp"].get_json()
    finally:
        release.set()
        submitter.join(30)
        saver.join(30)
    resp = result["resp"]
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "submitted"
    with app.app_context():
        attempt = db.session.get(Attempt, known.attempt_id)
        assert attempt.submitted_at is not None
    assert int(known.urls[0].rsplit("/", 1)[1]) not in stored(app, known.attempt_id)
