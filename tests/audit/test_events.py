"""Every listed action stores an audit event (issue 20 item 3), refusals even when the
request is rolled back, with the actor, the object and the scope organisers read by."""

import io

import sqlalchemy as sa

from tests.conftest import PASSWORD, app_ctx, bearer
from trainer.audit.models import AuditEvent
from trainer.auth.models import User
from trainer.extensions import db


def events(fresh, action=None) -> list[AuditEvent]:
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return fresh.scalars(stmt)


def one(fresh, action) -> AuditEvent:
    found = events(fresh, action)
    assert len(found) == 1, [(e.action, e.object_label) for e in events(fresh)]
    return found[0]


def test_login_success_and_logout_are_stored_with_address_and_request_id(fresh, client, auth,
                                                                          users, org):
    resp = auth.login("worker")
    assert resp.status_code == 302
    event = one(fresh, "login_success")
    assert event.actor_id == users["worker"] and event.actor_username == "worker"
    assert event.ip == "127.0.0.1" and len(event.request_id) >= 8
    assert event.street_id == org.ids["S1"] and event.district_id == org.ids["D"]
    auth.logout()
    assert one(fresh, "logout").actor_id == users["worker"]


def test_a_failed_login_is_stored_and_names_the_account_it_tried(fresh, client, auth, users,
                                                                  org):
    assert auth.login("worker", "wrong-password-1").status_code == 401
    event = one(fresh, "login_failure")
    # the request committed its throttle count; the event came in a transaction of its own
    assert event.actor_id == users["worker"] and event.street_id == org.ids["S1"]
    assert auth.login("nobody", "wrong-password-1").status_code == 401
    unknown = events(fresh, "login_failure")[-1]
    assert unknown.actor_id is None and unknown.actor_username == "nobody"
    assert unknown.district_id is None  # no account: admins only


def test_throttled_logins_are_stored(app, fresh, client, auth, users):
    for _ in range(app.config["THROTTLE_ACCOUNT_LIMIT"] + 1):
        auth.login("worker", "wrong-password-1")
    assert len(events(fresh, "login_throttled")) == 1
    assert len(events(fresh, "login_failure")) == app.config["THROTTLE_ACCOUNT_LIMIT"]


def test_api_login_failure_and_success(fresh, client, auth, users):
    resp = client.post("/api/v1/tokens", json={"username": "worker", "password": "nope-nope-1"})
    assert resp.status_code == 401
    assert one(fresh, "login_failure").details == {"channel": "api"}
    auth.token("worker")
    assert one(fresh, "login_success").actor_id == users["worker"]


def test_refused_pages_are_stored_although_the_request_rolled_back(fresh, client, auth, users):
    auth.login("worker")
    assert client.get("/admin/users").status_code == 403
    event = one(fresh, "authorization_failure")
    assert event.actor_id == users["worker"] and event.object_label == "/admin/users"
    assert event.object_type == "path"


def test_a_csrf_failure_is_stored(fresh, client, auth, users):
    auth.login("worker")
    assert client.post("/account/password", data={"csrf_token": "forged"}).status_code == 400
    assert one(fresh, "csrf_failure").object_label == "/account/password"


def test_account_changes_are_stored_with_the_account_and_its_scope(app, fresh, client, auth,
                                                                  users, org):
    auth.login("admin")
    worker = users["worker"]
    resp = auth.post(f"/admin/users/{worker}", {"role": "organiser", "unit": "S2",
                                               "department": ""})
    assert resp.status_code == 302
    change = one(fresh, "role_change")
    assert change.subject_id == worker and change.object_type == "user"
    assert change.object_label == "worker用户（worker）"
    assert change.details["before"] == {"role": "worker", "unit": "S1-C1-G1",
                                        "department": None}
    assert change.details["role"] == "organiser" and change.details["unit"] == "S2"
    assert change.street_id == org.ids["S2"]  # the account's scope after the change
    page = f"/admin/users/{worker}"
    assert auth.post(f"{page}/active", {"confirm": "y"}, page=page).status_code == 302
    assert one(fresh, "user_deactivated").subject_id == worker
    assert auth.post(f"{page}/password", {"password": "Another-pass-2026"},
                     page=page).status_code == 302
    assert one(fresh, "password_reset").actor_id == users["admin"]
    resp = auth.post("/admin/users/new", {"username": "zhang3", "name": "张三",
                                          "role": "worker", "unit": "S1-C1-G2",
                                          "department": "", "password": "Grid-walker-2026"})
    assert resp.status_code == 302
    assert one(fresh, "user_created").object_label == "张三（zhang3）"


def test_a_people_import_is_stored(fresh, client, auth, users):
    auth.login("admin")
    body = ("姓名,用户名,手机,角色,所属单位编码,部门编码\n"
            "张三,zhangsan,13800000001,网格员,S1-C1-G1,\n").encode("utf-8-sig")
    resp = auth.post("/admin/org/people/import",
                     {"file": (io.BytesIO(body), "people.csv")},
                     content_type="multipart/form-data")
    assert resp.status_code == 302  # to the job's page: the job ran (immediate in tests)
    started = one(fresh, "people_import_started")
    done = one(fresh, "people_imported")
    assert done.details == {"count": 1, "file": "people.csv", "job": started.details["job"]}
    assert done.actor_id == users["admin"] and done.object_type == "job"


def test_unit_changes_are_stored(fresh, client, auth, users, org):
    auth.login("admin")
    unit = org.ids["S1-C1"]
    assert auth.post(f"/admin/org/units/{unit}", {"name": "新社区"}).status_code == 302
    renamed = one(fresh, "unit_renamed")
    assert renamed.details == {"before": "S1社区", "after": "新社区"}
    assert renamed.street_id == org.ids["S1"]
    assert auth.post(f"/admin/org/units/{unit}/active", {},
                     page=f"/admin/org/units/{unit}").status_code == 302
    assert one(fresh, "unit_deactivated").object_id == unit


def test_a_failed_change_leaves_no_event(fresh, client, auth, users):
    """An event about a change is written with the change: refused, neither is stored."""
    auth.login("admin")
    resp = auth.post(f"/admin/users/{users['worker']}", {"role": "worker", "unit": "NOPE",
                                                        "department": ""})
    assert resp.status_code == 422
    assert events(fresh, "role_change") == []


def test_course_edits_and_publishing_are_stored(fresh, client, auth, users, org):
    auth.login("trainer")
    auth.post("/author/courses/new", {
        "slug": "fire-basics", "title": "治安基础", "department": "public-security",
        "lecturer": "社区民警", "summary": "简介", "hours": "1.5",
        "competencies": ["information"]})
    page = "/author/courses/fire-basics/lessons/new"
    assert auth.post(page, {"body": "# 入户走访\n\n正文", "save": "1"}).status_code == 302
    assert auth.post("/author/courses/fire-basics/status",
                     page="/author/courses/fire-basics").status_code == 302
    created = one(fresh, "course_created")
    assert created.object_label == "治安基础" and created.district_id == org.ids["D"]
    assert one(fresh, "course_edited").details["change"] == "lesson added"
    assert one(fresh, "course_published").actor_id == users["trainer"]


def test_question_saves_are_stored(fresh, client, auth, users):
    auth.login("trainer")
    resp = auth.post("/bank/new", {"type": "single", "stem": "谁负责治安？", "option_a": "公安",
                                   "option_b": "民政", "answer": "A", "difficulty": "4",
                                   "points": "2", "bank": "街道自编"})
    assert resp.status_code == 302
    event = one(fresh, "question_created")
    assert event.object_label == "谁负责治安？" and event.object_type == "question"
    assert auth.post(f"/bank/{event.object_id}/status", {"confirm": "y"},
                     page=f"/bank/{event.object_id}").status_code == 302
    assert one(fresh, "question_retired").object_id == event.object_id


def test_scrub_user_keeps_the_event_but_not_the_person(app, fresh, client, auth, users):
    from trainer.audit.events import scrub_user

    auth.login("admin")
    worker = users["worker"]
    page = f"/admin/users/{worker}"
    auth.post(f"{page}/second-factor", {"reason": "worker用户 丢了手机", "confirm": "y"},
              page=page)
    auth.logout()
    auth.login("worker")
    with app_ctx(app):
        assert scrub_user(worker, "已删除用户#1") >= 2
        db.session.commit()
    by_worker = [e for e in events(fresh) if e.actor_id == worker]
    assert by_worker and all(e.actor_name == "已删除用户#1" and e.ip == "" for e in by_worker)
    about = [e for e in events(fresh) if e.subject_id == worker]
    assert about and all(e.object_label == "已删除用户#1" for e in about)
    everything = repr([(e.actor_name, e.actor_username, e.object_label, e.details)
                       for e in events(fresh) if worker in (e.actor_id, e.subject_id)])
    assert "worker" not in everything and "丢了手机" not in everything
    admin_events = [e for e in events(fresh) if e.actor_id == users["admin"]]
    assert admin_events[0].actor_username == "admin"  # others untouched


def test_cli_events_go_with_the_command(app, users):
    from trainer.audit import events as audit

    with app_ctx(app):
        user = db.session.get(User, users["worker"])
        audit.record("user_deactivated", actor=None, subject=user)
        db.session.rollback()  # a command that fails stores nothing
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0
        audit.record("user_deactivated", actor=None, subject=user)
        db.session.commit()
        event = db.session.scalar(sa.select(AuditEvent))
        assert event.request_id == "" and event.subject_id == user.id


def test_token_use_is_stored(fresh, client, auth, users):
    token = auth.token("worker")
    assert client.delete("/api/v1/tokens", headers=bearer(token)).status_code == 204
    assert one(fresh, "token_revoked").actor_id == users["worker"]
    assert PASSWORD
