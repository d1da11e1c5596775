import pytest


@pytest.mark.parametrize("path", ["/login", "/healthz", "/api/v1/openapi.json", "/nope"])
def test_every_response_has_strict_headers(client, path):
    resp = client.get(path)
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"]


def test_authenticated_pages_are_not_cached(client, auth, users):
    auth.login("worker")
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, auth, users):
    resp = auth.login("worker")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_upload_over_limit_gets_413(client, auth, users):
    auth.login("admin")
    big = b"x" * (9 * 1024 * 1024)
    resp = client.post("/admin/org/people/import", data=big,
                       content_type="application/octet-stream")
    assert resp.status_code == 413
    assert "太大" in resp.get_data(as_text=True)


def test_unknown_page_is_chinese_404(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert "未找到" in resp.get_data(as_text=True)


def test_api_errors_are_json(client):
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_production_config_refuses_debug_and_short_secret(monkeypatch):
    from config import ProductionConfig
    from trainer import create_app

    class Short(ProductionConfig):
        SECRET_KEY = "short"

    class Debug(ProductionConfig):
        SECRET_KEY = "x" * 40
        DEBUG = True

    for cfg in (Short, Debug):
        with pytest.raises(RuntimeError):
            create_app(cfg)


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_unexpected_error_is_chinese_500_page_and_json_under_api():
    from tests.conftest import TestConfig
    from trainer import create_app

    class Live(TestConfig):
        TESTING = False

    app = create_app(Live)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("boom")

    client = app.test_client()
    resp = client.get("/boom")
    assert resp.status_code == 500 and "系统出现问题" in resp.get_data(as_text=True)
    assert client.get("/api/v1/boom").get_json()["error"]["code"] == "server_error"


@pytest.mark.parametrize("body", [{"username": "\ud800", "password": "xxxxxxxx"},
                                  {"username": "a\u0000b", "password": "xxxxxxxx"},
                                  {"username": "w", "password": ["\udfff"]}])
def test_json_with_nul_or_lone_surrogates_is_refused_before_any_view(app, client, body):
    resp = client.post("/api/v1/tokens", json=body)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "bad_characters"
    from trainer.auth.models import ThrottleEvent
    from trainer.extensions import db

    with app.app_context():
        assert db.session.query(ThrottleEvent).count() == 0


def test_form_and_query_with_nul_are_refused_in_chinese(client, auth, users):
    page = client.get("/login").get_data(as_text=True)
    from tests.conftest import csrf_from

    resp = client.post("/login", data={"username": "wor\x00ker", "password": "x" * 8,
                                       "csrf_token": csrf_from(page)})
    assert resp.status_code == 400
    assert "不允许" in resp.get_data(as_text=True)
    auth.login("admin")
    assert client.get("/admin/users?q=a%00b").status_code == 400


def test_a_forged_log_line_cannot_be_injected_through_the_username(caplog, client, users):
    caplog.set_level("INFO", logger="trainer.security")
    client.post("/api/v1/tokens", json={
        "username": "y\r\nsecurity FORGED event=logout user=admin", "password": "x" * 8})
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "\n" not in lines[0] and "\r" not in lines[0]
    assert 'user="y\\r\\nsecurity FORGED event=logout' in lines[0]
