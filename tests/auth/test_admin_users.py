"""Admin user management through the pages: create, change role and scope, reset, deactivate."""

import sqlalchemy as sa

from tests.conftest import PASSWORD, AuthActions, app_ctx, bearer
from trainer.auth.models import User
from trainer.extensions import db


def _user(app, username):
    with app_ctx(app):
        return db.session.scalar(sa.select(User).where(User.username == username))


def test_admin_creates_a_worker_who_can_log_in(app, client, auth, users):
    auth.login("admin")
    resp = auth.post("/admin/users/new", {"username": "zhang3", "name": "张三",
                                          "phone": "13800000001", "role": "worker",
                                          "unit": "S1-C1-G2", "department": "",
                                          "password": "Grid-walker-2026"})
    assert resp.status_code == 302
    created = _user(app, "zhang3")
    assert created.role == "worker" and created.unit.code == "S1-C1-G2"
    assert AuthActions(app.test_client()).login("zhang3", "Grid-walker-2026").status_code == 302


def test_bad_new_user_is_a_chinese_form_error_and_nothing_is_created(app, fresh, client, auth,
                                                                     users):
    auth.login("admin")
    for data, words in [({"unit": "S1"}, "网格"), ({"unit": "NOPE"}, "单位"),
                        ({"password": "password123"}, "常见"), ({"username": "WORKER"}, "已")]:
        body = {"username": "li4", "name": "李四", "role": "worker", "unit": "S1-C1-G1",
                "department": "", "password": "Grid-walker-2026", **data}
        resp = auth.post("/admin/users/new", body)
        assert resp.status_code == 422, data
        assert words in resp.get_data(as_text=True), data
    assert fresh.scalar(sa.select(sa.func.count()).select_from(User)) == 4


def test_role_and_scope_change_ends_every_session_and_token(app, client, auth, users):
    other = app.test_client()
    AuthActions(other).login("worker")
    token = AuthActions(app.test_client()).token("worker")
    auth.login("admin")
    resp = auth.post(f"/admin/users/{users['worker']}", {"role": "trainer", "unit": "S2",
                                                         "department": "fire"})
    assert resp.status_code == 302
    changed = _user(app, "worker")
    assert changed.role == "trainer" and changed.unit.code == "S2"
    assert changed.department.code == "fire"
    assert other.get("/").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_admin_resets_a_password_and_the_old_one_stops_working(app, client, auth, users):
    other = app.test_client()
    AuthActions(other).login("worker")
    auth.login("admin")
    resp = auth.post(f"/admin/users/{users['worker']}/password",
                     {"password": "Fresh-start-2026"}, page=f"/admin/users/{users['worker']}")
    assert resp.status_code == 302
    assert other.get("/").status_code == 302
    fresh = AuthActions(app.test_client())
    assert fresh.login("worker", PASSWORD).status_code == 401
    assert fresh.login("worker", "Fresh-start-2026").status_code == 302


def test_admin_deactivates_and_enables_an_account_but_not_their_own(app, client, auth, users):
    auth.login("admin")
    page = f"/admin/users/{users['worker']}"
    resp = auth.post(f"/admin/users/{users['worker']}/active", page=page,
                     follow_redirects=True)  # no confirmation: nothing happens
    assert "请勾选确认框后再停用" in resp.get_data(as_text=True)
    assert _user(app, "worker").active is True
    assert "我确认：停用该账号" in client.get(page).get_data(as_text=True)
    auth.post(f"/admin/users/{users['worker']}/active", {"confirm": "y"}, page=page)
    assert _user(app, "worker").active is False
    assert AuthActions(app.test_client()).login("worker").status_code == 403  # 账号已停用
    auth.post(f"/admin/users/{users['worker']}/active", page=page)
    assert _user(app, "worker").active is True
    resp = auth.post(f"/admin/users/{users['admin']}/active",
                     page=f"/admin/users/{users['admin']}", follow_redirects=True)
    assert "不能停用" in resp.get_data(as_text=True)
    assert _user(app, "admin").active is True


def test_user_list_searches_by_name(client, auth, users):
    auth.login("admin")
    html = client.get("/admin/users?q=organiser").get_data(as_text=True)
    assert "organiser" in html and ">worker<" not in html


def test_refused_role_change_is_a_form_error_and_ends_no_session(app, client, auth, users):
    other = app.test_client()
    AuthActions(other).login("worker")
    auth.login("admin")
    resp = auth.post(f"/admin/users/{users['worker']}", {"role": "worker", "unit": "S1",
                                                         "department": ""})
    assert resp.status_code == 422 and "网格" in resp.get_data(as_text=True)
    unchanged = _user(app, "worker")
    assert unchanged.role == "worker" and unchanged.unit.code != "S1"
    assert other.get("/").status_code == 200  # a refused change ends no session


def test_too_short_reset_password_flashes_on_the_user_page_and_changes_nothing(app, client,
                                                                               auth, users):
    auth.login("admin")
    page = f"/admin/users/{users['worker']}"
    resp = auth.post(f"{page}/password", {"password": "short"}, page=page)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(page)
    assert "至少" in client.get(page).get_data(as_text=True)
    assert AuthActions(app.test_client()).login("worker").status_code == 302
