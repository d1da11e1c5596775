from datetime import timedelta

import sqlalchemy as sa

from tests.competitions.conftest import iso
from tests.conftest import app_ctx, bearer
from trainer.extensions import db
from trainer.models import utcnow


def _enter_and_score(client, auth, comp_id, scores):
    judge = auth.token("trainer")
    for name, points in scores.items():
        resp = client.post(f"/api/v1/competitions/{comp_id}/entries",
                           headers=bearer(auth.token(name)))
        assert resp.status_code in (200, 201)
        if points is not None:
            resp = client.put(f"/api/v1/competitions/{comp_id}/rounds/1/scores/{name}",
                              json={"criteria": {"沟通": points, "方案": points},
                                    "reason": "更正"},
                              headers=bearer(judge))
            assert resp.status_code == 200, resp.get_json()


def _board(client, token, comp_id, query=""):
    return client.get(f"/api/v1/competitions/{comp_id}/leaderboard{query}",
                      headers=bearer(token)).get_json()


def _set_freeze(app, comp_id, delta):
    from trainer.competitions.models import Competition

    with app_ctx(app):
        comp = db.session.get(Competition, comp_id)
        comp.freeze_at = utcnow() + delta
        db.session.commit()


def test_every_entrant_appears_with_zero_until_they_score(client, auth, create, workers):
    comp_id = create()
    _enter_and_score(client, auth, comp_id, {"worker": None, "w1": 5})
    board = _board(client, auth.token("worker"), comp_id)
    assert [(e["rank"], e["score"]) for e in board["entries"]] == [(1, 50.0), (2, 0.0)]
    assert board["me"] == {"rank": 2, "score": 0.0, "seconds": 0}


def test_after_the_freeze_entrants_see_the_frozen_table_and_their_live_score(app, client,
                                                                              auth, create,
                                                                              workers):
    comp_id = create(freeze_at=iso(timedelta(minutes=30)))
    _enter_and_score(client, auth, comp_id, {"worker": 4, "w1": 6})
    _set_freeze(app, comp_id, -timedelta(seconds=1))
    _enter_and_score(client, auth, comp_id, {"worker": 9})  # after the freeze: 40 -> 90
    worker = _board(client, auth.token("worker"), comp_id)
    assert worker["frozen"] is True
    assert [(e["name"], e["score"]) for e in worker["entries"]] == [("张一", 60.0),
                                                                   ("worker用户", 40.0)]
    assert worker["me"] == {"rank": None, "score": 90.0, "seconds": 0}
    organiser = _board(client, auth.token("organiser"), comp_id)
    assert organiser["frozen"] is False
    assert [(e["name"], e["score"]) for e in organiser["entries"]][0] == ("worker用户", 90.0)


def test_publishing_unfreezes_awards_honours_and_issues_certificates(app, client, auth, create,
                                                                     workers):
    comp_id = create(freeze_at=iso(timedelta(minutes=30)))
    _enter_and_score(client, auth, comp_id, {"worker": 4, "w1": 6, "w2": 6, "w3": 0})
    _set_freeze(app, comp_id, -timedelta(seconds=1))
    resp = client.post(f"/api/v1/competitions/{comp_id}/publish",
                       json={"confirm": True},
                          headers=bearer(auth.token("organiser")))
    assert resp.status_code == 200
    honours = resp.get_json()["honours"]
    # top 2 places: w1 and w2 tie for rank 1 (same total, no time), so both earn it
    assert sorted(h["username"] for h in honours) == ["w1", "w2"]
    assert all(h["honour"] == "业务能手" and len(h["certificate"]) == 12 for h in honours)
    board = _board(client, auth.token("worker"), comp_id)
    assert board["frozen"] is False and board["me"]["rank"] == 3
    page = client.get(f"/certificates/{honours[0]['certificate']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "业务知识竞赛" in text and "业务能手" in text and "S1社区" in text
    assert client.get("/certificates/NOSUCHCODE42").status_code == 404
    again = client.post(f"/api/v1/competitions/{comp_id}/publish",
                        json={"confirm": True},
                          headers=bearer(auth.token("organiser")))
    assert again.get_json()["honours"] == honours


def test_publishing_closes_every_round(app, client, auth, create, make_quiz):
    from trainer.competitions.models import Round
    from trainer.quizzes.models import Attempt

    quiz_id, _ids = make_quiz()
    comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 1}])
    token = auth.token("worker")
    client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(token))
    attempt = client.post(f"/api/v1/competitions/{comp_id}/rounds/1/start",
                          headers=bearer(token)).get_json()
    client.post(f"/api/v1/competitions/{comp_id}/publish", json={"confirm": True},
                headers=bearer(auth.token("organiser")))
    with app.app_context():
        rnd = db.session.scalar(sa.select(Round).where(Round.competition_id == comp_id))
        assert rnd.closed_at is not None
        assert db.session.get(Attempt, attempt["attempt_id"]).submitted_at is not None
    late = client.put(f"/api/v1/attempts/{attempt['attempt_id']}/answers/"
                      f"{attempt['questions'][0]['id']}", json={"answer": "A"},
                      headers=bearer(token))
    assert late.status_code == 409


def test_top_n_visibility_limits_the_rows_but_not_my_standing(client, auth, create, workers):
    comp_id = create(visibility="top", visible_top=1)
    _enter_and_score(client, auth, comp_id, {"worker": 2, "w1": 6, "w2": 4})
    board = _board(client, auth.token("worker"), comp_id)
    assert [e["name"] for e in board["entries"]] == ["张一"]
    assert board["me"]["rank"] == 3
    assert len(_board(client, auth.token("organiser"), comp_id)["entries"]) == 3


def test_own_only_visibility_shows_no_table(client, auth, create, workers):
    comp_id = create(visibility="own")
    _enter_and_score(client, auth, comp_id, {"worker": 2, "w1": 6})
    board = _board(client, auth.token("worker"), comp_id)
    assert board["entries"] == [] and board["me"]["rank"] == 2
    auth.login("worker")
    page = client.get(f"/competitions/{comp_id}/standings").get_data(as_text=True)
    assert "张一" not in page


def test_team_table_is_the_mean_of_the_best_members(client, auth, create, workers):
    comp_id = create(team_size=2)
    _enter_and_score(client, auth, comp_id, {"worker": 10, "w1": 6, "w2": 2, "w3": 8})
    teams = _board(client, auth.token("worker"), comp_id, "?by=team")["entries"]
    # S1社区: best two of 100, 60, 20 -> 80; S2社区: 80 and a missing member -> 40
    assert teams == [{"rank": 1, "team": "S1社区", "score": 80.0},
                     {"rank": 2, "team": "S2社区", "score": 40.0}]


def test_district_contest_has_a_table_per_street(client, auth, create, workers):
    comp_id = create()
    _enter_and_score(client, auth, comp_id, {"worker": 3, "w1": 6, "w3": 8})
    s2 = _board(client, auth.token("organiser"), comp_id, "?street=S2")
    assert [(e["rank"], e["name"]) for e in s2["entries"]] == [(1, "王三")]
    s1 = _board(client, auth.token("worker"), comp_id, "?street=S1")
    assert [(e["rank"], e["name"]) for e in s1["entries"]] == [(1, "张一"), (2, "worker用户")]
    assert s1["me"]["rank"] == 2
    auth.login("worker")
    page = client.get(f"/competitions/{comp_id}/standings")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "S1街道" in text and "S2街道" in text and 'class="mine"' in text


def test_projector_refreshes_by_meta_and_shows_the_public_table(app, client, auth, create,
                                                                workers):
    comp_id = create(freeze_at=iso(timedelta(minutes=30)))
    _enter_and_score(client, auth, comp_id, {"worker": 4, "w1": 6})
    _set_freeze(app, comp_id, -timedelta(seconds=1))
    _enter_and_score(client, auth, comp_id, {"worker": 10})
    auth.login("organiser")
    resp = client.get(f"/competitions/{comp_id}/projector")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200
    # without scripts the page refreshes itself; with them, its script polls the JSON
    assert '<noscript><meta http-equiv="refresh"' in text
    assert "<script>" not in text and "style=" not in text
    assert text.index("张一") < text.index("worker用户")  # the frozen order, not the live one
    assert "100.00" not in text
    assert "/logout" not in text and 'aria-label="Main"' not in text  # no site navigation
    state = client.get(f"/competitions/{comp_id}/projector.json")
    assert state.headers["Cache-Control"] == "no-store"
    data = state.get_json()
    assert data["frozen"] is True and data["freeze_at"] is None
    assert [e["name"] for e in data["entries"]][:2] == ["张一", "worker用户"]
    assert "100.00" not in state.get_data(as_text=True)
    assert data["round"]["title"] and data["round"]["closes_at"]


def test_projector_countdown_reads_minutes_and_seconds():
    from trainer.competitions.projector import countdown

    assert countdown("2026-12-06T09:00:00+00:00", "2026-12-06T09:12:05+00:00") == "12:05"
    assert countdown("2026-12-06T09:00:00+00:00", "2026-12-06T10:02:03+00:00") == "1:02:03"
    assert countdown("2026-12-06T09:00:00+00:00", "2026-12-06T08:00:00+00:00") == "0:00"
    assert countdown(None, "2026-12-06T08:00:00+00:00") == ""


def test_honours_and_competitions_reach_the_training_record(client, auth, create, workers):
    comp_id = create()
    _enter_and_score(client, auth, comp_id, {"w1": 9, "w2": 3})
    honours = client.post(f"/api/v1/competitions/{comp_id}/publish",
                          json={"confirm": True},
                          headers=bearer(auth.token("organiser"))).get_json()["honours"]
    year = utcnow().year
    record = client.get(f"/api/v1/me/record?year={year}",
                        headers=bearer(auth.token("w1"))).get_json()
    assert [(c["title"], c["rank"], c["score"]) for c in record["competitions"]] == [
        ("业务知识竞赛", 1, 90.0)]
    assert [(h["title"], h["certificate"]) for h in record["honours"]] == [
        ("业务能手", honours[0]["certificate"])]


def test_top_n_visibility_applies_to_team_tables_too(client, auth, create, workers):
    comp_id = create(visibility="top", visible_top=1, team_size=2)
    _enter_and_score(client, auth, comp_id, {"worker": 10, "w1": 6, "w3": 8})
    teams = _board(client, auth.token("worker"), comp_id, "?by=team")["entries"]
    assert [t["team"] for t in teams] == ["S1社区"]
    assert len(_board(client, auth.token("organiser"), comp_id, "?by=team")["entries"]) == 2
    auth.login("worker")
    page = client.get(f"/competitions/{comp_id}/standings?tab=team").get_data(as_text=True)
    assert "S1社区" in page and "S2社区" not in page
    auth.login("organiser")
    projector = client.get(f"/competitions/{comp_id}/projector").get_data(as_text=True)
    assert "S1社区" in projector and "S2社区" not in projector  # the public view
    page = client.get(f"/competitions/{comp_id}/standings?tab=team").get_data(as_text=True)
    assert "S2社区" in page  # organisers see everything


def test_the_standings_page_refreshes_from_a_fragment_with_the_same_rules(app, client, auth,
                                                                          create, workers):
    comp_id = create(freeze_at=iso(timedelta(minutes=30)))
    _enter_and_score(client, auth, comp_id, {"worker": 4, "w1": 6})
    _set_freeze(app, comp_id, -timedelta(seconds=1))
    _enter_and_score(client, auth, comp_id, {"worker": 10})  # after the freeze
    auth.login("worker")
    page = client.get(f"/competitions/{comp_id}/standings?street=S1").get_data(as_text=True)
    assert 'src="/static/js/competitions-standings.js"' in page
    assert f'data-live-url="/competitions/{comp_id}/standings/live?page=1&amp;street=S1"' in page
    assert "<script>" not in page
    live = client.get(f"/competitions/{comp_id}/standings/live?page=1&street=S1")
    text = live.get_data(as_text=True)
    assert live.status_code == 200 and "<html" not in text and "no-store" in \
        live.headers["Cache-Control"]
    assert text.index("张一") < text.index("worker用户")  # the frozen order
    assert "100.00" in text and text.count("100.00") == 1  # only my own live score
    auth.logout()
    assert client.get(f"/competitions/{comp_id}/standings/live").status_code == 302


def test_another_street_gets_no_fragment(client, auth, make_user, create, workers):
    comp_id = create(street="S1")
    auth.login("w3")  # a worker of S2
    assert client.get(f"/competitions/{comp_id}/standings/live").status_code == 404


def test_the_public_certificate_page_is_never_stored_by_a_cache(app, client, auth, create,
                                                                 workers):
    comp_id = create(freeze_at=iso(timedelta(minutes=30)))
    _enter_and_score(client, auth, comp_id, {"w1": 6})
    resp = client.post(f"/api/v1/competitions/{comp_id}/publish",
                       json={"confirm": True},
                          headers=bearer(auth.token("organiser")))
    code = resp.get_json()["honours"][0]["certificate"]
    anonymous = app.test_client()
    page = anonymous.get(f"/certificates/{code}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert anonymous.get("/certificates/NOSUCHCODE42").headers["Cache-Control"] == "no-store"


def test_two_entrants_of_one_name_and_community_are_told_apart(client, auth, create, workers,
                                                             make_user):
    make_user("zhangyi2", name="张一")  # the same name, the same grid as w1
    comp_id = create()
    _enter_and_score(client, auth, comp_id, {"w1": 6, "zhangyi2": 4, "w2": 5})
    auth.login("organiser")
    page = client.get(f"/competitions/{comp_id}/standings").get_data(as_text=True)
    assert "张一（w1）" not in page  # two characters cannot be masked usefully: w*
    assert "张一（w*）" in page and "张一（zh****i2）" in page
    assert "李二（" not in page  # alone with that name: no username shown
    state = client.get(f"/competitions/{comp_id}/projector.json").get_json()
    assert {"张一（w*）", "张一（zh****i2）"} <= {e["name"] for e in state["entries"]}
    auth.login("w1")
    mine = client.get(f"/competitions/{comp_id}/standings").get_data(as_text=True)
    assert "您（参赛号" in mine and "(No." not in mine
