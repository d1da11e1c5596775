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


@pytest.mark.parametrize("raw", [
    '{"username": "\\ud83d\\ude00网格", "password": "xxxxxxxx"}',  # a pair, escaped
    '{"username": "😀网格", "password": "xxxxxxxx"}',  # the same, raw UTF-8
    '{"username": "a\\\\u0000b", "password": "xxxxxxxx"}',  # a backslash, then u0000
])
def test_json_without_nul_or_lone_surrogates_goes_through(client, raw):
    """The check walks a JSON body only when it holds a \\u escape; what it lets through
    reaches the view (here: a login that fails as a login)."""
    resp = client.post("/api/v1/tokens", data=raw.encode(), content_type="application/json")
    assert resp.status_code == 401, resp.get_data(as_text=True)


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


# --- requests that break the server (issue 14 item 4) ---

def _live_app(**settings):
    """An app that answers unexpected errors with a 500 page, as in production."""
    from tests.conftest import TestConfig
    from trainer import create_app

    live = type("Live", (TestConfig,), {"TESTING": False, **settings})
    return create_app(live)


def _nested(depth: int) -> str:
    return '{"username": ' + "[" * depth + "]" * depth + ', "password": "xxxxxxxx"}'


@pytest.mark.parametrize("depth", [900, 5000, 100_000])
def test_deeply_nested_json_is_refused_with_400_in_chinese(app, client, users, depth):
    resp = client.post("/api/v1/tokens", data=_nested(depth), content_type="application/json")
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["code"] == "too_deep" and "嵌套" in error["message"]
    from trainer.auth.models import ThrottleEvent
    from trainer.extensions import db

    with app.app_context():
        assert db.session.query(ThrottleEvent).count() == 0


def test_deep_json_is_refused_on_every_json_endpoint(client, auth, users):
    headers = bearer_header(auth.token("worker"))
    for method, path in (("PUT", "/api/v1/attempts/1/answers/1"),
                         ("POST", "/api/v1/quizzes/1/attempts"),
                         ("POST", "/api/v1/tokens")):
        resp = client.open(path, method=method, data=_nested(900),
                           content_type="application/json", headers=headers)
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "too_deep"


def bearer_header(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_nesting_within_the_limit_and_brackets_inside_strings_pass():
    from trainer.security import json_too_deep

    limit = 32
    assert not json_too_deep(b"[" * limit + b"]" * limit, limit)
    assert json_too_deep(b"[" * (limit + 1) + b"]" * (limit + 1), limit)
    assert not json_too_deep(b'{"a": "' + b"[" * 5000 + b'"}', limit)
    assert not json_too_deep(b'{"a": "\\"' + b"{" * 5000 + b'"}', limit)
    assert json_too_deep(b'{"a": "\\\\", "b": ' + b"[" * 40 + b"]" * 40 + b"}", limit)
    assert json_too_deep('{"名": '.encode() + b"{" * 40, limit)  # unclosed still counts


def test_a_json_parse_that_recurses_too_deep_is_a_400_not_a_500():
    # a view that parses the body itself (force=True: the content type is not JSON, so
    # the depth check before the views does not look at it)
    from trainer.extensions import csrf

    app = _live_app()

    @app.post("/api/v1/parse")
    def parse():
        from flask import request

        return {"kind": type(request.get_json(force=True)).__name__}

    csrf.exempt(parse)
    client = app.test_client()
    deep = "[" * 100_000 + "]" * 100_000
    resp = client.post("/api/v1/parse", data=deep, content_type="text/plain")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "bad_request"
    assert client.post("/api/v1/parse", data="[[1]]", content_type="text/plain").json == {
        "kind": "list"}


def test_an_unexpected_error_is_logged_with_request_id_and_traceback_and_no_secrets(
        caplog, _schema):
    from trainer.extensions import csrf

    app = _live_app()

    @app.post("/api/v1/crash")
    def crash():
        raise ZeroDivisionError("kaput")

    csrf.exempt(crash)

    caplog.set_level("INFO")
    secret = "tok_" + "s3cr3t" * 6
    resp = app.test_client().post(
        f"/api/v1/crash?token={secret}",
        json={"password": secret, "token": secret},
        headers={"Authorization": f"Bearer {secret}", "Cookie": f"gt_session={secret}",
                 "X-Request-Id": "req-abc123"})
    assert resp.status_code == 500
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    record = errors[0]
    assert "request_id=req-abc123" in record.getMessage()
    assert "path=/api/v1/crash" in record.getMessage()
    assert record.exc_info and record.exc_info[0] is ZeroDivisionError
    assert "kaput" in caplog.text and "Traceback" in caplog.text
    assert secret not in caplog.text and "s3cr3t" not in caplog.text


def test_a_database_error_is_logged_without_the_values_bound_to_it(caplog, _schema):
    import sqlalchemy as sa

    from trainer.extensions import db

    app = _live_app()
    secret = "13800138000-" + "p4ss" * 5

    @app.get("/api/v1/db-crash")
    def db_crash():
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE x = :x"), {"x": secret})

    caplog.set_level("INFO")
    assert app.test_client().get("/api/v1/db-crash").status_code == 500
    assert "no_such_table" in caplog.text and "hidden due to hide_parameters" in caplog.text
    assert secret not in caplog.text


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PUT", "/login", {"GET", "POST"}),
    ("PATCH", "/api/v1/tokens", {"POST", "DELETE"}),
])
def test_method_not_allowed_carries_allow(client, method, path, allowed):
    resp = client.open(path, method=method)
    assert resp.status_code == 405
    assert allowed <= {m.strip() for m in resp.headers["Allow"].split(",")}
    if path.startswith("/api/"):
        assert resp.get_json()["error"]["code"] == "method_not_allowed"
    else:
        assert "不允许" in resp.get_data(as_text=True)


def _production(**settings):
    from config import ProductionConfig
    from tests.conftest import TestConfig

    fields = {key: getattr(TestConfig, key) for key in (
        "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "ARGON2_TIME_COST",
        "ARGON2_MEMORY_COST", "COURSES_DIR", "SCENARIOS_DIR")}
    return type("Prod", (ProductionConfig,), {**fields, **settings})


def test_production_session_cookie_takes_the_host_prefix(users):
    from config import ProductionConfig
    from tests.conftest import PASSWORD, csrf_from
    from trainer import create_app

    assert ProductionConfig.SESSION_COOKIE_NAME == "__Host-session"
    assert ProductionConfig.REMEMBER_COOKIE_NAME.startswith("__Host-")
    app = create_app(_production())
    client = app.test_client()
    base = "https://localhost"
    page = client.get("/login", base_url=base).get_data(as_text=True)
    resp = client.post("/login", base_url=base, data={
        "username": "worker", "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    cookies = [c for c in resp.headers.getlist("Set-Cookie") if "session" in c.lower()]
    assert cookies and all(c.startswith("__Host-session=") for c in cookies)
    for cookie in cookies:
        attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "secure" in attributes and "path=/" in attributes
        assert not any(a.startswith("domain") for a in attributes)
    # the development config keeps a plain name (a __Host- cookie needs HTTPS)
    from config import DevelopmentConfig

    assert not DevelopmentConfig.SESSION_COOKIE_NAME.startswith("__Host-")


def test_a_cookieless_request_is_anonymous_without_asking_flask_login(client, users):
    """(issue 19) A page request with neither cookie is answered as anonymous without
    loading anyone: no no-store, and no session cookie set."""
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert "Cache-Control" not in resp.headers
    assert "Set-Cookie" not in resp.headers


def test_the_remember_cookie_alone_still_signs_in_and_is_not_cached(app, client, users):
    """A request with only the remember cookie (no session cookie) is still asked of
    Flask-Login: it signs in, and the page is never stored."""
    import sqlalchemy as sa
    from flask_login.utils import encode_cookie

    from trainer.auth.models import User
    from trainer.extensions import db

    with app.test_request_context():
        worker = db.session.scalar(sa.select(User).where(User.username == "worker"))
        value = encode_cookie(worker.get_id())
    client.set_cookie(app.config["REMEMBER_COOKIE_NAME"], value)
    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
