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

