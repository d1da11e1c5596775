"""The API autosave checks the bearer token inside the statement that locks the attempt
(no account is loaded on its hot path). These tests hold it to the same rule as every
other endpoint: each way a token stops being valid is a 401 at once, and a valid token
on someone else's attempt is a 404; nothing is stored in either case."""

import pytest
import sqlalchemy as sa

from tests.conftest import TOKEN_ENDINGS, app_ctx, bearer
from trainer.extensions import db
from trainer.quizzes.models import AttemptAnswer


@pytest.fixture
def session(client, auth, users, quiz_id):
    """A worker's token, their started attempt and one of its questions."""
    token = auth.token("worker")
    body = client.post(f"/api/v1/quizzes/{quiz_id}/attempts",
                       headers=bearer(token)).get_json()
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{body['questions'][0]['id']}"
    return token, url


def saved_count(app) -> int:
    with app_ctx(app):
        return db.session.scalar(sa.select(sa.func.count()).select_from(AttemptAnswer))


def change(app, model, values):
    with app_ctx(app):
        db.session.execute(sa.update(model).values(**values))
        db.session.commit()


def test_a_valid_token_saves_and_is_acknowledged(app, client, session):
    token, url = session
    resp = client.put(url, headers=bearer(token), json={"answer": None, "seq": 1})
    assert resp.status_code == 200
    assert resp.get_json()["saved"] is True
    assert resp.headers["Cache-Control"] == "no-store"
    assert saved_count(app) == 1


@pytest.mark.parametrize("model, values", TOKEN_ENDINGS)
def test_a_token_no_longer_valid_is_401_at_once_and_stores_nothing(app, client, session,
                                                                    model, values):
    token, url = session
    change(app, model, values)
    resp = client.put(url, headers=bearer(token), json={"answer": None, "seq": 1})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"
    assert saved_count(app) == 0


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer " + "x" * 101, "Basic abc",
                                    "Bearer not-a-token"])
def test_no_or_malformed_token_is_401(app, client, session, header):
    _token, url = session
    headers = {"Authorization": header} if header is not None else {}
    resp = client.put(url, headers=headers, json={"answer": None, "seq": 1})
    assert resp.status_code == 401
    assert saved_count(app) == 0


def test_revoking_through_the_api_stops_the_next_save(app, client, session):
    token, url = session
    assert client.put(url, headers=bearer(token), json={"answer": None}).status_code == 200
    assert client.delete("/api/v1/tokens", headers=bearer(token)).status_code == 204
    assert client.put(url, headers=bearer(token), json={"answer": None}).status_code == 401


def test_another_valid_token_on_this_attempt_is_404_and_a_bad_body_400(app, client, auth,
                                                                        make_user, session):
    _token, url = session
    make_user("worker2")
    intruder = bearer(auth.token("worker2"))
    assert client.put(url, headers=intruder, json={"answer": None}).status_code == 404
    bad = client.put(url, headers=intruder, data="[", content_type="application/json")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "bad_json"
    assert saved_count(app) == 0


def test_no_such_attempt_is_404(client, session):
    token, _url = session
    resp = client.put("/api/v1/attempts/999999/answers/1", headers=bearer(token),
                      json={"answer": None})
    assert resp.status_code == 404


def test_the_save_is_two_statements_and_writes_in_a_transaction_of_its_own(app, client,
                                                                            session):
    """The point of the fast path: no account or token load, one read, one guarded
    upsert; on SQLite the read ends before the write lock is taken for the upsert."""
    token, url = session
    seen = []

    def note(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()[:2]).upper())

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        resp = client.put(url, headers=bearer(token), json={"answer": None, "seq": 3})
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert resp.status_code == 200
    kinds = [s.split()[0] for s in seen if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    assert kinds == ["SELECT", "INSERT"]
    if engine.dialect.name == "sqlite":
        assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN", "BEGIN IMMEDIATE"]
        assert seen.index("BEGIN IMMEDIATE") > next(
            i for i, s in enumerate(seen) if s.startswith("SELECT"))
