import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, AuthActions, bearer, csrf_from
from trainer.auth.models import ThrottleEvent, User
from trainer.extensions import db
from trainer.models import utcnow


def test_login_page_is_chinese_form_with_csrf(client):
    html = client.get("/login").get_data(as_text=True)
    assert "登录" in html
    assert 'name="username"' in html and 'name="password"' in html
    assert 'name="csrf_token"' in html


def test_login_success_redirects_home(client, auth, users):
    resp = auth.login("worker")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    assert "王" in client.get("/").get_data(as_text=True) or client.get("/").status_code == 200


def test_unknown_user_and_wrong_password_get_same_answer(client, auth, users):
    wrong = auth.login("worker", "Wrong-pass-2026")
    unknown = auth.login("nobody", "Wrong-pass-2026")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    assert "用户名或密码错误" in unknown.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, users):
    resp = client.post("/login", data={"username": "worker", "password": PASSWORD})
    assert resp.status_code == 400
    assert client.get("/").status_code == 302  # still logged out


def test_account_locked_after_five_failures_even_with_right_password(client, auth, users):
    for _ in range(5):
        assert auth.login("worker", "Wrong-pass-2026").status_code == 401
    resp = auth.login("worker", PASSWORD)
    assert resp.status_code == 429
    assert "15" in resp.get_data(as_text=True)


def test_lock_lifts_when_window_passes(app, client, auth, users):
    for _ in range(5):
        auth.login("worker", "Wrong-pass-2026")
    with app.app_context():
        past = utcnow() - app.config["THROTTLE_WINDOW"]
        db.session.execute(sa.update(ThrottleEvent).values(at=past))
        db.session.commit()
    assert auth.login("worker", PASSWORD).status_code == 302


def test_address_throttled_after_fifty_failures(app, client, auth, users):
    with app.app_context():
        db.session.add_all(ThrottleEvent(key="address:127.0.0.1") for _ in range(50))
        db.session.commit()
    assert auth.login("worker", PASSWORD).status_code == 429


@pytest.mark.parametrize("target, expected", [
    ("/admin/users", "/admin/users"), ("//evil.example/", "/"),
    ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"),
])
def test_next_parameter_only_redirects_inside_site(client, users, target, expected):
    page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    resp = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                       "next": target, "csrf_token": csrf_from(page)})
    assert resp.headers["Location"] == expected


def test_logout_ends_every_session_and_token(app, auth, users):
    other = app.test_client()
    AuthActions(other).login("worker")
    token = auth.token("worker")
    auth.login("worker")
    assert other.get("/").status_code == 200
    auth.logout()
    assert other.get("/").status_code == 302
    assert auth.client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_password_change_ends_other_sessions_keeps_this_one(app, client, auth, users):
    other = app.test_client()
    AuthActions(other).login("worker")
    auth.login("worker")
    resp = auth.post("/account/password", {"current_password": PASSWORD,
                                           "new_password": "Brand-new-pass-77",
                                           "confirm": "Brand-new-pass-77"})
    assert resp.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_password_change_refuses_common_password(client, auth, users):
    auth.login("worker")
    resp = auth.post("/account/password", {"current_password": PASSWORD,
                                           "new_password": "password123",
                                           "confirm": "password123"})
    assert resp.status_code == 422
    assert "常见" in resp.get_data(as_text=True)


def test_outdated_hash_upgraded_at_login(app, fresh, auth, users):
    from werkzeug.security import generate_password_hash

    with app.app_context():
        user = db.session.get(User, users["worker"])
        user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
        db.session.commit()
    assert auth.login("worker").status_code == 302
    assert fresh.get(User, users["worker"]).password_hash.startswith("$argon2id$")


def test_session_ends_after_absolute_lifetime(app, client, auth, users):
    auth.login("worker")
    with client.session_transaction() as sess:
        sess["login_at"] = time.time() - 13 * 3600
    assert client.get("/").status_code == 302


def test_deactivation_ends_sessions(app, client, auth, users):
    from trainer.auth import services

    auth.login("worker")
    with app.app_context():
        services.set_active(db.session.get(User, users["worker"]), False)
        db.session.commit()
    assert client.get("/").status_code == 302
    refused = auth.login("worker")  # the right password: told why
    assert refused.status_code == 403 and "账号已停用" in refused.get_data(as_text=True)


def test_security_events_logged_without_secrets(caplog, auth, users):
    caplog.set_level("INFO", logger="trainer.security")
    auth.login("worker", "Wrong-pass-2026")
    auth.login("worker")
    text = caplog.text
    assert "event=login_failure user=worker" in text
    assert "event=login_success user=worker" in text
    assert "request_id=" in text and "address=" in text
    assert "Wrong-pass-2026" not in text and PASSWORD not in text


def twelve_wrong_passwords_at_once(app) -> list[int]:
    """Statuses of twelve wrong-password token requests released at the same moment."""
    barrier = threading.Barrier(12)
    statuses = []

    def attempt():
        client = app.test_client()
        barrier.wait()
        resp = client.post("/api/v1/tokens",
                           json={"username": "worker", "password": "Wrong-pass-2026"})
        statuses.append(resp.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_simultaneous_wrong_passwords_lock_the_account_after_exactly_five(app, fresh, users):
    """Counting and adding are one step: twelve tries at once cannot all see "0 so far"."""
    assert twelve_wrong_passwords_at_once(app) == [401] * 5 + [429] * 7
    assert fresh.scalar(sa.select(sa.func.count()).select_from(ThrottleEvent)
                             .where(ThrottleEvent.key == "account:worker")) == 5


def test_refused_tries_do_not_extend_the_lockout(app, fresh, client, users):
    for _ in range(5):
        client.post("/api/v1/tokens", json={"username": "worker", "password": "Wrong-pass-2026"})
    for _ in range(3):
        resp = client.post("/api/v1/tokens", json={"username": "worker", "password": PASSWORD})
        assert resp.status_code == 429
    keys = fresh.scalars(sa.select(ThrottleEvent.key))
    assert keys.count("account:worker") == 5 and keys.count("address:127.0.0.1") == 5
