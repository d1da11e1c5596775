"""Response headers, request ids, client addresses and the security event log."""

import logging
import secrets
from datetime import UTC, datetime

from flask import Flask, g, request
from flask_login import current_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
log = logging.getLogger("trainer.security")


def client_address() -> str:
    """The caller's address, trusting X-Forwarded-For only behind configured proxies."""
    return request.remote_addr or "-"


def request_id() -> str:
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-Id", "")
        ok = incoming and len(incoming) <= 64 and incoming.replace("-", "").isalnum()
        g.request_id = incoming if ok else secrets.token_hex(8)
    return g.request_id


def security_event(event: str, username: str | None = None, **fields) -> None:
    """Log a security event with UTC time, user, address and request id (never secrets)."""
    if username is None and current_user and current_user.is_authenticated:
        username = current_user.username
    extra = " ".join(f"{k}={v}" for k, v in sorted(fields.items()))
    log.info(
        "%s event=%s user=%s address=%s request_id=%s %s",
        datetime.now(UTC).isoformat(timespec="seconds"),
        event,
        username or "-",
        client_address(),
        request_id(),
        extra,
    )


def set_security_headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["X-Request-Id"] = request_id()
    if current_user and current_user.is_authenticated or request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("security %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
