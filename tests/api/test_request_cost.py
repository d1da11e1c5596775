"""The per-request savings of issue 19 keep every check: a bearer call neither reads nor
writes the cookie session, a revoked or ended token fails on its very next request, pages
still go through Flask-Login, and the slimmed catalogue answers as the full one does."""

import sqlalchemy as sa

from tests.conftest import bearer
from trainer.auth.models import ApiToken, User
from trainer.extensions import db
from trainer.models import utcnow


def test_a_bearer_call_sets_no_session_cookie(client, auth, users):
    token = auth.token("worker")
    for path in ("/api/v1/me", "/api/v1/courses"):
        resp = client.get(path, headers=bearer(token))
        assert resp.status_code == 200
        assert "Set-Cookie" not in resp.headers


def test_a_bearer_call_ignores_and_keeps_the_page_session(client, auth, users):
    auth.login("worker")
    token = auth.token("worker")
    resp = client.get("/api/v1/me", headers=bearer(token))
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
    assert client.get("/").status_code == 200  # the page session still stands


def test_pages_still_need_a_login(client, users):
    resp = client.get("/courses")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_a_revoked_token_fails_on_its_next_request(app, client, auth, users):
    token = auth.token("worker")
    assert client.get("/api/v1/courses", headers=bearer(token)).status_code == 200
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
    for path in ("/api/v1/courses", "/api/v1/me"):
        assert client.get(path, headers=bearer(token)).status_code == 401


def test_an_ended_session_version_fails_on_the_next_request(app, client, auth, users):
    token = auth.token("worker")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    with app.app_context():
        db.session.execute(sa.update(User).where(User.username == "worker")
                           .values(session_version=User.session_version + 1))
        db.session.commit()
    assert client.get("/api/v1/courses", headers=bearer(token)).status_code == 401


def test_the_whole_catalogue_equals_its_pages(client, auth, users):
    token = auth.token("worker")
    whole = client.get("/api/v1/courses", headers=bearer(token)).get_json()
    paged = client.get("/api/v1/courses?page=1&per_page=100", headers=bearer(token)).get_json()
    assert whole == paged  # (empty or not: the two paths agree)


def test_security_headers_on_an_api_response(client, auth, users):
    resp = client.get("/api/v1/me", headers=bearer(auth.token("worker")))
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                 "X-Frame-Options", "Permissions-Policy", "X-Request-Id"):
        assert resp.headers.get(name), name
    assert resp.headers["Cache-Control"] == "no-store"



# The hot reads (the catalogue, /me) read the caller in one Core statement of their own
# (trainer.auth.bearer) instead of Flask-Login's User: each way a token ends still fails
# on that statement's very next request.
HOT = ("/api/v1/courses", "/api/v1/me")


def _change(app, stmt) -> None:
    with app.app_context():
        db.session.execute(stmt)
        db.session.commit()


def _all_ok(client, token) -> bool:
    return all(client.get(p, headers=bearer(token)).status_code == 200 for p in HOT)


def test_an_expired_token_fails_on_the_hot_reads(app, client, auth, users):
    token = auth.token("worker")
    assert _all_ok(client, token)
    _change(app, sa.update(ApiToken).values(expires_at=utcnow()))
    for path in HOT:
        assert client.get(path, headers=bearer(token)).status_code == 401, path


def test_a_deactivated_account_fails_on_the_hot_reads(app, client, auth, users):
    token = auth.token("worker")
    assert _all_ok(client, token)
    _change(app, sa.update(User).where(User.username == "worker").values(active=False))
    for path in HOT:
        assert client.get(path, headers=bearer(token)).status_code == 401, path


def test_a_bumped_session_version_fails_on_me_too(app, client, auth, users):
    token = auth.token("worker")
    assert _all_ok(client, token)
    _change(app, sa.update(User).where(User.username == "worker")
            .values(session_version=User.session_version + 1))
    for path in HOT:
        assert client.get(path, headers=bearer(token)).status_code == 401, path


def test_an_initial_password_answers_403_on_the_hot_reads(app, client, auth, users):
    token = auth.token("worker")
    assert _all_ok(client, token)
    _change(app, sa.update(User).where(User.username == "worker")
            .values(password_change_required=True))
    for path in HOT:
        resp = client.get(path, headers=bearer(token))
        assert resp.status_code == 403, path
        assert resp.get_json()["error"]["code"] == "password_change_required"


def test_the_caller_is_asked_again_on_every_request(app, client, auth, users):
    """Nothing of the caller outlives its request: a token revoked between two requests
    in a row of the same process fails on the second (no per-process cache)."""
    token = auth.token("worker")
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    _change(app, sa.update(ApiToken).values(revoked_at=utcnow()))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer("not-a-token")).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_me_names_the_unit_its_street_and_department(app, client, auth, users):
    from trainer.org.models import Unit

    body = client.get("/api/v1/me", headers=bearer(auth.token("worker"))).get_json()
    with app.app_context():
        worker = db.session.scalar(sa.select(User).where(User.username == "worker"))
        unit = worker.unit
        street = db.session.get(Unit, unit.street_id)
        dept = worker.department
        expected = {
            "username": "worker", "name": worker.name, "role": "worker",
            "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
            "street": {"code": street.code, "name": street.name},
            "department": {"code": dept.code, "name": dept.name} if dept else None}
    assert body == expected
