from datetime import datetime, timedelta

import pytest

from tests.conftest import app_ctx
from tests.plans import factories
from tests.plans.factories import user
from trainer.errors import Forbidden
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans import attendance
from trainer.plans.compliance import compliance
from trainer.plans.models import TrainingSession

LOCAL = local_zone()  # the configured zone (Asia/Shanghai outside an app)

# The clock for these tests: 10 September 2026, second half-year.
NOW = datetime(2026, 9, 10, 12, 0, tzinfo=LOCAL)


def _attend(app, sid, who="worker"):
    with app_ctx(app):
        s = db.session.get(TrainingSession, sid)
        attendance.mark_attendance(s, user(who), "present", user("organiser"),
                                   now=s.ends_at)
        db.session.commit()


def _table(app, who="organiser", year=2026, now=NOW):
    with app_ctx(app):
        return {(r["street"], r["half"]): r for r in
                (row.as_json() for row in compliance(user(who), year, now))}


def test_flags_past_half_without_held_session_and_halves_without_plans(app, users, plan):
    held = factories.make_session(app, plan, datetime(2026, 3, 3, 9, tzinfo=LOCAL))
    _attend(app, held)
    # S1's first half: held. Second half: planned (upcoming). S2: no plan at all.
    factories.make_session(app, plan, datetime(2026, 10, 3, 9, tzinfo=LOCAL))
    table = _table(app)
    assert (table[("S1", 1)]["planned"], table[("S1", 1)]["held"], table[("S1", 1)]["ok"]) == (
        1, 1, True)
    assert (table[("S1", 2)]["planned"], table[("S1", 2)]["ok"]) == (1, True)
    assert (table[("S2", 1)]["ok"], table[("S2", 1)]["flag"]) == (False, "none_held")
    assert (table[("S2", 2)]["ok"], table[("S2", 2)]["flag"]) == (False, "none_planned")
    assert table[("S1", 1)]["period"] == "past" and table[("S1", 2)]["period"] == "current"


def test_a_session_nobody_attended_is_not_held(app, users, plan):
    factories.make_session(app, plan, datetime(2026, 3, 3, 9, tzinfo=LOCAL))
    row = _table(app)[("S1", 1)]
    assert (row["planned"], row["held"], row["flag"]) == (1, 0, "none_held")


def test_next_half_with_nothing_planned_is_flagged(app, users, plan):
    in_june = datetime(2026, 6, 1, tzinfo=LOCAL)
    table = _table(app, now=in_june)
    assert table[("S1", 1)]["flag"] == "none_planned"  # current
    assert table[("S1", 2)]["flag"] == "none_planned"  # next
    later = _table(app, year=2027, now=in_june)
    assert later[("S1", 2)]["ok"] and later[("S1", 2)]["period"] == "later"


@pytest.mark.usefixtures("db_ctx")
def test_attendance_rate_and_feedback_average(app, make_user, users, plan):
    make_user("w2", role="worker", unit="S1-C1-G2")
    sid = factories.make_session(app, plan, datetime(2026, 3, 3, 9, tzinfo=LOCAL))
    _attend(app, sid)
    attendance.give_feedback(db.session.get(TrainingSession, sid), user("worker"), 4, "",
                             now=NOW)
    db.session.commit()
    row = _table(app)[("S1", 1)]
    assert row["attendance_rate"] == 0.5 and row["feedback_average"] == 4.0


@pytest.mark.usefixtures("db_ctx")
def test_street_organiser_sees_own_street_others_forbidden(app, make_user, users):
    make_user("org_s2", role="organiser", unit="S2")
    assert {street for street, _h in _table(app, "org_s2")} == {"S2"}
    assert {street for street, _h in _table(app, "admin")} == {"S1", "S2"}
    for who in ("worker", "trainer"):
        with pytest.raises(Forbidden):
            compliance(user(who), 2026, NOW)


def test_compliance_api_and_page(app, client, api, auth, make_user, users):
    rows = client.get("/api/v1/compliance?year=2026", headers=api("organiser")).get_json()
    assert {(r["street"], r["half"]) for r in rows} == {("S1", 1), ("S1", 2), ("S2", 1),
                                                        ("S2", 2)}
    assert set(rows[0]) >= {"street", "half", "planned", "held", "ok"}
    assert client.get("/api/v1/compliance", headers=api("admin")).status_code == 200
    for who in ("worker", "trainer"):
        assert client.get("/api/v1/compliance", headers=api(who)).status_code == 403
    assert client.get("/api/v1/compliance?year=abc", headers=api("admin")).status_code == 422
    make_user("org_s1", role="organiser", unit="S1")
    only = client.get("/api/v1/compliance?year=2026", headers=api("org_s1")).get_json()
    assert {r["street"] for r in only} == {"S1"}
    client.set_cookie("lang", "en")
    auth.login("org_s1")
    html = client.get("/compliance?year=2025").get_data(as_text=True)
    assert "S1街道" in html and "S2街道" not in html and "No session held" in html


def test_demo_data_flags_the_street_that_held_nothing_last_half_year(app, fresh, runner, client,
                                                                     api):
    assert runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"]).exit_code == 0
    from trainer.models import utcnow
    from trainer.plans.halves import half_of

    last = half_of(utcnow()).previous()
    rows = client.get(f"/api/v1/compliance?year={last.year}",
                      headers={"Authorization": "Bearer " + _token(client)}).get_json()
    flagged = {r["street"] for r in rows if r["half"] == last.half and not r["ok"]}
    assert flagged == {"S03"}
    held = {r["street"]: r["held"] for r in rows if r["half"] == last.half}
    assert held["S01"] > 0 and held["S02"] > 0
    this_year = client.get("/api/v1/plans?year=" + str(half_of(utcnow()).year),
                           headers={"Authorization": "Bearer " + _token(client)}).get_json()
    assert {p["street"] for p in this_year} == {"S01", "S02", "S03"}
    # Seeding again adds nothing.
    with app.app_context():
        import sqlalchemy as sa

        count = db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))
    assert runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"]).exit_code == 0
    assert fresh.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) \
        == count


def _token(client):
    resp = client.post("/api/v1/tokens", json={"username": "organiser",
                                               "password": "Demo-pass-2026"})
    return resp.get_json()["token"]


def test_demo_worker_has_hours_on_the_record(app, runner, client):
    runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"])
    token = client.post("/api/v1/tokens", json={"username": "worker",
                                                "password": "Demo-pass-2026"}).get_json()
    from trainer.models import utcnow
    from trainer.plans.halves import half_of

    year = half_of(utcnow() - timedelta(days=200)).year
    record = client.get(f"/api/v1/me/record?year={year}",
                        headers={"Authorization": "Bearer " + token["token"]}).get_json()
    assert record["sessions"] and record["total_hours"] > 0


def _rolling(app, now, who="organiser"):
    from trainer.plans.compliance import around, compliance_for

    with app_ctx(app):
        return [(r["street"], r["year"], r["half"], r["period"], r["planned"], r["held"],
                 r["flag"]) for r in (row.as_json() for row in compliance_for(
                     user(who), around(now), now))]


def test_rolling_view_crosses_the_year_end_both_ways(app, users, plan):
    last_year = factories.make_plan(app, year=2025)
    held = factories.make_session(app, last_year, datetime(2025, 11, 3, 9, tzinfo=LOCAL))
    _attend(app, held)
    factories.make_session(app, plan, datetime(2026, 3, 3, 9, tzinfo=LOCAL))
    in_march = _rolling(app, datetime(2026, 3, 1, tzinfo=LOCAL))
    assert [r for r in in_march if r[0] == "S1"] == [
        ("S1", 2025, 2, "past", 1, 1, None),
        ("S1", 2026, 1, "current", 1, 0, None),
        ("S1", 2026, 2, "next", 0, 0, "none_planned")]
    in_september = _rolling(app, NOW)
    assert [r[1:4] for r in in_september if r[0] == "S2"] == [
        (2026, 1, "past"), (2026, 2, "current"), (2027, 1, "next")]
    assert [r[6] for r in in_september if r[0] == "S1"] == [
        "none_held", "none_planned", "none_planned"]


def test_compliance_page_shows_last_current_and_next_half_by_default(app, client, auth,
                                                                     users):
    from trainer.models import utcnow
    from trainer.plans.halves import half_of

    current = half_of(utcnow())
    client.set_cookie("lang", "en")
    auth.login("organiser")
    html = client.get("/compliance").get_data(as_text=True)
    label = {1: "first half-year", 2: "second half-year"}
    for half in (current.previous(), current, current.next()):
        assert f"{half.year} {label[half.half]}" in html
    assert html.count(f"{current.next().year} {label[current.next().half]}") == 2  # S1, S2
    only = client.get("/compliance?year=2025").get_data(as_text=True)
    assert "2025 first half-year" in only and "2025 second half-year" in only
    assert "2026 first half-year" not in only
    client.set_cookie("lang", "zh_CN")
    chinese = client.get("/compliance?year=2025").get_data(as_text=True)
    assert "2025年上半年" in chinese and "2025年下半年" in chinese
    rows = client.get("/api/v1/compliance?year=2025",
                      headers={"Authorization": "Bearer " + auth.token("organiser")}).get_json()
    assert {(r["street"], r["year"], r["half"]) for r in rows} == {
        ("S1", 2025, 1), ("S1", 2025, 2), ("S2", 2025, 1), ("S2", 2025, 2)}
