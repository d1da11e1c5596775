import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.conftest import app_ctx, bearer
from trainer.auth.models import User
from trainer.errors import Conflict, DomainError, Invalid, NotFound
from trainer.extensions import db
from trainer.simulation import authoring, services
from trainer.simulation.models import Run, Scenario
from trainer.simulation.policies import reveal_policies

from .conftest import NOISE


@pytest.fixture
def api(client, auth, users, make_scenario):
    make_scenario()

    class Api:
        def __init__(self):
            self.headers = {}

        def as_(self, username):
            self.headers = bearer(auth.token(username))
            return self

        def start(self, slug="noise"):
            return client.post(f"/api/v1/scenarios/{slug}/runs", headers=self.headers)

        def choose(self, run_id, key):
            return client.post(f"/api/v1/runs/{run_id}/choices", json={"choice": key},
                               headers=self.headers)

        def get(self, run_id):
            return client.get(f"/api/v1/runs/{run_id}", headers=self.headers)

    return Api().as_("worker")


def run_row(app, run_id) -> tuple:
    with app_ctx(app):
        run = db.session.get(Run, run_id)
        return list(run.path), run.finished, run.outcome, run.scores


def test_start_answers_the_first_node_and_its_choices(api):
    resp = api.start()
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["finished"] is False
    assert body["node"]["key"] == "arrive"
    assert body["node"]["html"].startswith("<p>晚上十点")
    assert body["node"]["choices"] == [{"key": "listen", "label": "先分别听双方说清楚"},
                                       {"key": "scold", "label": "直接要求楼上立刻停止"}]


def test_choice_moves_on_with_its_feedback_and_finishing_scores(api, app):
    run_id = api.start().get_json()["run_id"]
    first = api.choose(run_id, "scold").get_json()
    assert first == {"run_id": run_id, "node": first["node"], "finished": False,
                     "feedback": "命令式的语气容易激化矛盾。",
                     "choice": {"key": "scold", "label": "直接要求楼上立刻停止"}}
    assert first["node"]["key"] == "escalate"
    last = api.choose(run_id, "leave").get_json()
    assert (last["finished"], last["outcome"]) == (True, "partial")
    assert last["scores"] == {"communication": 0.0, "mediation": 0.0}
    assert run_row(app, run_id) == (["scold", "leave"], True, "partial", last["scores"])


def test_choice_not_offered_is_422_and_changes_nothing(api, app):
    run_id = api.start().get_json()["run_id"]
    resp = api.choose(run_id, "agree")
    assert resp.status_code == 422
    assert resp.get_json()["error"]["message"]
    assert run_row(app, run_id) == ([], False, None, {})


def test_choice_without_a_key_is_422_naming_the_field(api):
    run_id = api.start().get_json()["run_id"]
    resp = api.choose(run_id, None)
    assert resp.status_code == 422
    assert "choice" in resp.get_json()["error"]["message"]


def test_choice_on_a_finished_run_is_409_and_changes_nothing(api, app):
    run_id = api.start().get_json()["run_id"]
    api.choose(run_id, "listen")
    api.choose(run_id, "agree")
    before = run_row(app, run_id)
    resp = api.choose(run_id, "listen")
    assert resp.status_code == 409
    assert run_row(app, run_id) == before


def test_another_users_run_is_404_to_choose_and_to_read(api, app, make_user):
    run_id = api.start().get_json()["run_id"]
    make_user("worker2", unit="S1-C1-G2")
    api.as_("worker2")
    assert api.choose(run_id, "listen").status_code == 404
    assert api.get(run_id).status_code == 404
    assert run_row(app, run_id) == ([], False, None, {})


def test_unknown_run_and_scenario_are_404(api):
    assert api.choose(9999, "listen").status_code == 404
    assert api.get(9999).status_code == 404
    assert api.start("nope").status_code == 404


def test_run_is_readable_while_unfinished_with_the_feedback_so_far(api):
    run_id = api.start().get_json()["run_id"]
    api.choose(run_id, "scold")
    body = api.get(run_id).get_json()
    assert (body["finished"], body["outcome"], body["scores"]) == (False, None, {})
    assert body["path"] == ["scold"] and body["feedback"] == ["命令式的语气容易激化矛盾。"]
    assert body["node"]["key"] == "escalate"
    assert body["steps"][0]["better"]["key"] == "listen"


def test_debrief_names_the_better_choice_where_one_existed(api):
    run_id = api.start().get_json()["run_id"]
    for key in ("scold", "apologise", "agree"):
        api.choose(run_id, key)
    steps = api.get(run_id).get_json()["steps"]
    assert [s["better"] and s["better"]["key"] for s in steps] == ["listen", None, None]


def test_trainer_of_the_department_and_organiser_in_scope_read_the_run(api, make_user,
                                                                       make_scenario):
    make_scenario("ps", department="public-security")
    run_id = api.start("ps").get_json()["run_id"]
    make_user("s1org", role="organiser", unit="S1")
    make_user("s2org", role="organiser", unit="S2")
    make_user("s2trainer", role="trainer", unit="S2")
    make_user("cat", role="trainer", department="civil-affairs")
    expected = {"trainer": 200, "organiser": 200, "admin": 200, "s1org": 200,
                "s2org": 404, "s2trainer": 404, "cat": 404}
    assert {name: api.as_(name).get(run_id).status_code for name in expected} == expected


def test_run_keeps_its_version_when_the_scenario_is_edited_mid_run(api, app, users):
    run_id = api.start().get_json()["run_id"]
    api.choose(run_id, "listen")
    with app.app_context():
        admin = db.session.get(User, users["admin"])
        scenario = db.session.scalar(sa.select(Scenario))
        edited = NOISE.replace("ending: success", "ending: failure")
        edited = edited.replace("ending: partial", "ending: success")  # one success still
        edited = edited.replace("引导双方约定练习时间并加装减震垫", "改过的选项")
        assert authoring.save_scenario(admin, scenario, edited).number == 2
        db.session.commit()
    last = api.choose(run_id, "agree").get_json()
    assert (last["outcome"], last["node"]["key"]) == ("success", "resolved")
    fresh = api.start().get_json()["run_id"]
    api.choose(fresh, "listen")
    assert api.get(fresh).get_json()["node"]["choices"][0]["label"] == "改过的选项"
    assert api.choose(fresh, "agree").get_json()["outcome"] == "failure"
    assert api.get(run_id).get_json()["version"] == 1


def test_competition_run_hides_feedback_until_a_rule_reveals_it(app, users, make_scenario,
                                                                 client, auth, monkeypatch):
    make_scenario()
    with app.app_context():
        worker = db.session.get(User, users["worker"])
        scenario = db.session.scalar(sa.select(Scenario))
        run = services.start_run(worker, scenario, context="competition", round_id=7)
        assert services.start_run(worker, scenario, context="competition", round_id=7) is run
        db.session.commit()
        run_id = run.id
    headers = bearer(auth.token("worker"))
    body = client.post(f"/api/v1/runs/{run_id}/choices", json={"choice": "scold"},
                       headers=headers).get_json()
    assert body["feedback"] is None
    debrief = client.get(f"/api/v1/runs/{run_id}", headers=headers).get_json()
    assert debrief["feedback"] == [None] and debrief["steps"][0]["better"] is None
    monkeypatch.setitem(reveal_policies._items, "competition", lambda r: r.round_id == 7)
    debrief = client.get(f"/api/v1/runs/{run_id}", headers=headers).get_json()
    assert debrief["feedback"] == ["命令式的语气容易激化矛盾。"]


@pytest.mark.usefixtures("db_ctx")
def test_start_run_refuses_contexts_it_does_not_record(app, account, make_scenario):
    make_scenario()
    worker = account("worker")
    scenario = db.session.scalar(sa.select(Scenario))
    with pytest.raises(DomainError):
        services.start_run(worker, scenario, context="preview")
    with pytest.raises(Invalid):
        services.start_run(worker, scenario, context="competition")
    with pytest.raises(Invalid):
        services.start_run(worker, scenario, round_id=3)
    scenario.current_version_id = None
    with pytest.raises(Conflict):
        services.start_run(worker, scenario)


@pytest.mark.usefixtures("db_ctx")
def test_service_errors_leave_the_run_as_it_was(app, account, make_scenario):
    make_scenario()
    worker = account("worker")
    run = services.start_run(worker, db.session.scalar(sa.select(Scenario)))
    with pytest.raises(Invalid):
        services.choose(run, "agree")
    services.choose(run, "listen")
    services.choose(run, "agree")
    with pytest.raises(Conflict):
        services.choose(run, "agree")
    assert run.path == ["listen", "agree"] and run.outcome == "success"
    with pytest.raises(NotFound):
        services.run_to_play(account("trainer"), run.id)


@pytest.mark.usefixtures("db_ctx")
def test_schema_refuses_an_outcome_without_finishing(app, users, make_scenario):
    make_scenario()
    version_id = db.session.scalar(sa.select(Scenario.current_version_id))
    db.session.add(Run(user_id=users["worker"], scenario_version_id=version_id,
                       path=[], outcome="success"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Run(user_id=users["worker"], scenario_version_id=version_id,
                       path=[], context="competition"))
    with pytest.raises(IntegrityError):
        db.session.flush()
