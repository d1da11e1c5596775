"""Bad input to the session forms and API: edge-of-calendar times, numbers that are not
plain digits, wrong JSON types, materials that do not exist."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.plans import factories
from tests.plans.test_sessions import _count, _post
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans.models import TrainingSession

LOCAL = local_zone()  # the configured zone (Asia/Shanghai outside an app)


@pytest.mark.parametrize("query,name", [("from=0001-01-01", "from"),
                                        ("to=9999-12-31T23:59:59-12:00", "to"),
                                        ("from=0001-01-01T00:00:00%2B14:00", "from")])
def test_session_list_refuses_times_at_the_edge_of_the_calendar(client, api, plan, query,
                                                                name):
    resp = client.get(f"/api/v1/sessions?{query}", headers=api("worker"))
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == name


@pytest.mark.parametrize("starts,ends", [("0001-01-01T00:00", "0001-01-01T02:00"),
                                         ("9999-12-31T22:00", "9999-12-31T23:00")])
def test_session_form_refuses_times_at_the_edge_of_the_calendar(app, client, auth, plan,
                                                                starts, ends):
    client.set_cookie("lang", "en")
    auth.login("organiser")
    form = {"title": "课", "kind": "lecture", "half": "1", "starts_at": starts,
            "ends_at": ends, "place": "会议室", "department": "fire", "lecturer": "",
            "hours": "2", "streets": "S1"}
    resp = auth.post(f"/plans/{plan}/sessions/new", form)
    assert resp.status_code == 422
    assert "between the years 2000 and 2100" in resp.get_data(as_text=True)
    assert _count(app) == 0


FORM = {"title": "课", "kind": "lecture", "half": "1", "starts_at": "2026-04-08T09:00",
        "ends_at": "2026-04-08T11:00", "place": "会议室", "department": "fire", "lecturer": "",
        "hours": "2", "capacity": "", "streets": "S1"}


@pytest.mark.parametrize("changes,words", [
    ({"hours": "sNaN"}, "Enter a number in digits"),
    ({"hours": "NaN"}, "Enter a number in digits"),
    ({"hours": "Infinity"}, "Enter a number in digits"),
    ({"hours": "-Infinity"}, "Enter a number in digits"),
    ({"hours": "1e1"}, "Enter a number in digits"),
    ({"hours": "٢"}, "Enter a number in digits"),
    ({"capacity": "٣٠"}, "Enter a whole number"),
    ({"capacity": "1e3"}, "Enter a whole number"),
    ({"capacity": "²"}, "Enter a whole number"),
    ({"quizzes": "²"}, "List quizzes by their numbers"),
    ({"quizzes": "١"}, "List quizzes by their numbers"),
])
def test_session_forms_refuse_numbers_that_are_not_plain_digits(app, fresh, client, auth, plan,
                                                                changes, words):
    sid = factories.make_session(app, plan, datetime(2026, 4, 9, 9, tzinfo=LOCAL), hours=1)
    client.set_cookie("lang", "en")
    auth.login("organiser")
    for path in (f"/plans/{plan}/sessions/new", f"/sessions/{sid}/edit"):
        resp = auth.post(path, {**FORM, **changes})
        assert resp.status_code == 422, path
        assert words in resp.get_data(as_text=True)
    assert _count(app) == 1
    assert fresh.get(TrainingSession, sid).hours == 1


def test_full_width_digits_are_read_as_numbers(app, client, auth, plan):
    auth.login("organiser")
    resp = auth.post(f"/plans/{plan}/sessions/new", {**FORM, "hours": "１．５",
                                                     "capacity": "３０"})
    assert resp.status_code == 302
    with app.app_context():
        s = db.session.scalar(sa.select(TrainingSession))
        assert (s.hours, s.capacity) == (1.5, 30)


def test_roll_call_with_a_strange_person_number_changes_nothing(app, client, auth, plan):
    sid = factories.make_session(app, plan, datetime(2026, 4, 9, 9, tzinfo=LOCAL))
    client.set_cookie("lang", "en")
    auth.login("organiser")
    for odd in ("²", "١", "99999999999999999999999"):
        resp = auth.post(f"/sessions/{sid}/rollcall", {"user_id": odd, "status": "present"},
                         follow_redirects=True)
        assert resp.status_code == 200 and "Choose a person" in resp.get_data(as_text=True)
    from trainer.plans.models import Attendance

    assert _count(app, Attendance) == 0


@pytest.mark.parametrize("year", ["²", "٢٠٢٦", "2026.0"])
def test_compliance_api_refuses_a_year_in_strange_digits(client, api, users, year):
    resp = client.get(f"/api/v1/compliance?year={year}", headers=api("organiser"))
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == "year"


@pytest.mark.parametrize("name,value", [
    ("title", 5), ("kind", ["lecture"]), ("place", 5), ("online_url", []), ("lecturer", 5),
    ("lecturer_name", {}), ("department", 1), ("hours", "2"), ("hours", True),
    ("capacity", 1.5), ("capacity", "10"), ("half", "1"), ("audience", "S1"),
    ("courses", "a-course"), ("scenarios", {}), ("quizzes", "1"), ("starts_at", 20260408),
])
def test_session_api_fields_keep_their_json_types(app, client, api, plan, name, value):
    resp = _post(client, api, plan, **{name: value})
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["field"] == name
    assert _count(app) == 0


@pytest.fixture
def materials(app, plan):
    from trainer.learning.models import Course
    from trainer.org.services import department_by_code, unit_by_code
    from trainer.quizzes.models import Quiz
    from trainer.simulation.models import Scenario

    with app.app_context():
        dept, s2 = department_by_code("fire").id, unit_by_code("S2").id
        rows = [Course(slug="fire-basics", title="消防基础", department_id=dept),
                Course(slug="s2-only", title="S2课程", department_id=dept, street_id=s2),
                Scenario(slug="noise", title="深夜噪音"), Quiz(title="消防测验"),
                Quiz(title="S2测验", street_id=s2)]
        db.session.add_all(rows)
        db.session.commit()
        return {"quiz": rows[3].id, "s2_quiz": rows[4].id}


@pytest.mark.parametrize("name,value,words", [
    ("courses", ["nope"], "Unknown course “nope”"),
    ("courses", ["fire-basics", "s2-only"], "Unknown course “s2-only”"),
    ("scenarios", ["missing"], "Unknown scenario “missing”"),
    ("quizzes", [999999], "Unknown quiz number 999999"),
    ("quizzes", [2**40], "List quizzes by their numbers"),
])
def test_unknown_materials_are_refused(app, client, api, plan, materials, name, value, words):
    client.set_cookie("lang", "en")
    resp = _post(client, api, plan, **{name: value})
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["field"] == name and words in error["message"]
    s2_quiz = _post(client, api, plan, quizzes=[materials["s2_quiz"]])
    assert s2_quiz.status_code == 422 and s2_quiz.get_json()["error"]["field"] == "quizzes"
    assert _count(app) == 0


def test_materials_are_links_on_the_session_page(app, client, api, auth, plan, materials):
    resp = _post(client, api, plan, courses=["fire-basics"], scenarios=["noise"],
                 quizzes=[materials["quiz"]])
    assert resp.status_code == 201
    auth.login("organiser")
    html = client.get(f"/sessions/{resp.get_json()['id']}").get_data(as_text=True)
    assert '<a href="/courses/fire-basics">消防基础</a>' in html
    assert '<a href="/scenarios/noise">深夜噪音</a>' in html
    assert f'<a href="/quizzes/{materials["quiz"]}">消防测验</a>' in html


def test_session_form_refuses_an_unknown_course(app, client, auth, plan, materials):
    client.set_cookie("lang", "en")
    auth.login("organiser")
    resp = auth.post(f"/plans/{plan}/sessions/new", {**FORM, "courses": ["fire-basics", "nope"]})
    assert resp.status_code == 422 and "Unknown course “nope”" in resp.get_data(as_text=True)
    ok = auth.post(f"/plans/{plan}/sessions/new", {**FORM, "courses": "fire-basics",
                                                   "quizzes": str(materials["quiz"])})
    assert ok.status_code == 302
    with app.app_context():
        s = db.session.scalar(sa.select(TrainingSession))
        assert (s.courses, s.quizzes) == (["fire-basics"], [materials["quiz"]])
