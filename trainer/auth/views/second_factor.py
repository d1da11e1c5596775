"""The second factor on the web: the login's second step, enrolment (required for the
roles in REQUIRE_SECOND_FACTOR), recovery codes, turning it off, and the gate that keeps an
account that must enrol away from every other page."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.auth import second_factor, services
from trainer.auth.forms import CodeForm, ConfirmForm
from trainer.auth.views import second_step
from trainer.auth.views.account import safe_next, start_session
from trainer.auth.views.blueprint import bp
from trainer.database import write_transaction
from trainer.errors import Invalid
from trainer.qr import qr_svg
from trainer.security import client_address, security_event
from trainer.unit_of_work import refusal_on, refusal_redirects

# What an account that must enrol may still reach.
OPEN_ENDPOINTS = {"static", "auth.second_factor_enrol", "auth.login", "auth.login_code",
                  "auth.logout", "main.set_language", "main.healthz"}


@bp.before_app_request
def _enrolment_gate():
    """Send a signed-in account whose role must have a second factor, and has none, to
    enrolment before anything else (the API refuses it its tokens instead); the enrolment
    page says why."""
    if (request.endpoint in OPEN_ENDPOINTS or request.path.startswith("/api/")
            or not second_factor.required_roles()):
        return None
    if not current_user.is_authenticated or not second_factor.must_enrol(current_user):
        return None
    if current_user.password_change_required:  # an initial password is changed first
        return None  # (trainer/auth/views/account.py's gate)
    return redirect(url_for("auth.second_factor_enrol"))


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    user = second_step.pending_user()
    if user is None:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/login_code.html", form=form)
    try:
        kind = services.verify_second_step(user, form.code.data, client_address())
    except (services.BadCredentials, services.Throttled) as exc:
        # Answered, not raised: the unit of work commits the failure the throttle counted.
        security_event("login_throttled" if exc.status == 429 else "second_factor_failure",
                       username=user.username)
        return render_template("auth/login_code.html", form=form, error=exc.message), exc.status
    target = safe_next(second_step.next_path())
    start_session(user)
    if kind == "recovery":
        left = second_factor.unused_recovery_codes(user)
        security_event("recovery_code_used", username=user.username, left=left, actor=user)
        flash(_("You logged in with a recovery code; %(n)s are left. If your phone is lost, "
                "set up two-step verification again or make new recovery codes.", n=left),
              "info")
    return redirect(target or url_for("main.home"))


@bp.route("/account/second-factor")
@login_required
def second_factor_status():
    user = current_user._get_current_object()
    factor = second_factor.active_factor(user)
    return render_template(
        "auth/second_factor.html", factor=factor, renew=CodeForm(prefix="renew"),
        off=CodeForm(prefix="off"),
        required=user.role in second_factor.required_roles(),
        left=second_factor.unused_recovery_codes(user) if factor else 0)


@bp.route("/account/second-factor/enrol", methods=["GET", "POST"])
@login_required
@refusal_redirects("auth.second_factor_status")
def second_factor_enrol():
    user = current_user._get_current_object()
    form = CodeForm()
    if form.validate_on_submit():
        with refusal_on(form):
            codes = second_factor.confirm_enrolment(user, form.code.data)
            security_event("second_factor_enrolled")
            return _show_codes(codes, _("Two-step verification is on."))
        status = 422
    else:
        status = 200
    with write_transaction():  # the pending secret is made on first sight, kept until used
        secret = second_factor.pending_secret(user)
    uri = second_factor.provisioning_uri(user, secret)
    return render_template(
        "auth/second_factor_enrol.html", form=form, qr=qr_svg(uri, title=_("Set-up QR code")),
        secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        required=user.role in second_factor.required_roles()), status


def _show_codes(codes: list[str], message: str):
    # Shown in this answer only: never stored in the clear, never shown again.
    return render_template("auth/recovery_codes.html", codes=codes, message=message,
                           form=ConfirmForm())


@bp.post("/account/second-factor/recovery-codes")
@login_required
@refusal_redirects("auth.second_factor_status")
def second_factor_new_codes():
    user = current_user._get_current_object()
    form = CodeForm(prefix="renew")
    if not form.validate_on_submit():
        raise Invalid(_("Enter the code of your authenticator app."), field="code")
    if not _code_accepted(user, form.code.data):
        return redirect(url_for("auth.second_factor_status"))
    codes = second_factor.new_recovery_codes(user)
    security_event("recovery_codes_renewed")
    return _show_codes(codes, _("New recovery codes made; the old ones no longer work."))


@bp.post("/account/second-factor/recovery-codes.txt")
@login_required
def second_factor_codes_file():
    """The recovery codes just shown, as a text file: the page posts them back, and only
    codes the user really holds unused are echoed (nothing else can be made to download)."""
    user = current_user._get_current_object()
    codes = request.form.getlist("code")[:second_factor.RECOVERY_CODES]
    if not ConfirmForm().validate_on_submit() or not second_factor.are_unused_codes(user, codes):
        flash(_("These recovery codes are no longer valid."), "error")
        return redirect(url_for("auth.second_factor_status"))
    lines = [_("Grid Trainer recovery codes for %(name)s", name=user.username),
             _("Each code works once, in place of the code of your authenticator app."), "",
             *codes, ""]
    return Response("\r\n".join(lines), mimetype="text/plain", headers={
        "Content-Disposition": "attachment; filename=recovery-codes.txt"})


@bp.post("/account/second-factor/off")
@login_required
@refusal_redirects("auth.second_factor_status")
def second_factor_off():
    user = current_user._get_current_object()
    form = CodeForm(prefix="off")
    if user.role in second_factor.required_roles():
        raise Invalid(_("Your role must use two-step verification."), field="code")
    if not form.validate_on_submit():
        raise Invalid(_("Enter the code of your authenticator app."), field="code")
    if not _code_accepted(user, form.code.data):
        return redirect(url_for("auth.second_factor_status"))
    second_factor.reset(user)
    security_event("second_factor_removed")
    start_session(user)  # keep this browser logged in; every other session has ended
    flash(_("Two-step verification is off. Other devices have been logged out."), "ok")
    return redirect(url_for("auth.second_factor_status"))


def _code_accepted(user, code: str) -> bool:
    """Check a code under the login throttle (a failure counts and is committed)."""
    try:
        services.verify_second_step(user, code, client_address(), logging_in=False)
    except (services.BadCredentials, services.Throttled) as exc:
        security_event("second_factor_failure")
        flash(exc.message, "error")
        return False
    return True
