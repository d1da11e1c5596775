"""Login, logout and the user's own password."""

import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    try:
        user = services.authenticate(form.username.data, form.password.data, client_address(),
                                     two_step=True)
    except (services.BadCredentials, services.Throttled, services.AccountDisabled) as exc:
        # Answered, not raised: the unit of work commits the failure the throttle counted.
        event = {429: "login_throttled", 403: "login_refused"}.get(exc.status, "login_failure")
        security_event(event, username=form.username.data[:40])
        return render_template("auth/login.html", form=form, error=exc.message), exc.status
    if second_factor.active_factor(user) is not None:
        second_step.begin(user, safe_next(form.next.data))
        return redirect(url_for("auth.login_code"))
    start_session(user)
    if second_factor.must_enrol(user):
        return redirect(url_for("auth.second_factor_enrol"))
    return redirect(safe_next(form.next.data) or url_for("main.home"))


def start_session(user) -> None:
    session.clear()  # a fresh session: nothing from before the login survives
    login_user(user)
    session["login_at"] = time.time()
    session.permanent = True
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
    return redirect(url_for("auth.login"))


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
