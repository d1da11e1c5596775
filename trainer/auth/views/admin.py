"""Admin user management: list, create, change role and scope, deactivate, reset password."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth import second_factor, services
from trainer.auth.access import admin_required
from trainer.auth.forms import (
    ConfirmForm,
    ResetPasswordForm,
    ResetSecondFactorForm,
    ScopeForm,
    UserForm,
)
from trainer.auth.models import User
from trainer.auth.views.blueprint import bp
from trainer.confirmation import confirmed, refused
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.org.models import Department
from trainer.org.scope import users_query
from trainer.org.services import department_by_code, unit_by_code
from trainer.security import security_event
from trainer.unit_of_work import refusal_on, refusal_redirects


def _department_choices():
    rows = db.session.scalars(sa.select(Department).order_by(Department.id))
    return [("", _("None"))] + [(d.code, d.name) for d in rows]


def _resolve(form):
    unit = unit_by_code(form.unit.data) if form.unit.data else None
    if form.unit.data and unit is None:
        raise Invalid(_("Unknown unit code."), field="unit")
    dept = department_by_code(form.department.data) if form.department.data else None
    return unit, dept


@bp.route("/admin/users")
@admin_required
def users():
    q = request.args.get("q", "").strip()[:40]
    stmt = users_query(current_user)
    if q:
        stmt = stmt.where(sa.or_(User.username.contains(q), User.name.contains(q)))
    page = db.paginate(stmt, per_page=20, error_out=False)
    return render_template("auth/users.html", page=page, q=q, form=ConfirmForm())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def create_user():
    form = UserForm()
    form.department.choices = _department_choices()
    if not form.validate_on_submit():
        return render_template("auth/user_new.html", form=form)
    with refusal_on(form):
        unit, dept = _resolve(form)
        user = services.create_user(form.username.data, form.name.data, form.role.data,
                                    form.password.data, unit=unit, department=dept,
                                    phone=form.phone.data or None, initial=True)
        security_event("user_created", target=user.username, role=user.role, about=user)
        flash(_("Account %(name)s created.", name=user.username), "ok")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_new.html", form=form), 422


def _user_in_scope(user_id: int) -> User:
    user = db.session.scalar(users_query(current_user).where(User.id == user_id))
    if user is None:
        abort(404)
    return user


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = _user_in_scope(user_id)
    form = ScopeForm(obj=None if request.method == "POST" else user)
    form.department.choices = _department_choices()
    if request.method == "GET":
        form.unit.data = user.unit.code if user.unit else ""
        form.department.data = user.department.code if user.department else ""
    ctx = {"user": user, "reset": ResetPasswordForm(), "confirm": ConfirmForm(),
           "factor": second_factor.active_factor(user), "factor_form": ResetSecondFactorForm()}
    if not form.validate_on_submit():
        return render_template("auth/user_edit.html", form=form, **ctx)
    with refusal_on(form):
        unit, dept = _resolve(form)
        before = {"role": user.role, "unit": user.unit.code if user.unit else None,
                  "department": user.department.code if user.department else None}
        services.change_role_scope(user, form.role.data, unit, dept)
        security_event("role_change", target=user.username, role=user.role, about=user,
                       unit=user.unit.code if user.unit else None,
                       department=user.department.code if user.department else None,
                       before=before)
        flash(_("Role and scope saved; the user's sessions have ended."), "ok")
        return redirect(url_for("auth.edit_user", user_id=user.id))
    return render_template("auth/user_edit.html", form=form, **ctx), 422


@bp.post("/admin/users/<int:user_id>/password")
@admin_required
@refusal_redirects("auth.edit_user", "user_id")
def reset_password(user_id: int):
    user = _user_in_scope(user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        raise Invalid(_("Password must be at least 8 characters."), field="password")
    services.set_password(user, form.password.data, initial=True)
    security_event("password_reset", target=user.username, about=user)
    flash(_("Password reset; the user's sessions have ended and they must choose a new "
            "password at their next login."), "ok")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/second-factor")
@admin_required
@refusal_redirects("auth.edit_user", "user_id")
def reset_second_factor(user_id: int):
    """A lost phone: remove the user's second factor and recovery codes, end every session
    and token of the user, and audit it with the reason given."""
    user = _user_in_scope(user_id)
    form = ResetSecondFactorForm()
    if not form.validate_on_submit():
        raise Invalid(_("Give the reason and confirm that you checked who is asking."),
                      field="reason")
    second_factor.reset(user)
    security_event("second_factor_reset", target=user.username, reason=form.reason.data,
                   about=user)
    flash(_("Two-step verification of %(name)s was reset; the user's sessions have ended.",
            name=user.username), "ok")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/active")
@admin_required
def toggle_user(user_id: int):
    user = _user_in_scope(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("auth.edit_user", user_id=user.id))
    if user.active and not confirmed():
        refused(_("Tick the box to confirm the deactivation; nothing was changed."))
        return redirect(url_for("auth.edit_user", user_id=user.id))
    services.set_active(user, not user.active)
    security_event("user_activated" if user.active else "user_deactivated", target=user.username,
                   about=user)
    flash(_("Account enabled.") if user.active else _("Account deactivated."), "ok")
    return redirect(url_for("auth.edit_user", user_id=user.id))
