"""A worker's leaderboard request checks the bearer token inside the statement that reads
the competition (fastsql.for_token), loading no account. It keeps the rule every other
endpoint has: each way a token stops being valid is a 401 at once."""

import pytest
import sqlalchemy as sa

from tests.conftest import TOKEN_ENDINGS, bearer
from trainer.extensions import db


@pytest.fixture
def board(client, auth, users, create):
    token = auth.token("worker")
    comp_id = create()
    assert client.post(f"/api/v1/competitions/{comp_id}/entries",
                       headers=bearer(token)).status_code == 201
    path = f"/api/v1/competitions/{comp_id}/leaderboard?limit=50"
    resp = client.get(path, headers=bearer(token))
    assert resp.status_code == 200 and resp.get_json()["me"]["rank"] == 1
    return token, path


@pytest.mark.parametrize("model, values", TOKEN_ENDINGS)
def test_a_token_no_longer_valid_gets_no_leaderboard(app, client, board, model, values):
    token, path = board
    with app.app_context():
        db.session.execute(sa.update(model).values(**values))
        db.session.commit()
    resp = client.get(path, headers=bearer(token))
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("header", [None, "Bearer ", "Basic abc", "Bearer not-a-token"])
def test_no_or_a_malformed_token_is_401(client, board, header):
    _token, path = board
    resp = client.get(path, headers={"Authorization": header} if header else {})
    assert resp.status_code == 401


def test_a_worker_is_not_told_a_competition_outside_their_sight_exists(client, auth, board,
                                                                       create):
    token, _path = board
    other = create(street="S2")
    for comp_id in (other, 999999):
        resp = client.get(f"/api/v1/competitions/{comp_id}/leaderboard",
                          headers=bearer(token))
        assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"


def test_a_workers_leaderboard_is_one_statement_and_on_postgresql_begins_nothing(app, client,
                                                                              board):
    """With the page cached, one statement: the token with the competition, the own
    entry and rank. On PostgreSQL it reads in autocommit (no BEGIN, no ROLLBACK)."""
    token, path = board
    seen = []

    def note(conn, cursor, statement, *args):
        seen.append((statement.split()[0].upper(),
                     conn.get_execution_options().get("isolation_level"), statement))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        resp = client.get(path, headers=bearer(token))
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert resp.status_code == 200 and resp.get_json()["me"]["rank"] == 1
    work = [s for s in seen if s[0] not in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert len(work) == 1, seen
    assert "api_tokens" in work[0][2] and "competition_tallies" in work[0][2]
    if engine.dialect.name == "postgresql":
        assert work[0][1] == "AUTOCOMMIT"
