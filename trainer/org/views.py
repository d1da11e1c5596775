"""Admin pages for the organisation tree and the people import."""

import os

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.audit import events as audit
from trainer.auth.access import admin_required
from trainer.auth.forms import ConfirmForm
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.jobs import queue as jobs_queue
from trainer.jobs.models import Job
from trainer.org import pickers, services
from trainer.org.forms import MoveForm, PeopleImportForm, RenameForm, UnitForm
from trainer.org.models import PARENT_LEVEL, Department, Unit
from trainer.org.scope import units_query
from trainer.security import security_event
from trainer.unit_of_work import refusal_redirects

bp = Blueprint("org", __name__, url_prefix="/admin/org")


@bp.route("/")
@admin_required
def units():
    """The tree one level at a time (``under``: a unit's children, else the top units), or
    the units whose name or code holds ``q`` with the path to each: a city's thousands of
    grids are never rendered at once (50 a page)."""
    q = (request.args.get("q") or "").strip()[:40]
    under = db.session.get(Unit, request.args.get("under", type=int) or 0)
    stmt = units_query(current_user)
    if q:
        stmt = stmt.where(sa.or_(Unit.name.contains(q, autoescape=True),
                                 Unit.code.contains(q, autoescape=True)))
    elif under is not None:
        stmt = stmt.where(Unit.parent_id == under.id)
    else:
        stmt = stmt.where(Unit.parent_id.is_(None))
    page = db.paginate(stmt, page=request.args.get("page", 1, type=int), per_page=50,
                       error_out=False)
    ids = {int(i) for u in page.items for i in u.path.strip("/").split("/") if i}
    if under is not None:
        ids |= {int(i) for i in under.path.strip("/").split("/") if i}
    names = dict(db.session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
    child = sa.orm.aliased(Unit)
    counts = dict(db.session.execute(
        sa.select(child.parent_id, sa.func.count()).where(
            child.parent_id.in_([u.id for u in page.items])).group_by(child.parent_id)).all())
    departments = db.session.scalars(sa.select(Department).order_by(Department.id)).all()
    form = UnitForm()
    form.parent.choices = pickers.parent_choices(current_user, also=under,
                                                 first=("", _("None (a top unit)")))
    if under is not None:  # a new unit goes under the unit browsed, unless changed
        form.parent.data = under.code
    return render_template("org/units.html", page=page, departments=departments,
                           form=form, q=q, under=under, names=names, counts=counts,
                           trail=lambda unit: [names.get(int(i), "") for i in
                                               unit.path.strip("/").split("/")[:-1] if i])


@bp.post("/units")
@admin_required
@refusal_redirects("org.units")
def create_unit():
    form = UnitForm()
    if form.validate_on_submit():
        parent = _parent(form.parent.data) if form.parent.data else None
        unit = services.create_unit(form.code.data or "", form.name.data, form.level.data,
                                    parent)
        _audit("unit_created", unit, code=unit.code, level=unit.level)
        flash(_("Unit %(name)s created.", name=unit.name), "ok")
    else:
        for errors in form.errors.values():
            flash("；".join(str(e) for e in errors), "error")
    return redirect(url_for("org.units"))


def _parent(code: str | None) -> Unit:
    """The parent chosen in the picker, within the admin's scope."""
    parent = db.session.scalar(units_query(current_user).where(Unit.code == (code or "")))
    if parent is None:
        raise Invalid(_("Choose the parent unit from the list; nothing was changed."),
                      field="parent")
    return parent


def _move_form(unit: Unit) -> MoveForm:
    form = MoveForm()
    level = PARENT_LEVEL.get(unit.level)
    form.parent.choices = pickers.parent_choices(
        current_user, levels=(level,) if level else (), outside=unit)
    if unit.parent is not None and request.method == "GET":
        form.parent.data = unit.parent.code
    return form


def _audit(action: str, unit: Unit, **details) -> None:
    audit.record(action, unit=unit, object_type="unit", object_id=unit.id,
                 object_label=unit.name, details=details)


def _unit(unit_id: int) -> Unit:
    unit = db.session.scalar(units_query(current_user).where(Unit.id == unit_id))
    if unit is None:
        abort(404)
    return unit


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@admin_required
def edit_unit(unit_id: int):
    unit = _unit(unit_id)
    rename = RenameForm(obj=unit)
    if rename.validate_on_submit():
        before = unit.name
        services.rename_unit(unit, rename.name.data)
        if unit.name != before:
            _audit("unit_renamed", unit, before=before, after=unit.name)
        flash(_("Saved."), "ok")
        return redirect(url_for("org.edit_unit", unit_id=unit.id))
    children = db.session.scalars(sa.select(Unit).where(Unit.parent_id == unit.id)
                                  .order_by(Unit.code)).all()
    return render_template("org/unit.html", unit=unit, rename=rename, move=_move_form(unit),
                           confirm=ConfirmForm(), children=children)


@bp.post("/units/<int:unit_id>/move")
@admin_required
@refusal_redirects("org.edit_unit", "unit_id")
def move_unit(unit_id: int):
    unit, form = _unit(unit_id), MoveForm()
    parent = _parent(form.parent.data if form.validate_on_submit() else None)
    before = unit.parent.code if unit.parent else None
    services.move_unit(unit, parent)
    _audit("unit_moved", unit, before=before, after=parent.code)
    flash(_("Unit moved."), "ok")
    return redirect(url_for("org.edit_unit", unit_id=unit.id))


@bp.post("/units/<int:unit_id>/active")
@admin_required
def toggle_unit(unit_id: int):
    unit = _unit(unit_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.set_unit_active(unit, not unit.active)
    _audit("unit_activated" if unit.active else "unit_deactivated", unit, code=unit.code)
    flash(_("Unit enabled.") if unit.active else _("Unit and everything under it deactivated."),
          "ok")
    return redirect(url_for("org.edit_unit", unit_id=unit.id))


@bp.route("/people/import", methods=["GET", "POST"])
@admin_required
def import_people():
    """The upload starts a background job (trainer.org.people_job) and sends the admin to
    its progress page: the file is checked there, imported in short batches, and the
    initial passwords offered for download once."""
    form = PeopleImportForm()
    if not form.validate_on_submit():
        recent = db.session.scalars(
            sa.select(Job).where(Job.owner_id == current_user.id, Job.kind == "people-import")
            .order_by(Job.id.desc()).limit(5)).all()
        return render_template("org/import.html", form=form, recent=recent)
    upload = form.file.data
    name = os.path.basename(upload.filename or "people.csv")[-80:]
    job = jobs_queue.start(
        "people-import", owner=current_user, title=_("People import: %(name)s", name=name),
        params={"filename": name, "actor_id": current_user.id},
        unit_id=current_user.unit_id, files={"input": upload.read()})
    security_event("people_import_started", job=job.id)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.app_template_global()
def current_path_with(**params) -> str:
    args = request.args.to_dict()
    args.update({k: v for k, v in params.items() if v is not None})
    return url_for(request.endpoint, **(request.view_args or {}), **args)
