"""Who is calling: cookie sessions for pages, bearer tokens for /api/.

A cookie session stores "id:session_version"; bumping the user's session version ends it.
Sessions end 12 hours after login whatever the activity; a worker who asked their own
phone to stay signed in (the remember cookie, offered on the way to a session's sign-in)
gets a new 12-hour session from that cookie until logout or a password change. The API
accepts bearer tokens only, never the cookie, so the CSRF-exempt API cannot be driven
by another site.
"""

import time

from flask import Flask, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import logout_user, user_loaded_from_cookie

from trainer.extensions import db, login_manager


def _load_user(user_id: str):
    from trainer.auth.models import User

    if request.path.startswith("/api/"):
        return None
    try:
        uid, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def _load_from_request(req):
    if not req.path.startswith("/api/"):
        return None
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    from trainer.auth.services import user_for_token

    return user_for_token(header[7:].strip())


def _unauthorized():
    from trainer.errors import error_response

    if request.path.startswith("/api/"):
        return error_response(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _enforce_absolute_lifetime(app: Flask):
    def check():
        if not session:  # nothing to expire
            return
        started = session.get("login_at")
        limit = app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
        if started is not None and time.time() - started > limit:
            if session.get("remembered"):
                # A remembered phone: only this cookie session ends; the remember cookie
                # (valid until logout or a password change) starts the next one.
                session.clear()
                return
            logout_user()
            session.clear()

    return check


def _bearer_only(req) -> bool:
    """An API call carrying a bearer token: the cookie never authenticates it, so its
    session is neither read nor written."""
    return req.path.startswith("/api/") and \
        req.headers.get("Authorization", "").startswith("Bearer ")


class BearerAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except for bearer API calls: those get an empty
    session without verifying any cookie and never set one (nothing of an API response
    may depend on a cookie; see the module doc)."""

    def open_session(self, app, request):
        if _bearer_only(request) or self.get_cookie_name(app) not in request.cookies:
            # (no cookie: the empty session Flask would make, without first building the
            # cookie's signing serializer for nothing)
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if _bearer_only(request):
            return None
        return super().save_session(app, session, response)


def _from_remember_cookie(app, user) -> None:
    """A session restored from the remember cookie: a fresh 12-hour session of its own."""
    session["login_at"] = time.time()
    session["remembered"] = True
    session.permanent = True
def _held_token_is_403(response):
    """A bearer token refused (401) only because its owner must change an initial
    password answers 403 ``password_change_required`` instead: the client then knows to
    change it (POST /api/v1/me/password without a token). Asked only on a refusal, so
    accepted requests pay nothing; the response is changed in place, keeping its headers."""
    if response.status_code != 401 or not request.path.startswith("/api/"):
        return response
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return response
    from flask import json
    from flask_babel import gettext as _

    from trainer.auth.services import held_by_password_change

    if held_by_password_change(header[7:].strip()):
        response.status_code = 403
        response.set_data(json.dumps({"error": {
            "code": "password_change_required",
            "message": _("Your password was set by an administrator: choose a new one first "
                         "(POST /api/v1/me/password).")}}))
    return response


def init_app(app: Flask) -> None:
    app.session_interface = BearerAwareSessionInterface()
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_from_request)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.login_message = _l("Please log in first.")
    login_manager.session_protection = None  # versioned ids and absolute expiry instead
    app.before_request(_enforce_absolute_lifetime(app))
    user_loaded_from_cookie.connect(_from_remember_cookie, app)
    app.after_request(_held_token_is_403)
