"""Required training: the API's contract, the 422s, scope, done per kind, the record."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import bearer
from trainer.assignments.models import Assignment
from trainer.assignments.queries import today
from trainer.extensions import db
from trainer.models import utcnow

FAR = "2099-12-31"


@pytest.fixture
def people(make_user, users):
    return {"org_s1": make_user("org_s1", role="organiser", unit="S1"),
            "w_s2": make_user("w_s2", role="worker", unit="S2-C1-G1"),
            "w_g2": make_user("w_g2", role="worker", unit="S1-C1-G2")}


def post(client, auth, body, who="organiser"):
    return client.post("/api/v1/assignments", json=body, headers=bearer(auth.token(who)))


def mine(client, auth, who="worker"):
    resp = client.get("/api/v1/me/assignments", headers=bearer(auth.token(who)))
    assert resp.status_code == 200
    return resp.get_json()


def test_an_organiser_assigns_and_the_audience_sees_it(client, auth, targets, people):
    resp = post(client, auth, {"kind": "course", "target": targets["course"],
                               "audience": {"grids": ["S1-C1-G1"]}, "due": FAR})
    assert resp.status_code == 201
    new_id = resp.get_json()["id"]
    items = mine(client, auth)
    assert items == [{"id": new_id, "kind": "course", "title": "调解基础", "due": FAR,
                      "done": False, "overdue": False, "link": "/courses/mediation-basics"}]
    assert mine(client, auth, "w_g2") == []  # the other grid is not in the audience
    assert mine(client, auth, "w_s2") == []


def test_the_target_may_be_named_by_id(client, auth, targets, people):
    resp = post(client, auth, {"kind": "scenario", "target": targets["scenario_id"],
                               "audience": {"streets": ["S1"]}, "due": FAR})
    assert resp.status_code == 201
    assert [i["title"] for i in mine(client, auth)] == ["深夜噪音引发的邻里纠纷"]


def test_a_past_due_date_is_accepted_and_overdue_at_once(client, auth, targets, people):
    past = (today() - timedelta(days=1)).isoformat()
    resp = post(client, auth, {"kind": "quiz", "target": targets["quiz"],
                               "audience": {"users": ["worker"]}, "due": past})
    assert resp.status_code == 201
    [item] = mine(client, auth)
    assert item["overdue"] is True and item["done"] is False


@pytest.mark.parametrize("body, field", [
    ({"kind": "course", "target": "no-such-course"}, "target"),
    ({"kind": "quiz", "target": 999999}, "target"),
    ({"kind": "quiz", "target": "not-a-number"}, "target"),
    ({"kind": "scenario", "target": "nope"}, "target"),
    ({"kind": "lesson", "target": "x"}, "kind"),
    ({"audience": {"grids": ["NOPE"]}}, "audience"),
    ({"audience": {"users": ["nobody"]}}, "audience"),
    ({"audience": {"grids": ["S1"]}}, "audience"),  # a street is not a grid
    ({"audience": {"teams": ["S1"]}}, "audience"),
    ({"audience": {}}, "audience"),
    ({"audience": {"grids": []}}, "audience"),
    ({"due": "2026-02-30"}, "due"),
    ({"due": "31/12/2026"}, "due"),
    ({"due": "1999-12-31"}, "due"),
    ({"due": 20261231}, "due"),
])
def test_bad_input_gets_a_clear_422(client, auth, targets, people, body, field):
    full = {"kind": "course", "target": targets["course"], "audience": {"streets": ["S1"]},
            "due": FAR, **body}
    resp = post(client, auth, full)
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["field"] == field and error["message"]


def test_the_same_target_for_the_same_audience_twice_is_a_duplicate(client, auth, targets,
                                                                     people):
    body = {"kind": "course", "target": targets["course"],
            "audience": {"grids": ["S1-C1-G1", "S1-C1-G2"]}, "due": FAR}
    assert post(client, auth, body).status_code == 201
    again = post(client, auth, {**body, "audience": {"grids": ["S1-C1-G2", "S1-C1-G1"]},
                                "due": "2099-06-30"})
    assert again.status_code == 422
    assert again.get_json()["error"]["code"] == "duplicate"
    # another audience is no duplicate
    assert post(client, auth, {**body, "audience": {"grids": ["S1-C1-G1"]}}).status_code == 201


def test_out_of_scope_answers_as_unknown(client, auth, targets, people):
    """A street organiser naming another street's unit, person or private course gets
    the answer a missing one gets."""
    base = {"kind": "course", "target": targets["course"], "due": FAR}
    unknown = post(client, auth, {**base, "audience": {"grids": ["S9-NOPE"]}}, "org_s1")
    other = post(client, auth, {**base, "audience": {"grids": ["S2-C1-G1"]}}, "org_s1")
    assert other.status_code == unknown.status_code == 422
    assert other.get_json()["error"]["message"].replace("S2-C1-G1", "X") == \
        unknown.get_json()["error"]["message"].replace("S9-NOPE", "X")
    person = post(client, auth, {**base, "audience": {"users": ["w_s2"]}}, "org_s1")
    assert person.status_code == 422 and person.get_json()["error"]["field"] == "audience"
    course = post(client, auth, {**base, "target": targets["s2_course"],
                                 "audience": {"streets": ["S1"]}}, "org_s1")
    assert course.status_code == 422 and course.get_json()["error"]["field"] == "target"


def test_a_streets_private_course_goes_to_that_street_only(client, auth, targets, people):
    body = {"kind": "course", "target": targets["s2_course"], "due": FAR}
    assert post(client, auth, {**body, "audience": {"streets": ["S1"]}}).status_code == 422
    assert post(client, auth, {**body, "audience": {"streets": ["S2"]}}).status_code == 201


def test_only_organisers_assign(client, auth, targets, people):
    body = {"kind": "course", "target": targets["course"], "audience": {"streets": ["S1"]},
            "due": FAR}
    for role in ("worker", "trainer", "admin"):
        assert post(client, auth, body, role).status_code == 403


def test_a_street_organiser_never_sees_another_streets_assignments_or_workers(
        client, auth, fresh, targets, people):
    s2 = post(client, auth, {"kind": "course", "target": targets["course"],
                             "audience": {"streets": ["S2"]}, "due": FAR}).get_json()["id"]
    s1 = post(client, auth, {"kind": "course", "target": targets["course"],
                             "audience": {"streets": ["S1"]}, "due": FAR},
              "org_s1").get_json()["id"]
    listed = client.get("/api/v1/assignments", headers=bearer(auth.token("org_s1"))).get_json()
    assert [a["id"] for a in listed] == [s1]
    district = client.get("/api/v1/assignments",
                          headers=bearer(auth.token("organiser"))).get_json()
    assert {a["id"] for a in district} == {s1, s2}
    auth.login("org_s1")
    assert client.get(f"/assignments/{s2}").status_code == 404
    page = client.get(f"/assignments/{s1}").get_data(as_text=True)
    assert "worker用户" in page  # S1's workers listed as not done
    assert client.get("/assignments").get_data(as_text=True).count("调解基础") == 1
    # the people search of the form finds only the street's own workers
    form = client.get("/assignments/new").get_data(as_text=True)
    from tests.conftest import csrf_from
    found = client.post("/assignments/new", data={"csrf_token": csrf_from(form), "q": "worker",
                                                  "find": "1"}).get_data(as_text=True)
    assert 'value="worker"' in found and 'value="w_s2"' not in found
    tree = found.split("<fieldset")[1]  # no S2 unit in the audience tree (by code or name;
    # a bare "S2" can occur in a random CSRF token further down)
    assert 'value="S2' not in tree and "S2街道" not in tree and "S2社区" not in tree


def _done(app, kind, user_id, target_id, version=None, outcome="failure"):
    from trainer.learning.models import Enrollment
    from trainer.quizzes.models import Attempt
    from trainer.simulation.models import Run

    with app.app_context():
        now = utcnow()
        if kind == "course":
            db.session.add(Enrollment(user_id=user_id, course_id=target_id, completed_at=now))
        elif kind == "quiz":
            db.session.add(Attempt(user_id=user_id, quiz_id=target_id, submitted_at=now,
                                   attempt_no=2, passed=True, percent=80, score=8, max_score=10))
        else:
            db.session.add(Run(user_id=user_id, scenario_version_id=version, finished=True,
                               outcome=outcome, finished_at=now))
        db.session.commit()


def test_done_per_kind(app, client, auth, targets, users, people):
    past = (today() - timedelta(days=2)).isoformat()
    for kind, due in (("course", FAR), ("quiz", past), ("scenario", FAR)):
        assert post(client, auth, {"kind": kind, "target": targets[kind],
                                   "audience": {"communities": ["S1-C1"]},
                                   "due": due}).status_code == 201
    assert [(i["kind"], i["done"], i["overdue"]) for i in mine(client, auth)] == [
        ("quiz", False, True), ("course", False, False), ("scenario", False, False)]
    # a started course is not done; a failed quiz is not; a failed run is
    from trainer.learning.models import Enrollment
    from trainer.quizzes.models import Attempt
    with app.app_context():
        db.session.add(Enrollment(user_id=users["worker"], course_id=targets["course_id"]))
        db.session.add(Attempt(user_id=users["worker"], quiz_id=targets["quiz"],
                               submitted_at=utcnow(), passed=False))
        db.session.commit()
    _done(app, "scenario", users["worker"], None, targets["scenario_version"])
    status = {i["kind"]: i for i in mine(client, auth)}
    assert not status["course"]["done"] and not status["quiz"]["done"]
    assert status["scenario"]["done"] and status["scenario"]["success"] is False
    with app.app_context():
        db.session.execute(sa.update(Enrollment).values(completed_at=utcnow()))
        db.session.commit()
    _done(app, "quiz", users["worker"], targets["quiz"])
    status = {i["kind"]: i for i in mine(client, auth)}
    assert status["course"]["done"] and status["quiz"]["done"]
    assert status["quiz"]["overdue"] is False  # done is never overdue
    # the organiser sees completion: 1 of 2 workers of S1-C1 (worker, w_g2)
    listed = client.get("/api/v1/assignments", headers=bearer(auth.token())).get_json()
    assert all(i["done"] for i in listed)  # a worker's own list
    listed = client.get("/api/v1/assignments", headers=bearer(auth.token("organiser")))
    counts = {a["kind"]: (a["done"], a["members"]) for a in listed.get_json()}
    assert counts == {"course": (1, 2), "quiz": (1, 2), "scenario": (1, 2)}
    scenario = next(a["id"] for a in listed.get_json() if a["kind"] == "scenario")
    _done(app, "scenario", people["w_g2"], None,
          targets["scenario_version"], outcome="success")
    auth.login("organiser")
    page = client.get(f"/assignments/{scenario}").get_data(as_text=True)
    assert "已完成：2 / 2" in page and "其中 1 人的演练取得良好结局" in page


def test_completion_page_counts_per_unit_and_lists_who_is_not_done(app, client, auth, fresh,
                                                                    targets, users, people):
    new_id = post(client, auth, {"kind": "course", "target": targets["course"],
                                 "audience": {"streets": ["S1"]}, "due": FAR}).get_json()["id"]
    _done(app, "course", users["worker"], targets["course_id"])
    auth.login("organiser")
    page = client.get(f"/assignments/{new_id}").get_data(as_text=True)
    by_unit, not_done = page.split('id="by-unit"')[1].split('id="not-done"')
    # S1G1网格: worker (done); S1G2网格: w_g2 (not done)
    assert re.findall(r"<td>(\S+)</td><td class=\"unit-done\">(\d+)</td>"
                      r"<td class=\"unit-total\">(\d+)</td>", by_unit) == [
        ("S1G1网格", "1", "1"), ("S1G2网格", "0", "1")]
    assert 'data-username="w_g2"' in not_done and 'data-username="worker"' not in not_done


def test_the_record_lists_finished_and_overdue_assignments(app, client, auth, targets, users,
                                                           people):
    year = today().year
    past = (today() - timedelta(days=1)).isoformat()
    later = f"{year}-12-31"
    post(client, auth, {"kind": "course", "target": targets["course"],
                        "audience": {"users": ["worker"]}, "due": later})
    post(client, auth, {"kind": "quiz", "target": targets["quiz"],
                        "audience": {"users": ["worker"]}, "due": past})
    _done(app, "course", users["worker"], targets["course_id"])
    record = client.get(f"/api/v1/me/record?year={today().year}",
                        headers=bearer(auth.token())).get_json()
    got = {i["kind"]: (i["done"], i["overdue"]) for i in record["assignments"]}
    if past[:4] == str(year):
        assert got == {"course": (True, False), "quiz": (False, True)}
    auth.login("worker")
    page = client.get(f"/me/record?year={year}").get_data(as_text=True)
    assert "调解基础" in page and "已完成" in page
    mine_page = client.get("/my/assignments").get_data(as_text=True)
    assert "政策测验" in mine_page and "已逾期" in mine_page


def test_closing_takes_it_off_the_workers_list_after_confirmation(client, auth, fresh,
                                                                  targets, people):
    new_id = post(client, auth, {"kind": "course", "target": targets["course"],
                                 "audience": {"streets": ["S1"]}, "due": FAR}).get_json()["id"]
    auth.login("organiser")
    assert "确认" in client.get(f"/assignments/{new_id}/close").get_data(as_text=True)
    resp = auth.post(f"/assignments/{new_id}/close", page=f"/assignments/{new_id}/close")
    assert resp.status_code == 302 and fresh.get(Assignment, new_id).closed_at is None
    auth.post(f"/assignments/{new_id}/close", {"confirm": "y"},
              page=f"/assignments/{new_id}/close")
    assert fresh.get(Assignment, new_id).closed_at is not None
    assert mine(client, auth) == []
    auth.login("organiser")
    auth.post(f"/assignments/{new_id}/delete", {"confirm": "y"},
              page=f"/assignments/{new_id}/delete")
    assert fresh.get(Assignment, new_id) is None


def test_the_form_assigns_from_checkboxes(client, auth, fresh, targets, people):
    auth.login("organiser")
    resp = auth.post("/assignments/new", {"target": f"course:{targets['course']}",
                                          "due": FAR, "grids": ["S1-C1-G1"],
                                          "users": ["w_s2"]})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    a = fresh.scalar(sa.select(Assignment))
    assert a.title == "调解基础"
    bad = auth.post("/assignments/new", {"target": f"course:{targets['course']}",
                                         "due": FAR}, page="/assignments/new")
    assert bad.status_code == 422
    assert "请至少选择" in bad.get_data(as_text=True) or "至少" in bad.get_data(as_text=True)


def test_home_block_lists_open_assignments_overdue_first(app, client, auth, targets, users,
                                                         people):
    from trainer.assignments.record import home_block
    from trainer.auth.models import User

    past = (today() - timedelta(days=3)).isoformat()
    post(client, auth, {"kind": "course", "target": targets["course"],
                        "audience": {"users": ["worker"]}, "due": FAR})
    post(client, auth, {"kind": "quiz", "target": targets["quiz"],
                        "audience": {"users": ["worker"]}, "due": past})
    with app.test_request_context():
        items = home_block(db.session.get(User, users["worker"]))
        from flask import render_template
        html = render_template("assignments/_home_block.html", items=items)
    assert [i["kind"] for i in items] == ["quiz", "course"]
    assert items[0]["overdue"] and items[0]["link"] == f"/quizzes/{targets['quiz']}"
    assert "政策测验" in html


def test_an_assignment_may_belong_to_a_plans_half_year(app, client, auth, fresh, targets,
                                                       people):
    from tests.plans import factories

    plan = factories.make_plan(app, street="S1", year=2099)
    body = {"kind": "course", "target": targets["course"], "audience": {"streets": ["S1"]},
            "due": "2099-03-31", "plan": plan}
    new_id = post(client, auth, body).get_json()["id"]
    saved = fresh.get(Assignment, new_id)
    assert (saved.plan_id, saved.half) == (plan, 1)
    wrong_year = post(client, auth, {**body, "due": "2098-12-31", "audience": {"grids": [
        "S1-C1-G1"]}})
    assert wrong_year.status_code == 422 and wrong_year.get_json()["error"]["field"] == "plan"
    other = factories.make_plan(app, street="S2", year=2099)
    hidden = post(client, auth, {**body, "plan": other, "audience": {"grids": ["S1-C1-G2"]}},
                  "org_s1")
    assert hidden.status_code == 422 and hidden.get_json()["error"]["field"] == "plan"


def test_people_of_the_same_name_are_told_apart():
    from types import SimpleNamespace as NS

    from trainer.org.pickers import people_labels

    grid = NS(name="一网格")
    people = [NS(id=1, name="王伟", unit_id=5, unit=grid, username="w0012"),
              NS(id=2, name="王伟", unit_id=5, unit=grid, username="w0345"),
              NS(id=3, name="李娜", unit_id=5, unit=grid, username="w0999")]
    assert people_labels(people) == {1: "（一网格，w0**12）", 2: "（一网格，w0**45）",
                                     3: "（一网格）"}


def test_pages_render_in_english_too(client, auth, targets, people):
    new_id = post(client, auth, {"kind": "course", "target": targets["course"],
                                 "audience": {"streets": ["S1"]}, "due": FAR}).get_json()["id"]
    client.get("/lang/en")
    auth.login("organiser")
    for path in ("/assignments", "/assignments/new", f"/assignments/{new_id}",
                 f"/assignments/{new_id}/close", f"/assignments/{new_id}/delete"):
        resp = client.get(path)
        assert resp.status_code == 200 and "Required training" in resp.get_data(as_text=True)
    auth.login("worker")
    page = client.get("/my/assignments").get_data(as_text=True)
    assert "My required training" in page and "2099-12-31" in page


def test_dashboards_and_the_rating_read_the_same_assignments_in_bulk(app, client, auth, targets,
                                                                    users, people):
    """The bulk section equals the one-worker section, and the rating's input counts done
    and total per worker (workers without assignments are absent)."""
    from tests.conftest import app_ctx
    from trainer.assignments.record import assignment_figures, assignments_for
    from trainer.auth.models import User
    from trainer.records.sections import assessment_inputs, bulk, sections

    year = today().year
    post(client, auth, {"kind": "course", "target": targets["course"],
                        "audience": {"users": ["worker"]}, "due": f"{year}-12-31"})
    post(client, auth, {"kind": "quiz", "target": targets["quiz"],
                        "audience": {"users": ["worker", "w_g2"]}, "due": f"{year}-12-30"})
    _done(app, "course", users["worker"], targets["course_id"])
    with app_ctx(app):
        assert bulk.get("assignments") is assignments_for
        assert assessment_inputs.get("assignments") is assignment_figures
        who = [users["worker"], people["w_g2"], users["trainer"]]
        figures = assignment_figures(who, year)
        assert figures == {users["worker"]: {"done": 1, "total": 2},
                           people["w_g2"]: {"done": 0, "total": 1}}
        many = assignments_for(who, year)
        one = sections.get("assignments")(db.session.get(User, users["worker"]), year)
        assert many[users["worker"]] == one and users["trainer"] not in many
        # a select of ids works as well as a list
        select = sa.select(User.id).where(User.id.in_(who))
        assert assignment_figures(select, year) == figures
