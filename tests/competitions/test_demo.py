from pathlib import Path

import sqlalchemy as sa

from tests.conftest import PASSWORD, bearer
from trainer.extensions import db


def test_demo_seed_adds_a_published_contest_and_open_street_contests(app, fresh, runner, client,
                                                                     auth):
    shipped = Path(__file__).resolve().parents[2]  # the shipped library, as `make run` loads it
    loaded = runner.invoke(args=["content", "load", "--courses", str(shipped / "courses"),
                                 "--scenarios", str(shipped / "scenarios")])
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(args=["demo", "seed", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "competitions demo: ready" in result.output
    assert "no quiz questions loaded" not in result.output
    assert "no scenarios loaded" not in result.output
    from trainer.competitions.demo import DISTRICT, STREET_LOCKED, STREET_OPEN
    from trainer.competitions.models import Certificate, Competition

    with app.app_context():
        comps = {c.title: c for c in db.session.scalars(sa.select(Competition))}
        assert comps[DISTRICT].status == "published"
        assert comps[STREET_OPEN].street.code == "S01"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) >= 3
        ids = {title: c.id for title, c in comps.items()}
    token = auth.token("worker")
    listing = {c["title"]: c for c in client.get("/api/v1/competitions",
                                                  headers=bearer(token)).get_json()}
    assert listing[STREET_OPEN]["eligible"] is True
    assert listing[STREET_LOCKED]["eligible"] is False
    resp = client.post(f"/api/v1/competitions/{ids[STREET_LOCKED]}/entries",
                       headers=bearer(token))
    assert resp.status_code == 403 and resp.get_json()["error"]["unmet"][0]["rule"] == "practice"
    board = client.get(f"/api/v1/competitions/{ids[DISTRICT]}/leaderboard",
                       headers=bearer(token)).get_json()
    assert len(board["entries"]) >= 10 and board["me"]["rank"] is not None
    again = runner.invoke(args=["demo", "seed", "--password", PASSWORD])
    assert again.exit_code == 0, again.output
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Competition)) == 3
    auth.login("worker")
    page = client.get(f"/competitions/{ids[STREET_LOCKED]}").get_data(as_text=True)
    assert "200" in page  # the unmet practice rule is named with its number
    _check_street_contests(client, auth, token, ids)


def _check_street_contests(client, auth, token, ids):
    """The open street contest has a quiz round and a scenario round the demo worker can
    play; the locked one says why the worker may not enter yet."""
    from trainer.competitions.demo import STREET_LOCKED, STREET_OPEN

    for title in (STREET_OPEN, STREET_LOCKED):
        detail = client.get(f"/api/v1/competitions/{ids[title]}", headers=bearer(token))
        rounds = detail.get_json()["rounds"]
        assert [(r["n"], r["kind"], r["status"]) for r in rounds] == [
            (1, "quiz", "open"), (2, "scenario", "open")]
    assert client.get(f"/api/v1/competitions/{ids[STREET_OPEN]}",
                      headers=bearer(token)).get_json()["eligibility"] == []
    locked = client.get(f"/api/v1/competitions/{ids[STREET_LOCKED]}",
                        headers=bearer(token)).get_json()["eligibility"]
    assert [(r["rule"], r["met"]) for r in locked] == [("practice", False)]
    assert "200" in locked[0]["detail"] and locked[0]["link"]
    assert client.post(f"/api/v1/competitions/{ids[STREET_OPEN]}/entries",
                       headers=bearer(token)).status_code == 201
    quiz = client.post(f"/api/v1/competitions/{ids[STREET_OPEN]}/rounds/1/start",
                       headers=bearer(token))
    assert quiz.status_code == 201 and len(quiz.get_json()["questions"]) >= 4
    run = client.post(f"/api/v1/competitions/{ids[STREET_OPEN]}/rounds/2/start",
                      headers=bearer(token))
    assert run.status_code == 201 and run.get_json()["node"]["choices"]
    page = client.get(f"/competitions/{ids[STREET_LOCKED]}").get_data(as_text=True)
    assert locked[0]["detail"] in page
