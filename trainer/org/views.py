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
from trainer.org import services
from trainer.org.forms import MoveForm, PeopleImportForm, RenameForm, UnitForm
from trainer.org.models import Department, Unit
from trainer.org.scope import units_query
from trainer.security import security_event
from trainer.unit_of_work import refusal_redirects

bp = Blueprint("org", __name__, url_prefix="/admin/org")


@bp.route("/")
@admin_required
def units():
    page = db.paginate(units_query(current_user), per_page=50, error_out=False)
    departments = db.session.scalars(sa.select(Department).order_by(Department.id)).all()
    return render_template("org/units.html", page=page, departments=departments,
                           form=UnitForm())


@bp.post("/units")
@admin_required
@refusal_redirects("org.units")
def create_unit():
    form = UnitForm()
    if form.validate_on_submit():
        parent = services.unit_by_code(form.parent.data) if form.parent.data else None
        if form.parent.data and parent is None:
            raise Invalid(_("Unknown unit code."), field="parent")
        unit = services.create_unit(form.code.data, form.name.data, form.level.data, parent)
        _audit("unit_created", unit, code=unit.code, level=unit.level)
        flash(_("Unit %(name)s created.", name=unit.name), "ok")
    else:
        for errors in form.errors.values():
            flash("；".join(str(e) for e in errors), "error")
    return redirect(url_for("org.units"))


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
    return render_template("org/unit.html", unit=unit, rename=rename, move=MoveForm(),
                           confirm=ConfirmForm(), children=children)


@bp.post("/units/<int:unit_id>/move")
@admin_required
@refusal_redirects("org.edit_unit", "unit_id")
def move_unit(unit_id: int):
    unit, form = _unit(unit_id), MoveForm()
    parent = services.unit_by_code(form.parent.data or "") if form.validate_on_submit() else None
    if parent is None:
        raise Invalid(_("Unknown unit code."), field="parent")
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
