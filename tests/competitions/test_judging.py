import sqlalchemy as sa

from tests.conftest import bearer
from trainer.extensions import db


def _entered(client, auth, comp_id, *names):
    for name in names:
        resp = client.post(f"/api/v1/competitions/{comp_id}/entries",
                           headers=bearer(auth.token(name)))
        assert resp.status_code == 201


def _score(client, token, comp_id, username, criteria, reason=None, n=1):
    data = {"criteria": criteria}
    if reason is not None:
        data["reason"] = reason
    return client.put(f"/api/v1/competitions/{comp_id}/rounds/{n}/scores/{username}", json=data,
                      headers=bearer(token))


def test_a_judge_scores_and_the_total_follows(client, auth, create, workers):
    comp_id = create()
    _entered(client, auth, comp_id, "w1", "w2")
    judge = auth.token("trainer")
    resp = _score(client, judge, comp_id, "w1", {"沟通": 8, "方案": 6})
    assert resp.status_code == 200 and resp.get_json()["total"] == 14
    board = client.get(f"/api/v1/competitions/{comp_id}/leaderboard",
                       headers=bearer(auth.token("organiser"))).get_json()
    assert [(e["name"], e["score"]) for e in board["entries"]] == [("张一", 70.0), ("李二", 0.0)]


def test_changing_a_score_needs_a_reason_and_is_audited(app, client, auth, create, workers):
    from trainer.competitions.models import AuditEntry

    comp_id = create()
    _entered(client, auth, comp_id, "w1")
    judge = auth.token("trainer")
    assert _score(client, judge, comp_id, "w1", {"沟通": 8, "方案": 6}).status_code == 200
    refused = _score(client, judge, comp_id, "w1", {"沟通": 9, "方案": 6})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "reason"
    same = _score(client, judge, comp_id, "w1", {"沟通": 8, "方案": 6})
    assert same.status_code == 200  # an unchanged sheet needs no reason
    ok = _score(client, judge, comp_id, "w1", {"沟通": 9, "方案": 6}, reason="复核录像后更正")
    assert ok.status_code == 200
    with app.app_context():
        row = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "score.change"))
        assert row.reason == "复核录像后更正" and row.user.username == "trainer"
        assert '"沟通": 8.0' in row.detail and '"沟通": 9.0' in row.detail


def test_points_out_of_range_are_422_naming_the_criterion(client, auth, create, workers):
    comp_id = create()
    _entered(client, auth, comp_id, "w1")
    resp = _score(client, auth.token("trainer"), comp_id, "w1", {"沟通": 11, "方案": 6})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["field"] == "criteria.沟通"


def test_only_the_rounds_judges_may_score(client, auth, create, workers):
    comp_id = create()
    _entered(client, auth, comp_id, "w1")
    resp = _score(client, auth.token("organiser"), comp_id, "w1", {"沟通": 1, "方案": 1})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "not_judge"


def test_a_judge_may_not_score_an_entrant_of_their_own_community(client, auth, create, workers):
    comp_id = create(rounds=[{"title": "实操", "kind": "judged", "weight": 1,
                              "criteria": [{"name": "沟通", "max": 10}],
                              "judges": [{"username": "trainer", "community": "S1-C1"}]}])
    _entered(client, auth, comp_id, "w1", "w3")
    resp = _score(client, auth.token("trainer"), comp_id, "w1", {"沟通": 5})
    assert resp.status_code == 403
    error = resp.get_json()["error"]
    assert error["code"] == "conflict_of_interest" and "S1社区" in error["message"]
    other = _score(client, auth.token("trainer"), comp_id, "w3", {"沟通": 5})
    assert other.status_code == 200  # an entrant of another community is fine


def test_with_five_judges_the_highest_and_lowest_are_dropped(client, auth, create, workers,
                                                             make_user):
    for i in range(5):
        make_user(f"j{i}", role="trainer")
    comp_id = create(rounds=[{"title": "实操", "kind": "judged", "weight": 1,
                              "criteria": [{"name": "表现", "max": 10}],
                              "judges": [f"j{i}" for i in range(5)]}])
    _entered(client, auth, comp_id, "w1")
    for i, points in enumerate([10, 2, 6, 7, 8]):
        assert _score(client, auth.token(f"j{i}"), comp_id, "w1", {"表现": points}).status_code \
            == 200
    board = client.get(f"/api/v1/competitions/{comp_id}/leaderboard",
                       headers=bearer(auth.token("organiser"))).get_json()
    assert board["entries"][0]["score"] == 70.0  # mean of 6, 7, 8


def test_the_judge_page_shows_numbers_not_names(client, auth, create, workers):
    comp_id = create()
    _entered(client, auth, comp_id, "w1", "w2")
    auth.login("trainer")
    page = client.get(f"/competitions/{comp_id}/rounds/1/judge")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "张一" not in text and "李二" not in text
    sheet = client.get(f"/competitions/{comp_id}/rounds/1/judge/1")
    assert sheet.status_code == 200 and "张一" not in sheet.get_data(as_text=True)
    resp = auth.post(f"/competitions/{comp_id}/rounds/1/judge/2", {"c0": "7", "c1": "9"})
    assert resp.status_code == 302
    board = client.get(f"/api/v1/competitions/{comp_id}/leaderboard",
                       headers=bearer(auth.token("organiser"))).get_json()
    assert board["entries"][0] == {"rank": 1, "name": "李二", "community": "S1社区",
                                   "street": "S1街道", "score": 80.0, "seconds": 0}


def test_the_rubric_is_locked_once_a_judge_has_scored(app, client, auth, create, workers):
    from trainer.competitions.models import AuditEntry, Round

    comp_id = create()
    _entered(client, auth, comp_id, "w1")
    client.set_cookie("lang", "en")
    auth.login("organiser")
    page = f"/competitions/{comp_id}/rounds/1/edit"
    retitled = auth.post(page, {"title": "现场调解（复赛）", "kind": "judged", "weight": "100",
                                "criteria": "沟通: 10\n方案: 10", "judges": "trainer"},
                         page=page)
    assert retitled.status_code == 302  # no sheet yet: the round may change freely
    assert _score(client, auth.token("trainer"), comp_id, "w1",
                  {"沟通": 10, "方案": 2}).status_code == 200
    refused = auth.post(page, {"title": "现场调解", "kind": "judged", "weight": "100",
                               "criteria": "沟通: 2\n表现: 2", "judges": "trainer",
                               "reason": "改评分表"}, page=page)
    assert refused.status_code == 422
    assert ("Judges have already scored this round: its criteria and their maximums can no "
            "longer change.") in refused.get_data(as_text=True)
    reweighed = auth.post(page, {"title": "现场调解", "kind": "judged", "weight": "50",
                                 "criteria": "沟通: 10\n方案: 10", "judges": "trainer",
                                 "reason": "调整权重"}, page=page)
    assert reweighed.status_code == 302  # the same rubric: other changes still pass
    with app.app_context():
        rnd = db.session.scalar(sa.select(Round).where(Round.competition_id == comp_id))
        assert rnd.criteria == [{"name": "沟通", "max": 10}, {"name": "方案", "max": 10}]
        assert rnd.weight == 50
        edits = [a for a in db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "round.edit").order_by(AuditEntry.id))]
        assert '"title": ["现场调解", "现场调解（复赛）"]' in edits[0].detail
        assert '"weight": [100, 50]' in edits[1].detail and edits[1].reason == "调整权重"
    board = client.get(f"/api/v1/competitions/{comp_id}/leaderboard",
                       headers=bearer(auth.token("organiser"))).get_json()
    assert board["entries"][0]["score"] == 60.0  # (10 + 2) / 20, never 6 out of 4
