import sqlalchemy as sa

from tests.conftest import PASSWORD, bearer
from trainer.extensions import db


def test_demo_seed_adds_a_published_contest_and_open_street_contests(app, runner, client,
                                                                     auth):
    result = runner.invoke(args=["demo", "seed", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "competitions demo: ready" in result.output
    from trainer.competitions.demo import DISTRICT, STREET_LOCKED, STREET_OPEN
    from trainer.competitions.models import Competition
    from trainer.competitions.records_models import Certificate

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
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Competition)) == 3
    auth.login("worker")
    page = client.get(f"/competitions/{ids[STREET_LOCKED]}").get_data(as_text=True)
    assert "200" in page  # the unmet practice rule is named with its number
