"""Erasing personal data: one person (with a confirmation page saying what happens), the
ledger of erasures, each district's retention of deactivated accounts, and the bulk
erasure of the accounts past it."""

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth import erasure
from trainer.auth.access import admin_required
from trainer.auth.erasers import erasers
from trainer.auth.models import Erasure, RetentionSetting, User
from trainer.errors import DomainError
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Unit
from trainer.org.scope import users_query
from trainer.privacy.forms import EraseForm, RetentionForm
from trainer.privacy.views.blueprint import bp
from trainer.security import security_event
from trainer.unit_of_work import refusal_on


def _user_in_scope(user_id: int) -> User:
    user = db.session.scalar(users_query(current_user).where(User.id == user_id))
    if user is None:
        abort(404)
    return user


def _what_is_erased() -> list[str]:
    return [line for _key, eraser in erasers.items() for line in eraser.columns]


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@admin_required
def erase_user(user_id: int):
    user = _user_in_scope(user_id)
    form = EraseForm()
    problem = erasure.refusal(user, current_user)
    ctx = {"user": user, "problem": problem, "columns": _what_is_erased()}
    if problem or not form.validate_on_submit():
        return render_template("privacy/erase.html", form=form, **ctx), (
            422 if request.method == "POST" else 200)
    with refusal_on(form, above=True):
        row = erasure.erase(user, by=current_user, reason=form.reason.data)
        security_event("personal_data_erased", target_id=user.id, pseudonym=row.pseudonym)
        flash(_("The personal data of the account was erased; it is now %(name)s.",
                name=row.pseudonym), "ok")
        return redirect(url_for("auth.edit_user", user_id=user.id))
    return render_template("privacy/erase.html", form=form, **ctx), 422


def _districts() -> list[Unit]:
    return list(db.session.scalars(sa.select(Unit).where(Unit.level == "district")
                                   .order_by(Unit.code)))


@bp.route("/admin/erasures")
@admin_required
def erasures():
    page = db.paginate(sa.select(Erasure).order_by(Erasure.at.desc(), Erasure.id.desc()),
                       per_page=20, error_out=False)
    settings = {s.district_id: s for s in db.session.scalars(sa.select(RetentionSetting))}
    form = RetentionForm()
    form.district.choices = [(d.code, d.name) for d in _districts()]
    return render_template("privacy/erasures.html", page=page, settings=settings,
                           districts=_districts(), form=form, candidates=_candidates().count)


@bp.post("/admin/erasures/retention")
@admin_required
def set_retention():
    form = RetentionForm()
    districts = {d.code: d for d in _districts()}
    form.district.choices = [(code, d.name) for code, d in districts.items()]
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(errors[0], "error")
        return redirect(url_for(".erasures"))
    district = districts[form.district.data]
    setting = db.session.get(RetentionSetting, district.id)
    if setting is None:
        setting = RetentionSetting(district_id=district.id, days=form.days.data)
        db.session.add(setting)
    setting.days, setting.updated_by_id = form.days.data, current_user.id
    security_event("retention_set", district=district.code, district_name=district.name,
                   days=form.days.data)
    flash(_("Deactivated accounts of %(district)s may be erased %(days)s days after "
            "deactivation.", district=district.name, days=form.days.data), "ok")
    return redirect(url_for(".erasures"))


class _Candidates:
    def __init__(self, stmt):
        self.stmt = stmt

    @property
    def count(self) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(self.stmt.subquery()))


def _candidates() -> _Candidates:
    """Deactivated, not yet erased accounts past their district's retention."""
    now = utcnow()
    clauses = [sa.and_(Unit.district_id == s.district_id,
                       User.deactivated_at <= now - timedelta(days=s.days))
               for s in db.session.scalars(sa.select(RetentionSetting))]
    stmt = (sa.select(User).join(Unit, Unit.id == User.unit_id)
            .where(User.active.is_(False), User.erased_at.is_(None),
                   User.deactivated_at.is_not(None), sa.or_(sa.false(), *clauses))
            .order_by(User.deactivated_at, User.id))
    return _Candidates(stmt)


@bp.route("/admin/erasures/bulk", methods=["GET", "POST"])
@admin_required
def bulk_erase():
    found = _candidates()
    form = EraseForm()
    if request.method == "POST" and form.validate_on_submit():
        done, refused = 0, []
        for user in db.session.scalars(found.stmt).all():
            try:
                with db.session.begin_nested():  # all or nothing per person
                    row = erasure.erase(user, by=current_user, reason=form.reason.data)
            except DomainError as exc:
                refused.append(exc.message)
                continue
            security_event("personal_data_erased", target_id=user.id, pseudonym=row.pseudonym,
                           bulk=True)
            done += 1
        flash(_("%(n)s accounts erased.", n=done), "ok")
        for message in refused:
            flash(message, "error")
        return redirect(url_for(".erasures"))
    page = db.paginate(found.stmt, per_page=20, error_out=False)
    status = 422 if request.method == "POST" else 200
    return render_template("privacy/bulk.html", page=page, form=form,
                           columns=_what_is_erased()), status
