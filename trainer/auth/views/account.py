"""Login, logout and the user's own password."""

import re
import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from trainer.auth import second_factor, services
from trainer.auth.forms import ChangePasswordForm, ConfirmForm, LoginForm
from trainer.auth.views import second_step
from trainer.auth.views.blueprint import bp
from trainer.security import client_address, security_event
from trainer.unit_of_work import refusal_on


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path inside this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def offers_remember(target: str | None) -> bool:
    """Staying signed in is offered on the way to a training session's sign-in (scanned
    on the worker's own phone), never on the plain login page."""
    target = safe_next(target) or ""
    return bool(_SIGNIN_PATH.match(target.split("?")[0]))


_SIGNIN_PATH = re.compile(r"^/sessions/\d+/(checkin|code)$")


def in_wechat() -> bool:
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def _login_page(form, **extra):
    offer = offers_remember(form.next.data)
    if offer and request.method == "GET" and in_wechat():
        form.remember.data = True  # WeChat's browser is the worker's own phone
    return render_template("auth/login.html", form=form, offer_remember=offer, **extra)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _login_page(form)
    try:
        user = services.authenticate(form.username.data, form.password.data, client_address(),
                                     two_step=True)
    except (services.BadCredentials, services.Throttled, services.AccountDisabled) as exc:
        # Answered, not raised: the unit of work commits the failure the throttle counted.
        event = {429: "login_throttled", 403: "login_refused"}.get(exc.status, "login_failure")
        security_event(event, username=form.username.data[:40])
        return _login_page(form, error=exc.message), exc.status
    if second_factor.active_factor(user) is not None:
        second_step.begin(user, safe_next(form.next.data))
        return redirect(url_for("auth.login_code"))
    remember = (bool(form.remember.data) and user.role == "worker"
                and offers_remember(form.next.data))
    start_session(user, remember=remember)
    if second_factor.must_enrol(user):
        return redirect(url_for("auth.second_factor_enrol"))
    return redirect(safe_next(form.next.data) or url_for("main.home"))


def start_session(user, remember: bool = False) -> None:
    session.clear()  # a fresh session: nothing from before the login survives
    login_user(user, remember=remember)
    session["login_at"] = time.time()
    session.permanent = True
    if remember:
        session["remembered"] = True
    security_event("login_success", username=user.username)


@bp.route("/logout", methods=["GET", "POST"])
@login_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("auth/logout.html", form=form)
    user = current_user._get_current_object()
    services.end_sessions(user)
    security_event("logout", username=user.username)
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    response = redirect(url_for("auth.login"))
    # Forget this phone (the remember cookie is dead anyway: the session version moved on)
    # and the offline copies of courses and queued answers (trainer/static/sw.js).
    response.delete_cookie(current_app.config["REMEMBER_COOKIE_NAME"], path="/",
                           secure=current_app.config["REMEMBER_COOKIE_SECURE"],
                           httponly=True, samesite="Lax")
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


# What a user who must change an initial password may still reach.
OPEN_ENDPOINTS = {"static", "auth.change_password", "auth.login", "auth.login_code",
                  "auth.logout", "main.set_language", "main.healthz"}


@bp.before_app_request
def _password_change_gate():
    """Send a signed-in user with an initial password (people import, an admin's reset)
    to the change form before anything else; the API refuses their tokens instead."""
    if request.endpoint in OPEN_ENDPOINTS or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated or not current_user.password_change_required:
        return None
    return redirect(url_for("auth.change_password"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        with refusal_on(form, {"password": "new_password"}):
            services.change_password(user, form.current_password.data, form.new_password.data)
            security_event("password_change", username=user.username)
            start_session(user)  # keep this browser logged in; every other session has ended
            flash(_("Your password has been changed. Other devices have been logged out."), "ok")
            return redirect(url_for("main.home"))
        return render_template("auth/password.html", form=form), 422
    return render_template("auth/password.html", form=form)
