"""The second factor: TOTP enrolment and login, recovery codes, replay, throttling, forced
enrolment for the roles in REQUIRE_SECOND_FACTOR, the API's otp, and the admin's reset.

Codes are computed here with pyotp from the secret the enrolment page shows, at a clock
the test sets (``clock``), so a new 30-second step is a line of the test, not a wait.
"""

import re
from types import SimpleNamespace

import pyotp
import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, AuthActions, TestConfig, app_ctx, bearer
from trainer.auth import second_factor
from trainer.auth.models import RecoveryCode, SecondFactor, ThrottleEvent, User
from trainer.extensions import db


class RequiredConfig(TestConfig):
    REQUIRE_SECOND_FACTOR = ("admin", "organiser")


T0 = 1_800_000_000.0  # a fixed time; steps of 30 s from here


@pytest.fixture
def clock(monkeypatch):
    """The time the server checks codes at; ``clock.step()`` moves to the next step."""
    state = SimpleNamespace(now=T0)
    state.step = lambda n=1: setattr(state, "now", state.now + 30 * n)
    monkeypatch.setattr(second_factor, "time", SimpleNamespace(time=lambda: state.now))
    return state


def _user(app, username):
    with app_ctx(app):
        return db.session.scalar(sa.select(User).where(User.username == username))


def _factor(app, username):
    with app_ctx(app):
        user = db.session.scalar(sa.select(User).where(User.username == username))
        return db.session.get(SecondFactor, user.id)


def enrol(client, auth, clock) -> tuple[pyotp.TOTP, list[str]]:
    """Enrol the logged-in user as a person would: read the key, type the app's code."""
    page = client.get("/account/second-factor/enrol").get_data(as_text=True)
    key = re.search(r'class="secret-key"[^>]*><code>([A-Z2-7 ]+)</code>', page).group(1)
    totp = pyotp.TOTP(key.replace(" ", ""))
    resp = auth.post("/account/second-factor/enrol", {"code": totp.at(clock.now)})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>",
                       resp.get_data(as_text=True))
    assert len(codes) == 10
    return totp, codes


def enrolled(client, auth, clock, username="worker"):
    auth.login(username)
    totp, codes = enrol(client, auth, clock)
    auth.logout()
    clock.step()  # the enrolment used this step's code
    return totp, codes


def second_step(auth, code):
    return auth.post("/login/code", {"code": code}, page="/login")


# ----- enrolment


def test_enrolment_shows_a_qr_code_and_the_key_and_needs_a_first_code(app, client, auth, users,
                                                                      clock):
    auth.login("worker")
    page = client.get("/account/second-factor/enrol").get_data(as_text=True)
    assert "<svg" in page and "设置两步验证" in page
    assert "<script>" not in page  # CSP: no inline script
    assert _factor(app, "worker").confirmed_at is None  # pending until a code confirms it
    totp, codes = enrol(client, auth, clock)
    factor = _factor(app, "worker")
    assert factor.confirmed_at is not None
    secret = totp.secret
    assert secret not in factor.secret  # stored encrypted
    with app.app_context():
        assert second_factor.decrypt_secret(factor.secret) == secret
        hashes = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and not {c.replace("-", "") for c in codes} & set(hashes)
    # never shown again: the enrolment page now refuses, the status page shows no key
    resp = client.get("/account/second-factor/enrol")
    assert resp.status_code == 302
    status = client.get("/account/second-factor").get_data(as_text=True)
    assert secret[:8] not in status and "已开启" in status and "10" in status


def test_a_wrong_code_does_not_turn_it_on(app, client, auth, users, clock):
    auth.login("worker")
    page = client.get("/account/second-factor/enrol").get_data(as_text=True)
    key = re.search(r'class="secret-key"[^>]*><code>([A-Z2-7 ]+)</code>', page).group(1)
    right = pyotp.TOTP(key.replace(" ", "")).at(clock.now)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    resp = auth.post("/account/second-factor/enrol", {"code": wrong})
    assert resp.status_code == 422 and "验证码错误" in resp.get_data(as_text=True)
    assert _factor(app, "worker").confirmed_at is None
    # the key stays the same until confirmed, so the app set up before still works
    again = client.get("/account/second-factor/enrol").get_data(as_text=True)
    assert key in again


@pytest.mark.usefixtures("db_ctx")
def test_the_secret_does_not_decrypt_under_another_key_or_when_altered(app):
    stored = second_factor.encrypt_secret("JBSWY3DPEHPK3PXP")
    assert second_factor.decrypt_secret(stored) == "JBSWY3DPEHPK3PXP"
    assert stored != second_factor.encrypt_secret("JBSWY3DPEHPK3PXP")  # fresh nonce
    altered = stored[:10] + ("A" if stored[10] != "A" else "B") + stored[11:]
    with pytest.raises(ValueError):
        second_factor.decrypt_secret(altered)
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-99"
    with pytest.raises(ValueError):
        second_factor.decrypt_secret(stored)


# ----- login


def test_login_with_a_factor_asks_the_code_before_the_session_starts(app, client, auth, users,
                                                                     clock):
    totp, _codes = enrolled(client, auth, clock)
    resp = auth.login("worker")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login/code"
    assert client.get("/").status_code == 302  # not logged in yet
    page = client.get("/login/code").get_data(as_text=True)
    assert "两步验证" in page and 'autocomplete="one-time-code"' in page
    resp = second_step(auth, totp.at(clock.now))
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_next_page_survives_the_second_step(client, auth, users, clock):
    totp, _codes = enrolled(client, auth, clock)
    page = client.get("/login", query_string={"next": "/account/password"})
    from tests.conftest import csrf_from

    client.post("/login", data={"username": "worker", "password": PASSWORD,
                                "next": "/account/password",
                                "csrf_token": csrf_from(page.get_data(as_text=True))})
    resp = second_step(auth, totp.at(clock.now))
    assert resp.headers["Location"] == "/account/password"


def test_a_wrong_code_is_refused_and_a_code_is_never_accepted_twice(app, client, auth, users,
                                                                  clock):
    totp, _codes = enrolled(client, auth, clock)
    code = totp.at(clock.now)
    auth.login("worker")
    wrong = second_step(auth, f"{(int(code) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 401 and "验证码错误" in wrong.get_data(as_text=True)
    assert second_step(auth, code).status_code == 302
    auth.logout()
    auth.login("worker")
    assert second_step(auth, code).status_code == 401  # replayed within its window
    # nor the code of the step before (still within the drift window)
    assert second_step(auth, totp.at(clock.now - 30)).status_code == 401
    clock.step()
    assert second_step(auth, totp.at(clock.now)).status_code == 302


def test_a_code_of_the_neighbouring_step_is_accepted_for_clock_drift(client, auth, users,
                                                                     clock):
    totp, _codes = enrolled(client, auth, clock)
    clock.step(3)
    auth.login("worker")
    assert second_step(auth, totp.at(clock.now + 60)).status_code == 401  # two steps away
    assert second_step(auth, totp.at(clock.now - 30)).status_code == 302


def test_a_recovery_code_works_once(app, client, auth, users, clock, caplog):
    caplog.set_level("INFO", logger="trainer.security")
    _totp, codes = enrolled(client, auth, clock)
    auth.login("worker")
    resp = second_step(auth, codes[3].upper().replace("-", " "))  # typed loosely
    assert resp.status_code == 302
    assert "9" in client.get("/").get_data(as_text=True)  # the flash: nine are left
    assert "event=recovery_code_used" in caplog.text and codes[3] not in caplog.text
    auth.logout()
    auth.login("worker")
    assert second_step(auth, codes[3]).status_code == 401
    assert second_step(auth, codes[4]).status_code == 302


def test_the_second_step_needs_the_password_step_first(client, auth, users, clock):
    totp, _codes = enrolled(client, auth, clock)
    resp = second_step(auth, totp.at(clock.now))
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_five_wrong_codes_throttle_the_account(app, fresh, client, auth, users, clock):
    totp, _codes = enrolled(client, auth, clock)
    auth.login("worker")
    for _ in range(5):
        assert second_step(auth, "000000" if totp.at(clock.now) != "000000" else "111111"
                           ).status_code == 401
    resp = second_step(auth, totp.at(clock.now))
    assert resp.status_code == 429 and "15" in resp.get_data(as_text=True)
    assert auth.login("worker").status_code == 429  # the password step counts them too
    keys = fresh.scalars(sa.select(ThrottleEvent.key))
    assert keys.count("account:worker") == 5 and keys.count("address:127.0.0.1") == 5


def test_the_right_password_does_not_forgive_wrong_codes(client, auth, users, clock):
    totp, _codes = enrolled(client, auth, clock)
    wrong = "000000" if totp.at(clock.now) != "000000" else "111111"
    for _ in range(5):  # each time the right password again, then a wrong code
        assert auth.login("worker").status_code == 302
        assert second_step(auth, wrong).status_code == 401
    assert auth.login("worker").status_code == 429


# ----- forced enrolment


@pytest.mark.parametrize("config", [RequiredConfig])
def test_a_required_role_can_reach_nothing_but_enrolment(app, client, auth, users, clock):
    resp = auth.login("organiser")
    assert resp.headers["Location"] == "/account/second-factor/enrol"
    for path in ("/", "/admin/users", "/account/password", "/account/second-factor"):
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert resp.headers["Location"] == "/account/second-factor/enrol", path
    page = client.get("/account/second-factor/enrol").get_data(as_text=True)
    assert "必须使用两步验证" in page
    enrol(client, auth, clock)
    assert client.get("/").status_code == 200
    # the worker's role is not in the setting: offered, not forced
    other = AuthActions(app.test_client())
    assert other.login("worker").headers["Location"] == "/"
    assert other.client.get("/").status_code == 200


@pytest.mark.parametrize("config", [RequiredConfig])
def test_the_api_refuses_a_token_to_a_required_role_without_a_factor(app, fresh, client, auth,
                                                                     users):
    resp = client.post("/api/v1/tokens", json={"username": "admin", "password": PASSWORD})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "second_factor_required"
    # only after the right password: a wrong one is the usual 401
    resp = client.post("/api/v1/tokens", json={"username": "admin", "password": "Wrong-2026-x"})
    assert resp.status_code == 401
    assert auth.token("worker")
    keys = fresh.scalars(sa.select(ThrottleEvent.key))
    assert keys.count("account:admin") == 1


@pytest.mark.parametrize("config", [RequiredConfig])
def test_a_required_role_cannot_turn_it_off(app, client, auth, users, clock):
    auth.login("admin")
    totp, _codes = enrol(client, auth, clock)
    clock.step()
    assert "关闭两步验证" not in client.get("/account/second-factor").get_data(as_text=True)
    resp = auth.post("/account/second-factor/off", {"off-code": totp.at(clock.now)},
                     page="/account/second-factor")
    assert resp.status_code == 302
    assert _factor(app, "admin").confirmed_at is not None


def test_the_setting_is_read_from_the_environment(monkeypatch):
    from config import role_list

    assert role_list("admin,organiser") == ("admin", "organiser")
    assert role_list(" admin , ") == ("admin",)
    assert role_list("") == ()


# ----- API tokens


def test_an_api_token_for_an_account_with_a_factor_needs_the_code(app, client, auth, users,
                                                                  clock):
    totp, codes = enrolled(client, auth, clock)
    body = {"username": "worker", "password": PASSWORD}
    resp = client.post("/api/v1/tokens", json=body)
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "otp_required"
    code = totp.at(clock.now)
    wrong = "000000" if code != "000000" else "111111"
    resp = client.post("/api/v1/tokens", json={**body, "otp": wrong})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "bad_otp"
    resp = client.post("/api/v1/tokens", json={**body, "otp": code})
    assert resp.status_code == 201
    assert client.get("/api/v1/me", headers=bearer(resp.get_json()["token"])).status_code == 200
    assert client.post("/api/v1/tokens", json={**body, "otp": code}).status_code == 401
    assert client.post("/api/v1/tokens", json={**body, "otp": codes[0]}).status_code == 201
    assert client.post("/api/v1/tokens", json={**body, "otp": 123456}).status_code == 422


def test_wrong_api_codes_are_throttled_like_passwords(client, users, auth, clock):
    totp, _codes = enrolled(client, auth, clock)
    body = {"username": "worker", "password": PASSWORD}
    for _ in range(4):
        assert client.post("/api/v1/tokens", json={**body, "otp": "12345x"}).status_code == 401
    assert client.post("/api/v1/tokens", json=body).status_code == 401  # missing counts too
    resp = client.post("/api/v1/tokens", json={**body, "otp": totp.at(clock.now)})
    assert resp.status_code == 429


def test_the_openapi_document_has_the_otp_field_and_the_403(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/api/v1/tokens"]["post"]
    assert "otp" in post["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert "second_factor_required" in post["responses"]["403"]["description"]


# ----- recovery codes and turning it off


def test_new_recovery_codes_replace_the_old_ones(app, client, auth, users, clock):
    totp, codes = enrolled(client, auth, clock)
    auth.login("worker")
    second_step(auth, totp.at(clock.now))
    clock.step()
    resp = auth.post("/account/second-factor/recovery-codes",
                     {"renew-code": totp.at(clock.now)},
                     page="/account/second-factor")
    assert resp.status_code == 200
    fresh = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>",
                       resp.get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    auth.logout()
    auth.login("worker")
    assert second_step(auth, codes[0]).status_code == 401
    assert second_step(auth, fresh[0]).status_code == 302


def test_recovery_codes_download_echoes_only_the_users_unused_codes(client, auth, users,
                                                                   clock):
    auth.login("worker")
    _totp, codes = enrol(client, auth, clock)
    resp = auth.post("/account/second-factor/recovery-codes.txt", {"code": codes},
                     page="/account/second-factor")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert all(code in resp.get_data(as_text=True) for code in codes)
    forged = auth.post("/account/second-factor/recovery-codes.txt",
                       {"code": [codes[0], "<script>alert(1)</script>"]},
                       page="/account/second-factor")
    assert forged.status_code == 302


def test_a_worker_may_turn_it_off_with_a_code(app, client, auth, users, clock):
    totp, _codes = enrolled(client, auth, clock)
    auth.login("worker")
    second_step(auth, totp.at(clock.now))
    clock.step()
    wrong = auth.post("/account/second-factor/off", {"off-code": "00000x"},
                      page="/account/second-factor")
    assert wrong.status_code == 302 and _factor(app, "worker") is not None
    resp = auth.post("/account/second-factor/off", {"off-code": totp.at(clock.now)},
                     page="/account/second-factor")
    assert resp.status_code == 302 and _factor(app, "worker") is None
    assert client.get("/").status_code == 200  # this browser stays logged in
    auth.logout()
    assert auth.login("worker").headers["Location"] == "/"


# ----- the admin's reset


def test_the_admin_resets_a_lost_phone_ending_sessions_and_audited(app, fresh, client, auth, users,
                                                                   clock, caplog):
    caplog.set_level("INFO", logger="trainer.security")
    totp, _codes = enrolled(client, auth, clock)
    phone = AuthActions(app.test_client())
    phone.login("worker")
    phone.post("/login/code", {"code": totp.at(clock.now)})
    assert phone.client.get("/").status_code == 200
    token = client.post("/api/v1/tokens", json={"username": "worker", "password": PASSWORD,
                                                "otp": _codes[0]}).get_json()["token"]
    uid = _user(app, "worker").id
    auth.login("admin")
    page = client.get(f"/admin/users/{uid}").get_data(as_text=True)
    assert "重置两步验证" in page
    refused = auth.post(f"/admin/users/{uid}/second-factor", {"reason": "手机丢失"},
                        page=f"/admin/users/{uid}")  # the confirmation box left unticked
    assert refused.status_code == 302 and _factor(app, "worker") is not None
    resp = auth.post(f"/admin/users/{uid}/second-factor",
                     {"reason": "手机丢失，本人电话确认", "confirm": "y"},
                     page=f"/admin/users/{uid}")
    assert resp.status_code == 302
    assert _factor(app, "worker") is None
    assert fresh.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert phone.client.get("/").status_code == 302  # the worker's session ended
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    line = next(r.getMessage() for r in caplog.records
                if "event=second_factor_reset" in r.getMessage())
    assert "user=admin" in line and "target=worker" in line and "手机丢失" in line
    assert phone.login("worker").headers["Location"] == "/"  # password alone again


@pytest.mark.parametrize("config", [RequiredConfig])
def test_every_page_sends_an_account_that_must_enrol_to_enrolment(app, client, auth, users):
    from trainer.auth.views.second_factor import OPEN_ENDPOINTS

    auth.login("admin")
    pages = sorted(rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments
                   and rule.endpoint not in OPEN_ENDPOINTS and not rule.rule.startswith("/api/"))
    assert len(pages) > 20
    for path in pages:
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert resp.headers["Location"] == "/account/second-factor/enrol", path
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                     client.get("/account/second-factor/enrol").get_data(as_text=True)).group(1)
    resp = client.post("/admin/users/new", data={"csrf_token": csrf, "username": "x1",
                                                 "name": "x", "role": "worker",
                                                 "unit": "S1-C1-G1", "password": PASSWORD})
    assert resp.headers["Location"] == "/account/second-factor/enrol"
    assert _user(app, "x1") is None
