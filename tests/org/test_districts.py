"""Several districts: a district is a tenant like a street. A second district's organiser,
trainer and worker see only their district; a city organiser sees every district under the
city; the shipped library (no district) is read everywhere."""

import re

import pytest
import sqlalchemy as sa

from tests.competitions.conftest import body
from tests.conftest import PASSWORD, bearer
from trainer.extensions import db


@pytest.fixture
def second(app, org, users, make_user):
    """District D2 with street T1 (community, grid), its organiser, trainer and worker."""
    from trainer.org import services

    with app.app_context():
        d2 = services.create_unit("D2", "第二区", "district", None)
        t1 = services.create_unit("T1", "T1街道", "street", d2)
        comm = services.create_unit("T1-C1", "T1社区", "community", t1)
        services.create_unit("T1-C1-G1", "T1网格", "grid", comm)
        db.session.commit()
    return {"org2": make_user("org2", role="organiser", unit="D2"),
            "trainer2": make_user("trainer2", role="trainer", unit="D2"),
            "worker2": make_user("worker2", unit="T1-C1-G1")}


@pytest.fixture
def district_objects(app, users):
    """District D's plan (street S1) and district-wide competition, made by its organiser."""
    from tests.plans import factories

    return factories.make_plan(app)


def _competition(client, auth, username, **overrides):
    resp = client.post("/api/v1/competitions", json=body(**overrides),
                       headers=bearer(auth.token(username)))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def test_a_second_districts_organiser_sees_nothing_of_the_first(app, client, auth, second,
                                                                 district_objects):
    plan_id = district_objects
    comp = _competition(client, auth, "organiser", title="袁州区知识竞赛")
    auth.login("org2")
    assert client.get(f"/plans/{plan_id}").status_code == 404
    assert "S1街道" not in client.get("/plans").get_data(as_text=True)
    assert "S1街道" not in client.get("/compliance").get_data(as_text=True)
    assert "T1街道" in client.get("/compliance").get_data(as_text=True)
    assert client.get(f"/competitions/{comp}").status_code == 404
    assert "袁州区知识竞赛" not in client.get("/competitions").get_data(as_text=True)
    token = auth.token("org2")
    listed = client.get("/api/v1/competitions", headers=bearer(token)).get_json()
    assert comp not in [c["id"] for c in listed]
    assert client.get(f"/api/v1/competitions/{comp}/leaderboard",
                      headers=bearer(token)).status_code == 404
    # a plan for another district's street: as unknown as a made-up code
    resp = client.post("/api/v1/plans", json={"street": "S1", "year": 2026, "title": "x"},
                       headers=bearer(token))
    made_up = client.post("/api/v1/plans", json={"street": "NOPE", "year": 2026,
                                                "title": "x"}, headers=bearer(token))
    assert resp.status_code == made_up.status_code == 422


def test_workers_and_trainers_stay_in_their_district(app, client, auth, second):
    comp = _competition(client, auth, "organiser", title="袁州区知识竞赛")
    own = _competition(client, auth, "org2", title="第二区竞赛", rounds=[
        {"title": "现场调解", "kind": "judged", "weight": 100,
         "criteria": [{"name": "沟通", "max": 10}], "judges": ["trainer2"]}])
    for username in ("worker2", "trainer2"):
        token = auth.token(username)
        assert client.get(f"/api/v1/competitions/{comp}",
                          headers=bearer(token)).status_code == 404
        assert client.get(f"/api/v1/competitions/{own}",
                          headers=bearer(token)).status_code == 200
        assert client.get(f"/api/v1/competitions/{comp}/leaderboard",
                          headers=bearer(token)).status_code == 404
    # a district contest's standings have one table per street of its own district only
    auth.login("organiser")
    page = client.get(f"/competitions/{comp}/standings").get_data(as_text=True)
    assert "S1街道" in page and "T1街道" not in page
    assert client.get(f"/competitions/{comp}/standings?street=T1").status_code == 404
    # the first district's worker does not see the second's contest either
    assert client.get(f"/api/v1/competitions/{own}",
                      headers=bearer(auth.token("worker"))).status_code == 404


def test_a_judge_from_another_district_is_refused(client, auth, second):
    resp = client.post("/api/v1/competitions", json=body(), headers=bearer(
        auth.token("org2")))  # body()'s judge is "trainer", of district D
    assert resp.status_code == 422
    assert resp.get_json()["error"]["field"] == "rounds[0].judges"


def test_units_and_accounts_lists_stay_in_the_district(app, second):
    from trainer.auth.models import User
    from trainer.org.scope import units_query, users_query

    with app.app_context():
        org2 = db.session.get(User, second["org2"])
        codes = {u.code for u in db.session.scalars(units_query(org2))}
        names = {u.username for u in db.session.scalars(users_query(org2))}
        organiser = db.session.scalar(sa.select(User).where(User.username == "organiser"))
        first = {u.code for u in db.session.scalars(units_query(organiser))}
    assert codes == {"D2", "T1", "T1-C1", "T1-C1-G1"}
    assert names == {"org2", "trainer2", "worker2"}
    assert "D2" not in first and "T1" not in first and "S1" in first


def test_content_of_a_district_stays_there_and_the_library_is_shared(app, client, auth,
                                                                     second):
    from trainer.learning.models import Course
    from trainer.org.services import department_by_code, unit_by_code

    with app.app_context():
        dept = department_by_code("public-security")
        db.session.add_all([
            Course(slug="library", title="共享课程", status="published", department=dept),
            Course(slug="d-only", title="袁州区课程", status="published", department=dept,
                   district_id=unit_by_code("D").id)])
        db.session.commit()
    auth.login("worker2")
    assert client.get("/courses/library").status_code == 200
    assert client.get("/courses/d-only").status_code == 404
    auth.logout()
    auth.login("trainer2")  # same department, another district
    assert client.get("/author/courses/library").status_code == 200
    assert client.get("/author/courses/d-only").status_code == 404


def test_a_city_organiser_sees_every_district_under_the_city(app, client, auth, second,
                                                              district_objects, make_user):
    from trainer.auth.models import User
    from trainer.org import services
    from trainer.org.scope import units_query

    with app.app_context():
        city = services.create_unit("C", "宜春市", "city", None)
        for code in ("D", "D2"):
            services.move_unit(services.unit_by_code(code), city)
        db.session.commit()
    make_user("cityorg", role="organiser", unit="C")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "cityorg"))
        codes = {u.code for u in db.session.scalars(units_query(user))}
        assert services.unit_by_code("T1-C1-G1").district_id == services.unit_by_code("D2").id
    assert {"C", "D", "D2", "S1", "T1"} <= codes
    auth.login("cityorg")
    assert client.get(f"/plans/{district_objects}").status_code == 200
    compliance = client.get("/compliance").get_data(as_text=True)
    assert "S1街道" in compliance and "T1街道" in compliance


def test_flask_users_create_places_an_account_in_any_unit(app, runner, second):
    from trainer.auth.models import User

    result = runner.invoke(args=["users", "create", "cityless", "--role", "organiser",
                                 "--unit", "D2", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "cityless"))
        assert user.unit.code == "D2"
    # with two districts, an organiser's district must be named
    result = runner.invoke(args=["users", "create", "nowhere", "--role", "organiser",
                                 "--password", PASSWORD])
    assert result.exit_code != 0 and "--unit" in result.output


def _lecturer_error(resp) -> str:
    found = re.search(r'<p class="error" id="lecturer-error">(.*?)</p>',
                      resp.get_data(as_text=True))
    assert found, "no error on the lecturer field"
    return found.group(1)


def test_a_trainer_of_another_district_cannot_lecture_here(app, client, auth, second,
                                                          district_objects):
    """Regression: the lecturer must be a trainer who may teach in the plan's street, so
    a trainer of district D2 is refused for a session of street S1 (district D) exactly
    like an unknown username, on the API and on the web forms; no session is made."""
    from tests.plans.test_sessions import BODY, _count
    from trainer.plans.models import TrainingSession

    plan = district_objects
    token = auth.token("organiser")
    answers = [client.post(f"/api/v1/plans/{plan}/sessions", json={**BODY, "lecturer": who},
                           headers=bearer(token)) for who in ("trainer2", "nobody")]
    assert [r.status_code for r in answers] == [422, 422]
    assert answers[0].get_json() == answers[1].get_json()
    assert answers[0].get_json()["error"]["field"] == "lecturer"
    assert _count(app) == 0
    # the district's own trainer is accepted: the refusal is about the district
    ok = client.post(f"/api/v1/plans/{plan}/sessions", json={**BODY, "lecturer": "trainer"},
                     headers=bearer(token))
    assert ok.status_code == 201, ok.get_json()
    sid = ok.get_json()["id"]

    auth.login("organiser")
    form = {"title": "课", "kind": "lecture", "half": "1", "starts_at": "2026-04-09T09:00",
            "ends_at": "2026-04-09T11:00", "place": "会议室", "department": "fire",
            "hours": "2", "capacity": "", "streets": "S1"}
    page = client.get(f"/plans/{plan}/sessions/new").get_data(as_text=True)
    assert 'value="trainer"' in page and 'value="trainer2"' not in page
    for path in (f"/plans/{plan}/sessions/new", f"/sessions/{sid}/edit"):
        other, unknown = (auth.post(path, {**form, "lecturer": who})
                          for who in ("trainer2", "nobody"))
        assert other.status_code == unknown.status_code == 422, path
        assert _lecturer_error(other) == _lecturer_error(unknown), path
    assert _count(app) == 1
    with app.app_context():
        assert db.session.get(TrainingSession, sid).lecturer.username == "trainer"
    # and trainer2 sees nothing of the session
    def listed(username):
        resp = client.get("/api/v1/sessions", headers=bearer(auth.token(username)))
        return [s["id"] for s in resp.get_json()]

    assert sid in listed("trainer") and sid not in listed("trainer2")
    auth.login("trainer2")
    assert client.get(f"/sessions/{sid}").status_code == 404


def test_an_admins_quiz_must_name_its_street_when_several_districts_exist(app, client, auth,
                                                                         second):
    """A whole-district quiz by an admin would have no district (the shared library, open
    to every district); with two districts the admin names the street, and the quiz then
    belongs to that street's district only."""
    from tests.quizzes.conftest import SAMPLE
    from trainer.org.services import unit_by_code
    from trainer.quizzes import bank
    from trainer.quizzes.models import Quiz

    with app.app_context():
        s1 = unit_by_code("S1")
        s1_id, d_id = s1.id, s1.district_id
        question = bank.create_question(SAMPLE[0], bank.ensure_bank("共享题库"),
                                        department_id=None)
        db.session.commit()
        question_id = question.id
    form = {"title": "袁州区测验", "mode": "fixed", "pass_percent": "60",
            "review": "after_submit", "street": "", "question_ids": str(question_id)}
    auth.login("admin")
    refused = auth.post("/quizzes/new", form)
    assert refused.status_code == 422
    assert "现有多个区：请选择测验的开放街道" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 0
    made = auth.post("/quizzes/new", {**form, "street": str(s1_id)})
    assert made.status_code == 302
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        assert (quiz.street_id, quiz.district_id) == (s1_id, d_id)
        quiz_id = quiz.id
    auth.logout()
    auth.login("org2")
    for path in (f"/quizzes/{quiz_id}", f"/quizzes/{quiz_id}/edit",
                 f"/quizzes/{quiz_id}/results"):
        assert client.get(path).status_code == 404, path
    assert "袁州区测验" not in client.get("/quizzes").get_data(as_text=True)
    auth.logout()
    auth.login("organiser")  # the street's own district organiser manages it
    assert client.get(f"/quizzes/{quiz_id}/edit").status_code == 200
    assert "袁州区测验" in client.get("/quizzes").get_data(as_text=True)


def test_another_districts_organiser_cannot_manage_a_quiz(app, second):
    from trainer.auth.models import User
    from trainer.org.services import unit_by_code
    from trainer.quizzes.models import Quiz
    from trainer.quizzes.queries import can_manage_quiz

    with app.app_context():
        quiz = Quiz(title="袁州区测验", district_id=unit_by_code("D").id)
        own = db.session.scalar(sa.select(User).where(User.username == "organiser"))
        other = db.session.get(User, second["org2"])
        assert can_manage_quiz(own, quiz) and not can_manage_quiz(other, quiz)
