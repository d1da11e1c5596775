"""Response headers, request ids, client addresses and the security event log."""

import json
import logging
import re
import secrets
from datetime import UTC, datetime

from flask import Flask, current_app, g, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from flask_login import current_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
log = logging.getLogger("trainer.security")
# NUL cannot be stored in PostgreSQL text and lone surrogates cannot be encoded at all: no
# real input holds either, so a request carrying one is refused before any view runs.
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_PLAIN = re.compile(r"[\w.:/@+-]{0,200}", re.ASCII)
# A JSON string (to its closing quote, or to the end when unclosed: possessive, so the scan
# stays linear whatever the body) or one bracket.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*+"?|[\[\]{}]', re.DOTALL)
# No request of this site nests JSON deeper than a few levels; the checks that walk a body
# (below, and json itself) recurse, and about 900 levels exhaust Python's stack.
MAX_JSON_DEPTH = 32


def json_too_deep(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in ``data`` nest deeper than ``limit``, found without
    parsing (a loop, no recursion); brackets inside strings do not count."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for match in _JSON_TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def client_address() -> str:
    """The caller's address, trusting X-Forwarded-For only behind configured proxies."""
    return request.remote_addr or "-"


def request_id() -> str:
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-Id", "")
        ok = incoming and len(incoming) <= 64 and incoming.replace("-", "").isalnum()
        g.request_id = incoming if ok else secrets.token_hex(8)
    return g.request_id


def _log_value(value) -> str:
    """A value as one log token: plain words as they are, anything else JSON-quoted, so a
    user-supplied name can never start a forged line or add a fake ``key=value``."""
    text = str(value)
    if _PLAIN.fullmatch(text):
        return text
    quoted = json.dumps(text[:200], ensure_ascii=False)
    return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# Refusals: stored even when the request is rolled back (trainer/audit/events.py).
REFUSALS = frozenset({"login_failure", "login_throttled", "login_refused",
                      "authorization_failure", "csrf_failure", "second_factor_failure"})


def security_event(event: str, username: str | None = None, *, about=None, actor=None,
                   **fields) -> None:
    """Log a security event with UTC time, user, address and request id (never secrets),
    and store it in the audit log: by ``actor`` (default: the signed-in user, else the
    account named ``username``), about the account ``about`` if any."""
    signed_in = current_user and current_user.is_authenticated
    if username is None and signed_in:
        username = current_user.username
    if actor is None and signed_in and username == current_user.username:
        actor = current_user._get_current_object()
    _store(event, username, about, actor, fields)
    extra = " ".join(f"{k}={_log_value(v)}" for k, v in sorted(fields.items()))
    log.info(
        "%s event=%s user=%s address=%s request_id=%s %s",
        datetime.now(UTC).isoformat(timespec="seconds"),
        event,
        _log_value(username or "-"),
        _log_value(client_address()),
        request_id(),
        extra,
    )


def _store(event: str, username, about, actor, fields: dict) -> None:
    from trainer.audit import events  # the audit log's models load after this module

    details = {k: v for k, v in fields.items() if k != "target"}  # target: the object
    who = {"actor": actor} if actor is not None else {"actor": None,
                                                      "actor_name": username or ""}
    durable = event in REFUSALS
    if about is None and "path" in details:  # a refused page: the object is the path
        events.record(event, object_type="path", object_label=details.pop("path"),
                      details=details, durable=durable, **who)
    else:
        events.record(event, subject=about, details=details, durable=durable, **who)


def _has_bad_chars(value) -> bool:
    if isinstance(value, str):
        return _BAD_CHARS.search(value) is not None
    if isinstance(value, dict):
        return any(_has_bad_chars(k) or _has_bad_chars(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_bad_chars(v) for v in value)
    return False


def refuse_bad_characters():
    """400 for a JSON body nested too deep (before anything parses or walks it), and for
    a path, query, form or JSON body holding NUL or a lone surrogate."""
    parts = [request.path, *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            data = request.get_data(cache=True)
            if json_too_deep(data):
                return _refusal(_("The request data is nested too deeply."), "too_deep")
            # Valid JSON spells NUL or a surrogate only as a \u escape (raw control
            # characters are refused by the parser, encoded surrogates by UTF-8), so a
            # body without one needs no walk: the autosave's body, nearly always.
            if b"\\u" in data or b"\x00" in data:
                parts.append(request.get_json(silent=True))
        else:
            parts += request.form.values()
    if any(_has_bad_chars(part) for part in parts):
        return _refusal(_("The request contains characters that are not allowed."),
                        "bad_characters")
    return None


def _refusal(message: str, code: str):
    from trainer.errors import error_response  # errors imports this module

    return error_response(400, message, code=code)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with input nested past Python's stack (json raises RecursionError)
    turned into a decode error: ``request.get_json`` then answers 400 (or None when
    silent) instead of a 500, even for a body the depth check did not see."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc


# The same on every response: built once, added in one update.
CONSTANT_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def set_security_headers(response):
    response.headers.update(CONSTANT_HEADERS)
    response.headers["X-Request-Id"] = request_id()
    # the path first: an API response is never cached, and checking it first spares a
    # hot endpoint that authenticates in its own SQL from loading the account here
    # A view may keep a signed-in user's response in that user's own browser cache by
    # saying so ("private, ..."; course images do); anything else is never stored.
    private = response.headers.get("Cache-Control", "").startswith("private")
    if not private and (request.path.startswith("/api/") or _signed_in()):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _signed_in() -> bool:
    """``current_user.is_authenticated`` for a page, without loading anyone for a request
    that carries neither the session cookie nor the remember cookie and whose user was
    not loaded yet: outside /api/ (whose bearer requests the caller checks first)
    Flask-Login finds a user only in one of those two cookies, so such a request (a
    health probe, a first visit) is anonymous; any other asks Flask-Login as before."""
    if "_login_user" not in g:
        config = current_app.config
        cookies = request.cookies
        if (config["SESSION_COOKIE_NAME"] not in cookies
                and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies):
            return False
    return bool(current_user and current_user.is_authenticated)


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.after_request(set_security_headers)
    app.before_request(refuse_bad_characters)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("security %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
