"""A scenario used in a scenario round that has not closed is withheld from practice
(simulation.withheld_scenarios): entrants would otherwise rehearse the graded scenario with
full feedback. Practice start answers 409; the list and the page say why."""

from datetime import timedelta

from tests.competitions.conftest import shift_round
from tests.conftest import bearer

REFUSAL = "该情景正用于尚未结束的竞赛轮次"
MARK = "竞赛中，暂不可练习"


def _round(slug):
    return [{"title": "情景", "kind": "scenario", "scenario": slug, "weight": 1}]


def test_practice_of_a_scenario_in_an_open_round_is_refused(app, client, auth, create,
                                                            make_scenario):
    slug = make_scenario()
    other = make_scenario("free")
    comp_id = create(rounds=_round(slug))
    token = auth.token("worker")
    resp = client.post(f"/api/v1/scenarios/{slug}/runs", headers=bearer(token))
    assert resp.status_code == 409
    assert REFUSAL in resp.get_json()["error"]["message"]
    assert client.post(f"/api/v1/scenarios/{other}/runs",
                       headers=bearer(token)).status_code == 201
    auth.login("worker")
    page = auth.post(f"/scenarios/{slug}/runs", page=f"/scenarios/{slug}")
    assert page.status_code == 409 and REFUSAL in page.get_data(as_text=True)
    listing = client.get("/scenarios").get_data(as_text=True)
    assert listing.count(MARK) == 1
    detail = client.get(f"/scenarios/{slug}").get_data(as_text=True)
    assert MARK in detail and f"/scenarios/{slug}/runs" not in detail
    # the round itself still plays
    assert client.post(f"/api/v1/competitions/{comp_id}/entries",
                       headers=bearer(token)).status_code in (200, 201)
    assert client.post(f"/api/v1/competitions/{comp_id}/rounds/1/start",
                       headers=bearer(token)).status_code in (200, 201)
    # once the round closes, practice opens again
    shift_round(app, comp_id, 1, opens=timedelta(hours=-2), closes=timedelta(seconds=-1))
    assert client.post(f"/api/v1/scenarios/{slug}/runs",
                       headers=bearer(token)).status_code == 201
    assert MARK not in client.get("/scenarios").get_data(as_text=True)


def test_a_round_not_yet_open_withholds_its_scenario_too(app, client, auth, create,
                                                         make_scenario):
    slug = make_scenario()
    comp_id = create(rounds=_round(slug))
    shift_round(app, comp_id, 1, opens=timedelta(hours=1), closes=timedelta(hours=2))
    resp = client.post(f"/api/v1/scenarios/{slug}/runs", headers=bearer(auth.token("worker")))
    assert resp.status_code == 409
