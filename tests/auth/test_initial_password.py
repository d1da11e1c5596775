"""Initial passwords (people import, an admin's new account or reset) are changed first,
on the web and in the API; a deactivated account with the right password is told so."""

import io

import sqlalchemy as sa

from tests.conftest import PASSWORD, AuthActions, bearer
from trainer.auth.models import ApiToken, User

NEW = "Own-choice-2026"


def _flag(fresh, users, role="worker", value=True):
    fresh.update(User, users[role], password_change_required=value)


def _reset_by_admin(app, users, password="Fresh-start-2026"):
    admin = AuthActions(app.test_client())
    admin.login("admin")
    page = f"/admin/users/{users['worker']}"
    resp = admin.post(f"{page}/password", {"password": password}, page=page)
    assert resp.status_code == 302
    return password


def test_admin_reset_sets_the_flag_and_every_page_leads_to_the_change_form(app, fresh, client,
                                                                          auth, users):
    initial = _reset_by_admin(app, users)
    assert fresh.get(User, users["worker"]).password_change_required is True
    resp = auth.login("worker", initial)
    assert resp.status_code == 302
    for path in ("/", "/me/record", "/account/second-factor"):
        resp = client.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].endswith(
            "/account/password"), path
    page = client.get("/account/password").get_data(as_text=True)
    assert "您的密码由管理员设定" in page
    # the same password again is refused: a new one must be chosen
    resp = auth.post("/account/password", {"current_password": initial,
                                           "new_password": initial, "confirm": initial})
    assert resp.status_code == 422 and "不能与当前密码相同" in resp.get_data(as_text=True)
    resp = auth.post("/account/password", {"current_password": initial,
                                           "new_password": NEW, "confirm": NEW})
    assert resp.status_code == 302
    assert fresh.get(User, users["worker"]).password_change_required is False
    assert client.get("/").status_code == 200


def test_users_made_by_the_admin_form_and_by_import_must_change_but_not_cli_ones(
        app, fresh, auth, users, runner):
    assert fresh.get(User, users["worker"]).password_change_required is False  # the factory
    auth.login("admin")
    resp = auth.post("/admin/users/new", {"username": "zhang3", "name": "张三", "phone": "",
                                          "role": "worker", "unit": "S1-C1-G2",
                                          "department": "", "password": "Grid-walker-2026"})
    assert resp.status_code == 302
    body = "姓名,用户名,手机,角色,所属单位编码,部门编码\n李四,lisi,,网格员,S1-C1-G1,\n"
    resp = auth.post("/admin/org/people/import",
                     {"file": (io.BytesIO(body.encode("utf-8-sig")), "people.csv")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert resp.status_code == 200  # the import job's page (run at once in the tests)
    result = runner.invoke(args=["users", "create", "wang5", "--role", "worker", "--grid",
                                 "S1-C1-G1", "--password", "Grid-walker-2026"])
    assert result.exit_code == 0, result.output
    flags = dict(fresh.all(sa.select(User.username, User.password_change_required)))
    assert flags["zhang3"] is True and flags["lisi"] is True and flags["wang5"] is False


def test_api_refuses_a_token_until_the_password_is_changed_without_one(app, fresh, client,
                                                                       users):
    initial = _reset_by_admin(app, users)
    resp = client.post("/api/v1/tokens", json={"username": "worker", "password": initial})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "password_change_required"
    # a wrong password still says only "wrong" (nothing about the account's state)
    resp = client.post("/api/v1/tokens", json={"username": "worker", "password": "Nope-2026x"})
    assert resp.status_code == 401
    resp = client.post("/api/v1/me/password", json={"username": "worker", "current": initial,
                                                    "new": initial})
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == "new"
    resp = client.post("/api/v1/me/password", json={"username": "worker", "current": "bad-1x",
                                                    "new": NEW})
    assert resp.status_code == 401
    resp = client.post("/api/v1/me/password", json={"username": "worker", "current": initial,
                                                    "new": NEW})
    assert resp.status_code == 200 and resp.get_json() == {"status": "changed"}
    assert fresh.get(User, users["worker"]).password_change_required is False
    assert client.post("/api/v1/tokens", json={"username": "worker",
                                               "password": NEW}).status_code == 201


def test_a_token_of_a_user_who_must_change_answers_403(app, fresh, client, auth, users):
    token = auth.token("worker")
    _flag(fresh, users)
    for method, path in (("GET", "/api/v1/me"), ("GET", "/api/v1/courses"),
                         ("POST", "/api/v1/me/password")):
        resp = client.open(path, method=method, headers=bearer(token),
                           json={"current": PASSWORD, "new": NEW})
        assert resp.status_code == 403, path
        assert resp.get_json()["error"]["code"] == "password_change_required"
    assert client.get("/api/v1/me", headers=bearer("forged")).status_code == 401
    _flag(fresh, users, value=False)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_change_with_a_token_ends_other_sessions_and_tokens_but_not_its_own(app, fresh, client,
                                                                           auth, users):
    browser = AuthActions(app.test_client())
    browser.login("worker")
    other_token, mine = auth.token("worker"), auth.token("worker")
    resp = client.post("/api/v1/me/password", headers=bearer(mine),
                       json={"current": "Wrong-pass-2026", "new": NEW})
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == "current"
    assert browser.client.get("/").status_code == 200  # a refused change ends nothing
    resp = client.post("/api/v1/me/password", headers=bearer(mine),
                       json={"current": PASSWORD, "new": NEW})
    assert resp.status_code == 200
    assert client.get("/api/v1/me", headers=bearer(mine)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(other_token)).status_code == 401
    assert browser.client.get("/").status_code == 302
    assert fresh.scalar(sa.select(sa.func.count()).select_from(ApiToken)
                        .where(ApiToken.revoked_at.is_(None))) == 1


def test_change_without_a_token_is_throttled_like_login(app, client, users):
    for _ in range(5):
        resp = client.post("/api/v1/me/password", json={"username": "worker",
                                                        "current": "Bad-pass-99", "new": NEW})
        assert resp.status_code == 401
    resp = client.post("/api/v1/me/password", json={"username": "worker", "current": PASSWORD,
                                                    "new": NEW})
    assert resp.status_code == 429
    # and the failures count for the login too
    resp = client.post("/api/v1/tokens", json={"username": "worker", "password": PASSWORD})
    assert resp.status_code == 429


def test_wrong_current_passwords_with_a_token_are_throttled(app, client, auth, users):
    token = auth.token("worker")
    for _ in range(5):
        resp = client.post("/api/v1/me/password", headers=bearer(token),
                           json={"current": "Bad-pass-99", "new": NEW})
        assert resp.status_code == 422
    resp = client.post("/api/v1/me/password", headers=bearer(token),
                       json={"current": PASSWORD, "new": NEW})
    assert resp.status_code == 429


def test_deactivated_account_is_told_only_with_the_right_password(app, fresh, client, auth,
                                                                  users):
    fresh.update(User, users["worker"], active=False)
    resp = auth.login("worker", "Wrong-pass-2026")
    assert resp.status_code == 401 and "账号已停用" not in resp.get_data(as_text=True)
    resp = auth.login("worker")
    assert resp.status_code == 403 and "账号已停用，请联系管理员" in resp.get_data(as_text=True)
    resp = client.post("/api/v1/tokens", json={"username": "worker", "password": "Wrong-2026x"})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "bad_credentials"
    resp = client.post("/api/v1/tokens", json={"username": "worker", "password": PASSWORD})
    assert resp.status_code == 403
    assert resp.get_json()["error"] == {"code": "account_disabled",
                                        "message": "账号已停用，请联系管理员。"}
