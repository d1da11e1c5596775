from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.plans import factories
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans.models import Attendance

LOCAL = local_zone()  # the configured zone (Asia/Shanghai outside an app)

PLACEHOLDERS = ("attempts", "competitions", "honours")


def _attend(app, sid, user_id, status="present", hours=2):
    """Attendance of an ended session; it credits the session's hours (plans.credit)."""
    from trainer.plans.models import TrainingSession

    with app_ctx(app):
        if status == "present":
            db.session.get(TrainingSession, sid).hours = hours
        db.session.add(Attendance(session_id=sid, user_id=user_id, status=status,
                                  method="manual", hours_credited=hours if status == "present"
                                  else 0))
        db.session.commit()


def _complete_course(app, user_id, when, hours, slug="ruhu"):
    from trainer.learning.models import Course, Enrollment
    from trainer.org.models import Department

    with app_ctx(app):
        dept = db.session.scalar(sa.select(Department).where(Department.code == "civil-affairs"))
        course = Course(slug=slug, title="入户走访", department=dept, status="published",
                        hours=hours, competencies=[])
        db.session.add(course)
        db.session.flush()
        db.session.add(Enrollment(user_id=user_id, course_id=course.id, completed_at=when,
                                  hours_credited=hours))
        db.session.commit()


def _play(client, headers, slug: str, keys: list[str]) -> int:
    run = client.post(f"/api/v1/scenarios/{slug}/runs", headers=headers).get_json()
    for key in keys:
        client.post(f"/api/v1/runs/{run['run_id']}/choices", json={"choice": key},
                    headers=headers)
    return run["run_id"]


def _noise_scenario(app) -> None:
    from tests.simulation.conftest import NOISE, known_departments
    from trainer.simulation.loader import upsert_scenario
    from trainer.simulation.validate import parse_yaml

    with app_ctx(app):
        graph, problems = parse_yaml(NOISE, "noise.yml", "noise", known_departments())
        assert problems == []
        upsert_scenario(graph)
        db.session.commit()


def test_record_lists_attended_sessions_courses_and_total_hours(app, client, api, users):
    plan = factories.make_plan(app)
    attended = factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL),
                                      hours=2.5)
    missed = factories.make_session(app, plan, datetime(2026, 5, 8, 9, tzinfo=LOCAL))
    _attend(app, attended, users["worker"], hours=2.5)
    _attend(app, missed, users["worker"], status="absent")
    _complete_course(app, users["worker"], datetime(2026, 6, 1, 10, tzinfo=LOCAL), 1.5)
    record = client.get("/api/v1/me/record?year=2026", headers=api("worker")).get_json()
    assert [(s["id"], s["hours"]) for s in record["sessions"]] == [(attended, 2.5)]
    assert record["sessions"][0]["date"].startswith("2026-04-08T09:00:00+08:00")
    assert [(c["slug"], c["hours"]) for c in record["courses"]] == [("ruhu", 1.5)]
    assert record["courses"][0]["completed_at"]
    assert record["hours"] == {"sessions": 2.5, "courses": 1.5}
    assert record["total_hours"] == 4.0
    for key in PLACEHOLDERS:
        assert record[key] == []


def test_record_lists_the_workers_finished_scenario_runs(app, client, api, users):
    _noise_scenario(app)
    headers = api("worker")
    won = _play(client, headers, "noise", ["listen", "agree"])
    lost = _play(client, headers, "noise", ["scold", "leave"])
    _play(client, headers, "noise", ["listen"])  # unfinished: not in the record
    year = datetime.now(LOCAL).year
    record = client.get(f"/api/v1/me/record?year={year}", headers=headers).get_json()
    assert [(r["id"], r["outcome"]) for r in record["runs"]] == [(won, "success"),
                                                                  (lost, "partial")]
    assert record["runs"][0]["title"] == "深夜噪音引发的邻里纠纷"
    assert record["runs"][0]["scores"]["mediation"] > 0
    assert client.get(f"/api/v1/me/record?year={year - 1}",
                      headers=headers).get_json()["runs"] == []


def test_record_is_per_year_and_per_person(app, client, api, make_user, users):
    make_user("w2", role="worker", unit="S1-C1-G2")
    old = factories.make_session(app, factories.make_plan(app, year=2025),
                                 datetime(2025, 10, 8, 9, tzinfo=LOCAL))
    _attend(app, old, users["worker"])
    _complete_course(app, users["worker"], datetime(2025, 12, 31, 23, tzinfo=LOCAL), 1)
    this_year = client.get("/api/v1/me/record?year=2026", headers=api("worker")).get_json()
    assert this_year["sessions"] == [] and this_year["courses"] == []
    assert this_year["total_hours"] == 0
    last_year = client.get("/api/v1/me/record?year=2025", headers=api("worker")).get_json()
    assert last_year["total_hours"] == 3
    other = client.get("/api/v1/me/record?year=2025", headers=api("w2")).get_json()
    assert other["sessions"] == [] and other["total_hours"] == 0


def test_record_rejects_a_bad_year_and_needs_a_token(client, api, users):
    assert client.get("/api/v1/me/record?year=20x6", headers=api("worker")).status_code == 422
    assert client.get("/api/v1/me/record").status_code == 401


def test_record_defaults_to_the_current_year(client, api, users):
    from trainer.models import utcnow
    from trainer.plans.halves import half_of

    record = client.get("/api/v1/me/record", headers=api("worker")).get_json()
    assert record["year"] == half_of(utcnow()).year


def test_record_page_shows_sessions_and_hours(app, client, auth, users):
    plan = factories.make_plan(app)
    sid = factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL),
                                 title="矛盾纠纷调解演练")
    _attend(app, sid, users["worker"], hours=3)
    client.set_cookie("lang", "en")
    auth.login("worker")
    html = client.get("/me/record?year=2026").get_data(as_text=True)
    assert "My training record" in html and "矛盾纠纷调解演练" in html
    assert "Training hours in 2026</dt><dd><strong>3.0</strong> / 24" in html
    assert "矛盾纠纷调解演练" not in client.get("/me/record?year=2025").get_data(as_text=True)


@pytest.mark.usefixtures("db_ctx")
def test_a_domain_contributes_a_section_by_registering_one_function(app, users,
                                                                     monkeypatch):
    from trainer.records import services
    from trainer.records.sections import sections

    calls = []

    def fake_honours(user, year):
        calls.append((user.username, year))
        return [{"title": "业务能手", "date": "2026-12-01", "hours": 1}]

    monkeypatch.setitem(sections._items, "honours", fake_honours)
    from tests.plans.factories import user

    record = services.build_record(user("worker"), 2026)
    assert record["honours"][0]["title"] == "业务能手" and calls == [("worker", 2026)]
    assert record["hours"]["honours"] == 1 and record["total_hours"] == 1


def test_every_record_section_is_registered_by_its_domain(app):
    from trainer.records.sections import sections
    from trainer.records.services import KEYS

    assert [key for key, _fn in sections.items() if key in KEYS] != []
    assert set(KEYS) <= {key for key, _fn in sections.items()}


@pytest.mark.parametrize("year", ["²⁰²⁶", "1999", "abc", ""])
def test_record_refuses_a_year_that_is_not_plain_digits_in_range(client, api, users, year):
    resp = client.get(f"/api/v1/me/record?year={year}", headers=api("worker"))
    assert resp.status_code == 422
    assert resp.get_json()["error"]["field"] == "year"


def test_record_reads_a_full_width_year(client, api, users):
    resp = client.get("/api/v1/me/record?year=２０２６", headers=api("worker"))
    assert resp.status_code == 200 and resp.get_json()["year"] == 2026
