"""Annual assessment pages: the district's rule (set by its organisers, read by the
streets'), the ratings of a street or community with the evidence and a bulk
confirmation, one worker's override with a reason, and the export download."""

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.access import roles_required
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.scope import district_id_of, district_ids_of
from trainer.records import assessment
from trainer.records.forms import ConfirmForm, OverrideForm, RuleForm
from trainer.records.models import RATINGS
from trainer.records.rollup import rollup
from trainer.records.services import export_file, export_rows
from trainer.records.views.blueprint import (
    XLSX,
    bp,
    check_unit,
    page_of,
    record_half,
    record_year,
    unit_id_in_view,
    years,
)
from trainer.records.views.record import worker_in_scope
from trainer.unit_of_work import refusal_on


def _district() -> Unit:
    """The district whose rule is in view: the caller's own; an admin or a city organiser
    names one (``?district=ID``, else the first in reach)."""
    own = district_id_of(current_user)
    if own is None or (current_user.unit is not None and current_user.unit.level == "city"):
        reach = district_ids_of(current_user)
        raw = request.values.get("district", "")
        stmt = sa.select(Unit).where(Unit.level == "district").order_by(Unit.path)
        if reach is not None:
            stmt = stmt.where(Unit.id.in_(reach))
        if raw.isdigit():
            stmt = stmt.where(Unit.id == int(raw))
        unit = db.session.scalars(stmt.limit(1)).first()
    else:
        unit = db.session.get(Unit, own)
    if unit is None:
        abort(404)
    return unit


@bp.route("/records/assessment/rule", methods=["GET", "POST"])
@roles_required("organiser", "admin")
def rule():
    year, district = record_year(), _district()
    current = assessment.rule_for(district.id, year)
    may_set = assessment.may_set_rule(current_user, district.id)
    form = RuleForm(data=current.values())
    if request.method == "POST":
        if not may_set:
            abort(403)
        if form.validate_on_submit():
            with refusal_on(form) as refusal:
                assessment.set_rule(current_user, district.id, year,
                                    {k: form[k].data for k in assessment.FIELDS})
            if refusal.error is None:
                flash(_("The assessment rule for %(year)s is saved.", year=year), "ok")
                return redirect(url_for("records.rule", year=year, district=district.id))
    return render_template("records/rule.html", form=form, rule=current, may_set=may_set,
                           district=district, year=year, years=years(),
                           trail=assessment.rule_trail(district.id, year))


def _ratings_data():
    """The rollup of the unit in view (or the whole scope), with the decided ratings."""
    unit_id = unit_id_in_view()
    data = rollup(current_user, record_year(), within=unit_id, with_ratings=True)
    return data, check_unit(unit_id, data.population.units)


@bp.route("/records/ratings")
@roles_required("organiser", "admin")
def ratings():
    year = record_year()
    data, unit = _ratings_data()
    pending = sum(1 for r in data.rows if r.rating is None)
    form = ConfirmForm(unit=unit.id if unit else "")
    return render_template("records/ratings.html", rows=page_of(data.rows), data=data,
                           unit=unit, year=year, years=years(), pending=pending, form=form,
                           rule=data.rule(), units=_rating_units())


def _rating_units() -> list[Unit]:
    """Streets and communities in the caller's scope (the bulk confirmation's choices)."""
    from trainer.org.scope import units_query

    return list(db.session.scalars(units_query(current_user).where(
        Unit.level.in_(("street", "community")))))


@bp.route("/records/ratings/confirm", methods=["POST"])
@roles_required("organiser", "admin")
def confirm_ratings():
    year = record_year()
    data, unit = _ratings_data()
    form = ConfirmForm()
    back = url_for("records.ratings", year=year, unit=unit.id if unit else None)
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm the suggested ratings."), "error")
        return redirect(back)
    count = assessment.confirm(current_user, year, {
        r.worker.id: (r.suggested, r.year_figures, r.worker.district_id)
        for r in data.rows if r.rating is None})
    flash(_("%(n)s suggested ratings confirmed.", n=count), "ok")
    return redirect(back)


@bp.route("/records/ratings/<int:user_id>", methods=["GET", "POST"])
@roles_required("organiser", "admin")
def rate_worker(user_id: int):
    user = worker_in_scope(user_id)
    year = record_year()
    data = rollup(current_user, year, within=user.unit, with_ratings=True)
    row = next((r for r in data.rows if r.worker.id == user_id), None)
    if row is None:
        abort(404)
    form = OverrideForm(final=row.final, reason=row.rating.reason if row.rating else "")
    form.final.choices = [(r, assessment.RATING_NAMES[r]) for r in RATINGS]
    if form.validate_on_submit():
        with refusal_on(form) as refusal:
            assessment.override(current_user, user_id, year, row.suggested, form.final.data,
                                form.reason.data, row.year_figures, row.worker.district_id)
        if refusal.error is None:
            flash(_("The rating of %(name)s is saved.", name=user.name), "ok")
            return redirect(url_for("records.ratings", year=year,
                                    unit=row.worker.street.id if row.worker.street else None))
    return render_template("records/rate_worker.html", form=form, row=row, user=user,
                           year=year, trail=assessment.worker_trail(user_id, year))


@bp.route("/records/export", methods=["POST"])
@roles_required("organiser", "admin")
def export_in_background():
    """Start the export on the job queue (the district-wide one: thousands of workers) and
    show its progress page, where the file downloads when it is ready."""
    from trainer.jobs import queue

    year, half, unit_id = record_year(), record_half(), unit_id_in_view()
    fmt = request.values.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        abort(404)
    job = queue.start("records-export", owner=current_user,
                      title=_("Training records %(year)s", year=year),
                      params={"viewer_id": current_user.id, "year": year, "half": half,
                              "unit_id": unit_id, "fmt": fmt}, unit_id=unit_id)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/records/export")
@roles_required("organiser", "admin")
def export():
    """The annual export of the workers in view (the caller's scope, or one unit)."""
    year, half, unit_id = record_year(), record_half(), unit_id_in_view()
    fmt = request.args.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        abort(404)
    rows = export_rows(year, half, unit_id, viewer=current_user,
                       check=lambda units: check_unit(unit_id, units))
    name = f"records-{year}{'-h' + str(half) if half else ''}.{fmt}"
    return Response(export_file(fmt, year, rows),
                    mimetype=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
