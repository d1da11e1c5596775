from tests.conftest import bearer

from .conftest import NOISE


def test_scenario_list_holds_what_i_may_play(client, auth, users, make_scenario):
    make_scenario()
    make_scenario("hidden", status="draft")
    make_scenario("s2-only", street="S2")
    body = client.get("/api/v1/scenarios", headers=bearer(auth.token("worker"))).get_json()
    assert body == [{
        "slug": "noise", "title": "深夜噪音引发的邻里纠纷",
        "department": {"code": "civil-affairs", "name": "民政"},
        "summary": "302 室投诉楼上深夜噪音，网格员上门调解。",
        "competencies": ["communication", "mediation"], "steps": 3,
    }]
    organiser = client.get("/api/v1/scenarios", headers=bearer(auth.token("organiser")))
    assert [s["slug"] for s in organiser.get_json()] == ["noise", "s2-only"]


def test_scenario_list_pages_with_a_link_to_the_next(client, auth, users, make_scenario):
    for i in range(3):
        make_scenario(f"s{i}", NOISE.replace("深夜噪音引发的邻里纠纷", f"情景{i}"))
    resp = client.get("/api/v1/scenarios?page=1&per_page=2",
                      headers=bearer(auth.token("worker")))
    assert [s["slug"] for s in resp.get_json()] == ["s0", "s1"]
    assert 'page=2' in resp.headers["Link"] and 'rel="next"' in resp.headers["Link"]


def test_scenario_api_needs_a_token(client, users, make_scenario):
    make_scenario()
    assert client.get("/api/v1/scenarios").status_code == 401
    assert client.post("/api/v1/scenarios/noise/runs").status_code == 401
    assert client.get("/api/v1/runs/1").status_code == 401


def test_choice_body_must_be_a_json_object(client, auth, users, make_scenario):
    make_scenario()
    headers = bearer(auth.token("worker"))
    run_id = client.post("/api/v1/scenarios/noise/runs", headers=headers).get_json()["run_id"]
    resp = client.post(f"/api/v1/runs/{run_id}/choices", data="listen", headers=headers)
    assert resp.status_code == 400
    resp = client.post(f"/api/v1/runs/{run_id}/choices", json={"choice": 3}, headers=headers)
    assert resp.status_code == 422


def test_openapi_documents_the_scenario_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/runs/{run_id}/choices"]["post"]["responses"]) >= {
        "200", "404", "409", "422"}
    for path in ("/api/v1/scenarios", "/api/v1/scenarios/{slug}/runs", "/api/v1/runs/{run_id}"):
        assert path in paths


def test_stored_version_whose_start_is_an_ending_starts_no_run(client, auth, users, app,
                                                               db_count):
    """Such a version predates the validator's rule; a new run would be stuck at once."""
    from trainer.extensions import db
    from trainer.simulation.graph import Node, Scenario
    from trainer.simulation.loader import upsert_scenario
    from trainer.simulation.models import Run

    with app.app_context():
        upsert_scenario(Scenario("one", "One", None, "", (), "Start",
                                 {"Start": Node("Start", "done", (), "success")}))
        db.session.commit()
    resp = client.post("/api/v1/scenarios/one/runs", headers=bearer(auth.token("worker")))
    assert resp.status_code == 409
    assert db_count(Run) == 0
