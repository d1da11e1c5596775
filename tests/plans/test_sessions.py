from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.plans import factories
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans.models import SessionAudience, TrainingSession

LOCAL = local_zone()  # the configured zone (Asia/Shanghai outside an app)

BODY = {"title": "消防安全隐患排查", "kind": "field", "starts_at": "2026-04-08T09:00:00+08:00",
        "ends_at": "2026-04-08T11:30:00+08:00", "place": "S1街道消防站", "department": "fire",
        "hours": 2.5, "audience": {"street": "S1"}}


def _count(app, model=TrainingSession):
    with app_ctx(app):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _post(client, api, plan, who="organiser", **changes):
    body = {**BODY, **changes}
    return client.post(f"/api/v1/plans/{plan}/sessions", headers=api(who), json=body)


def test_organiser_schedules_a_session(app, client, api, plan):
    resp = _post(client, api, plan)
    assert resp.status_code == 201
    data = resp.get_json()
    assert data["conflicts"] == [] and data["half"] == 1
    with app.app_context():
        s = db.session.get(TrainingSession, data["id"])
        assert (s.title, s.kind, s.hours, s.department.code) == ("消防安全隐患排查", "field",
                                                                 2.5, "fire")
        assert s.starts_at == datetime(2026, 4, 8, 1, 0, tzinfo=UTC)
        assert s.half == 1
        assert [a.unit.code for a in s.audience] == ["S1"]


def test_trainer_scheduling_without_lecturer_teaches_it(app, fresh, client, api, plan):
    resp = _post(client, api, plan, who="trainer")
    assert resp.status_code == 201
    assert fresh.get(TrainingSession, resp.get_json()["id"]).lecturer.username \
        == "trainer"


@pytest.mark.parametrize("changes,field,words", [
    ({"ends_at": "2026-04-08T08:00:00+08:00"}, "ends_at", "end after it starts"),
    ({"starts_at": "2025-12-30T09:00:00+08:00", "ends_at": "2025-12-30T11:00:00+08:00"},
     "starts_at", "outside half-year"),
    ({"half": 2}, "starts_at", "outside half-year 2 of 2026"),
    ({"starts_at": "2026-06-30T22:00:00+08:00", "ends_at": "2026-07-01T01:00:00+08:00"},
     "ends_at", "within its half-year"),
    ({"capacity": -1}, "capacity", "below zero"),
    ({"capacity": 0}, "capacity", "leave it empty for no limit"),
    ({"starts_at": "0001-01-01T00:00:00+14:00"}, "starts_at", "between the years 2000 and 2100"),
    ({"ends_at": "9999-12-31T22:00:00-12:00"}, "ends_at", "between the years 2000 and 2100"),
    ({"hours": -2}, "hours", "between 0 and 24"),
    ({"audience": {"communities": ["S2-C1"]}}, "audience", "belongs to another street"),
    ({"audience": {"street": "S2"}}, "audience", "belongs to another street"),
    ({"audience": {"grids": ["S1-C1-G1", "S2-C1-G2"]}}, "audience", "another street"),
    ({"audience": {"grids": ["S1-C1"]}}, "audience", "not at the level"),
    ({"audience": {"grids": ["NOPE"]}}, "audience", "Unknown unit code"),
    ({"audience": {"everyone": True}}, "audience", "must be one of"),
    ({"kind": "party"}, "kind", "lecture, field, drill or competition"),
    ({"starts_at": "2026-04-08T09:00:00"}, "starts_at", "with an offset"),
    ({"place": "", "online_url": ""}, "place", "place or an online link"),
    ({"online_url": "javascript:alert(1)"}, "online_url", "http(s)"),
    ({"department": "nope"}, "department", "Unknown department"),
    ({"lecturer": "worker"}, "lecturer", "must be a trainer"),
])
def test_bad_session_is_refused_with_a_clear_message(app, client, api, plan, changes, field,
                                                     words):
    client.set_cookie("lang", "en")
    resp = _post(client, api, plan, **changes)
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["field"] == field and words in error["message"]
    assert _count(app) == 0 and _count(app, SessionAudience) == 0


def test_named_people_of_another_street_are_refused(app, client, api, make_user, plan):
    make_user("li", role="worker", unit="S2-C1-G1")
    resp = _post(client, api, plan, audience={"users": ["worker", "li"]})
    assert resp.status_code == 422 and "li" in resp.get_json()["error"]["message"]
    assert _count(app) == 0


def test_bad_session_form_shows_message_and_saves_nothing(app, client, auth, plan):
    client.set_cookie("lang", "en")
    auth.login("organiser")
    form = {"title": "课", "kind": "lecture", "half": "2", "starts_at": "2026-04-08T09:00",
            "ends_at": "2026-04-08T11:00", "place": "会议室", "department": "fire",
            "lecturer": "", "hours": "2", "capacity": "", "streets": "S1"}
    path = f"/plans/{plan}/sessions/new"
    resp = auth.post(path, form)
    assert resp.status_code == 422
    assert "outside half-year 2 of 2026" in resp.get_data(as_text=True)
    resp = auth.post(path, {**form, "half": "1", "capacity": "-5"})
    assert resp.status_code == 422 and "below zero" in resp.get_data(as_text=True)
    resp = auth.post(path, {**form, "half": "1", "streets": [],
                            "communities": "S2-C1"})
    assert "another street" in resp.get_data(as_text=True)
    assert _count(app) == 0
    resp = auth.post(path, {**form, "half": "1", "streets": [],
                            "grids": ["S1-C1-G1", "S1-C1-G2"]})
    assert resp.status_code == 302
    with app.app_context():
        s = db.session.scalar(sa.select(TrainingSession))
        assert s.starts_at == datetime(2026, 4, 8, 9, tzinfo=LOCAL)
        assert sorted(a.unit.code for a in s.audience) == ["S1-C1-G1", "S1-C1-G2"]


def test_overlapping_lecturer_and_place_are_flagged_not_refused(app, client, api, auth, plan):
    first = _post(client, api, plan, lecturer="trainer").get_json()["id"]
    clash = _post(client, api, plan, lecturer="trainer", place="另一会议室",
                  starts_at="2026-04-08T10:00:00+08:00", ends_at="2026-04-08T12:00:00+08:00")
    assert clash.status_code == 201
    assert [(c["reason"], c["id"]) for c in clash.get_json()["conflicts"]] == [
        ("lecturer", first)]
    room = _post(client, api, plan, lecturer=None, place=" S1街道 消防站 ",
                 starts_at="2026-04-08T11:00:00+08:00", ends_at="2026-04-08T12:00:00+08:00")
    assert [c["reason"] for c in room.get_json()["conflicts"]] == ["place"]
    later = _post(client, api, plan, starts_at="2026-04-08T11:30:00+08:00",
                  ends_at="2026-04-08T13:00:00+08:00", place="别处", lecturer=None)
    assert later.get_json()["conflicts"] == []
    client.set_cookie("lang", "en")
    auth.login("organiser")
    assert "Same lecturer" in client.get(f"/plans/{plan}").get_data(as_text=True)
    assert "Same place" in client.get(
        f"/sessions/{room.get_json()['id']}").get_data(as_text=True)


def test_conflict_in_another_street_shows_only_its_times(app, client, api, make_user, plan):
    other = factories.make_plan(app, street="S2")
    factories.make_session(app, other, datetime(2026, 4, 8, 9, tzinfo=LOCAL), title="S2机密",
                           audience={"street": "S2"})
    make_user("org_s1", role="organiser", unit="S1")
    resp = _post(client, api, plan, who="org_s1", lecturer="trainer")
    (conflict,) = resp.get_json()["conflicts"]
    assert conflict["reason"] == "lecturer" and conflict["id"] is None
    assert conflict["title"] is None and "S2机密" not in resp.get_data(as_text=True)


def test_worker_and_admin_cannot_schedule(client, api, plan):
    assert _post(client, api, plan, who="worker").status_code == 403
    assert _post(client, api, plan, who="admin").status_code == 403


def test_street_trainer_cannot_schedule_in_another_street(app, client, api, make_user, plan):
    make_user("t2", role="trainer", unit="S2")
    assert _post(client, api, plan, who="t2").status_code == 404


def test_session_list_is_mine_for_workers_and_scope_for_others(app, client, api, make_user,
                                                                plan):
    for_g1 = factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL),
                                    audience={"grids": ["S1-C1-G1"]})
    for_g2 = factories.make_session(app, plan, datetime(2026, 4, 9, 9, tzinfo=LOCAL),
                                    audience={"grids": ["S1-C1-G2"]})
    named = factories.make_session(app, plan, datetime(2026, 5, 9, 9, tzinfo=LOCAL),
                                   audience={"users": ["worker"]})
    s2 = factories.make_session(app, factories.make_plan(app, street="S2"),
                                datetime(2026, 4, 8, 14, tzinfo=LOCAL), audience={"street": "S2"})
    ids = lambda who, q="": [s["id"] for s in client.get(  # noqa: E731
        f"/api/v1/sessions{q}", headers=api(who)).get_json()]
    assert ids("worker") == [for_g1, named]
    assert ids("organiser") == [for_g1, s2, for_g2, named]
    assert ids("worker", "?from=2026-05-01&to=2026-06-01") == [named]
    make_user("org_s2", role="organiser", unit="S2")
    assert ids("org_s2") == [s2]
    first = client.get("/api/v1/sessions", headers=api("worker")).get_json()[0]
    assert first["audience"] == {"grids": ["S1-C1-G1"]} and first["attendance"] is None
    assert first["starts_at"] == "2026-04-08T01:00:00+00:00"
    bad = client.get("/api/v1/sessions?from=yesterday", headers=api("worker"))
    assert bad.status_code == 422


def test_session_page_is_for_audience_and_staff_in_scope(app, client, auth, make_user, plan):
    sid = factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL),
                                 audience={"grids": ["S1-C1-G2"]})
    auth.login("worker")  # in S1-C1-G1: not in this audience
    assert client.get(f"/sessions/{sid}").status_code == 404
    auth.logout()
    make_user("org_s2", role="organiser", unit="S2")
    auth.login("org_s2")
    assert client.get(f"/sessions/{sid}").status_code == 404
    assert client.get(f"/sessions/{sid}/rollcall").status_code == 404
    auth.logout()
    auth.login("trainer")
    assert "入户走访沟通技巧" in client.get(f"/sessions/{sid}").get_data(as_text=True)


def test_session_edit_keeps_checks(app, client, auth, plan):
    sid = factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL))
    auth.login("trainer")  # the lecturer may change it
    page = client.get(f"/sessions/{sid}/edit").get_data(as_text=True)
    assert 'value="2026-04-08T09:00"' in page
    form = {"title": "改名", "kind": "drill", "half": "1", "starts_at": "2026-04-08T09:00",
            "ends_at": "2026-04-08T08:00", "place": "会议室", "department": "fire",
            "lecturer": "trainer", "hours": "3", "streets": "S1"}
    assert auth.post(f"/sessions/{sid}/edit", form).status_code == 422
    assert auth.post(f"/sessions/{sid}/edit", {**form, "ends_at": "2026-04-08T12:00"}
                     ).status_code == 302
    with app.app_context():
        s = db.session.get(TrainingSession, sid)
        assert (s.title, s.kind, s.hours) == ("改名", "drill", 3.0)


def test_changing_hours_recredits_attendees(app, fresh, client, auth, plan):
    from trainer.plans.models import Attendance

    sid = factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL), hours=2)
    with app.app_context():
        db.session.add(Attendance(session_id=sid, user_id=factories.user("worker").id,
                                  status="present", method="manual", hours_credited=2))
        db.session.commit()
    auth.login("organiser")
    form = {"title": "课", "kind": "lecture", "half": "1", "starts_at": "2026-04-08T09:00",
            "ends_at": "2026-04-08T12:00", "place": "会议室", "department": "fire",
            "lecturer": "", "hours": "3", "streets": "S1"}
    assert auth.post(f"/sessions/{sid}/edit", form).status_code == 302
    assert fresh.scalar(sa.select(Attendance.hours_credited)) == 3


def test_session_with_attendance_cannot_be_deleted(app, fresh, client, auth, plan):
    from trainer.plans.models import Attendance

    kept = factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL))
    gone = factories.make_session(app, plan, datetime(2026, 4, 9, 9, tzinfo=LOCAL))
    with app.app_context():
        db.session.add(Attendance(session_id=kept, user_id=factories.user("worker").id,
                                  status="absent", method="manual"))
        db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("organiser")
    resp = auth.post(f"/sessions/{kept}/delete", {"confirm": "y"}, page=f"/sessions/{kept}",
                     follow_redirects=True)
    assert "cannot be deleted" in resp.get_data(as_text=True)
    unconfirmed = auth.post(f"/sessions/{gone}/delete", page=f"/sessions/{gone}",
                            follow_redirects=True)  # no confirmation: nothing happens
    assert "Tick the box to confirm deleting" in unconfirmed.get_data(as_text=True)
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(TrainingSession.id))) == sorted([kept, gone])
    assert auth.post(f"/sessions/{gone}/delete", {"confirm": "y"},
                     page=f"/sessions/{gone}").headers[
        "Location"] == f"/plans/{plan}"
    assert fresh.scalars(sa.select(TrainingSession.id)) == [kept]


def test_capacity_cannot_drop_below_the_people_present(app, fresh, client, auth, make_user, plan):
    make_user("w2", role="worker", unit="S1-C1-G2")
    from trainer.plans.models import Attendance

    sid = factories.make_session(app, plan, datetime(2026, 4, 8, 9, tzinfo=LOCAL), capacity=5)
    with app.app_context():
        for name in ("worker", "w2"):
            db.session.add(Attendance(session_id=sid, user_id=factories.user(name).id,
                                      status="present", method="manual", hours_credited=2))
        db.session.commit()
    client.set_cookie("lang", "en")
    auth.login("organiser")
    form = {"title": "课", "kind": "lecture", "half": "1", "starts_at": "2026-04-08T09:00",
            "ends_at": "2026-04-08T11:00", "place": "会议室", "department": "fire",
            "lecturer": "", "hours": "2", "streets": "S1"}
    resp = auth.post(f"/sessions/{sid}/edit", {**form, "capacity": "1"})
    assert resp.status_code == 422 and "cannot be lower" in resp.get_data(as_text=True)
    resp = auth.post(f"/sessions/{sid}/edit", {**form, "capacity": "0"})
    assert resp.status_code == 422 and "no limit" in resp.get_data(as_text=True)
    assert auth.post(f"/sessions/{sid}/edit", {**form, "capacity": "2"}).status_code == 302
    assert fresh.get(TrainingSession, sid).capacity == 2


def test_same_outside_expert_typed_by_name_is_flagged(app, client, api, plan):
    first = _post(client, api, plan, lecturer=None, lecturer_name="区民政局 陈科长").get_json()
    assert first["conflicts"] == []
    typed = _post(client, api, plan, lecturer=None, lecturer_name="  区民政局　　陈科长 ",
                  place="另一会议室", starts_at="2026-04-08T10:00:00+08:00",
                  ends_at="2026-04-08T12:00:00+08:00")
    assert [(c["reason"], c["id"]) for c in typed.get_json()["conflicts"]] == [
        ("lecturer", first["id"])]
    latin = _post(client, api, plan, lecturer=None, lecturer_name="Dr. Wang",
                  place="三号楼", starts_at="2026-05-08T09:00:00+08:00",
                  ends_at="2026-05-08T11:00:00+08:00").get_json()
    wide = _post(client, api, plan, lecturer=None, lecturer_name="ＤＲ．　ＷＡＮＧ",
                 place="四号楼", starts_at="2026-05-08T10:00:00+08:00",
                 ends_at="2026-05-08T11:00:00+08:00")
    assert [(c["reason"], c["id"]) for c in wide.get_json()["conflicts"]] == [
        ("lecturer", latin["id"])]
    other = _post(client, api, plan, lecturer=None, lecturer_name="区民政局 李科长",
                  place="五号楼", starts_at="2026-04-08T10:00:00+08:00",
                  ends_at="2026-04-08T12:00:00+08:00")
    assert other.get_json()["conflicts"] == []


def test_places_compare_across_full_width_letters(app, client, api, plan):
    _post(client, api, plan, lecturer=None, place="Room A")
    wide = _post(client, api, plan, lecturer=None, place="ＲＯＯＭ　ａ",
                 starts_at="2026-04-08T10:00:00+08:00", ends_at="2026-04-08T12:00:00+08:00")
    assert [c["reason"] for c in wide.get_json()["conflicts"]] == ["place"]
