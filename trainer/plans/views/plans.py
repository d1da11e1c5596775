"""Plan pages: the index, a plan with its sessions and review trail, export, compliance."""

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.access import roles_required, staff_required
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department, Unit
from trainer.plans import compliance as compliance_service
from trainer.plans import halves, services
from trainer.plans.export import plan_workbook
from trainer.plans.forms import CommentForm, CopyPlanForm, NewPlanForm, PlanForm, ReviewForm
from trainer.plans.models import Plan
from trainer.plans.queries import (
    can_create_plan,
    can_edit_plan,
    can_review_plan,
    can_schedule,
    plans_query,
    streets_in_scope,
)
from trainer.plans.views.blueprint import bp
from trainer.plans.views.common import session_rows
from trainer.unit_of_work import refusal_on

organiser_required = roles_required("organiser")


def this_year() -> int:
    return halves.half_of(utcnow()).year


def year_arg() -> int:
    return halves.parse_year(request.args.get("year")) or this_year()


def _with_choices(form):
    if hasattr(form, "departments"):
        depts = db.session.scalars(sa.select(Department).where(Department.active)
                                   .order_by(Department.id))
        form.departments.choices = [(d.code, d.name) for d in depts]
    if hasattr(form, "street"):
        form.street.choices = [(s.code, s.name) for s in streets_in_scope(current_user)
                               if can_create_plan(current_user, s)]
    return form


def _priorities(form) -> services.Priorities:
    return services.Priorities(form.priorities.data or "", form.departments.data or [],
                               form.competencies.data or [], form.half1_focus.data or "",
                               form.half2_focus.data or "")


def _index(form=None, copy=None, status=200):
    year = year_arg()
    stmt = plans_query(current_user).where(Plan.year == year).order_by(Unit.code)
    page = db.paginate(stmt, per_page=20, error_out=False)
    form = form or _with_choices(NewPlanForm(year=year, formdata=None))
    copy = copy or _with_choices(CopyPlanForm(year=year, formdata=None, prefix="copy"))
    return render_template("plans/index.html", page=page, year=year, form=form, copy=copy,
                           may_create=bool(form.street.choices)), status


@bp.route("/plans")
@staff_required
def index():
    return _index()


@bp.post("/plans")
@organiser_required
def create():
    form = _with_choices(NewPlanForm())
    if not form.validate_on_submit():
        return _index(form=form, status=422)
    with refusal_on(form, on_form=True) as refusal:
        street = services.street_by_code(current_user, form.street.data)
        plan = services.create_plan(current_user, street, form.year.data, _priorities(form))
        flash(_("Plan created."), "ok")
        return redirect(url_for("plans.plan", plan_id=plan.id))
    return _index(form=form, status=refusal.status)


@bp.post("/plans/copy")
@organiser_required
def copy_forward():
    copy = _with_choices(CopyPlanForm(prefix="copy"))
    if not copy.validate_on_submit():
        return _index(copy=copy, status=422)
    with refusal_on(copy, on_form=True) as refusal:
        street = services.street_by_code(current_user, copy.street.data)
        plan = services.copy_plan_forward(current_user, street, copy.year.data)
        flash(_("Plan started from last year's: check the copied sessions' dates."), "ok")
        return redirect(url_for("plans.plan", plan_id=plan.id))
    return _index(copy=copy, status=refusal.status)


def _plan_page(plan: Plan, form=None, status=200):
    form = form or _with_choices(PlanForm(obj=None, formdata=None, data={
        "priorities": plan.priorities, "departments": plan.departments,
        "competencies": plan.competencies, "half1_focus": plan.half1_focus,
        "half2_focus": plan.half2_focus}))
    halves_rows = {h: session_rows([s for s in plan.sessions if s.half == h]) for h in (1, 2)}
    return render_template(
        "plans/plan.html", plan=plan, form=form, halves_rows=halves_rows,
        department_names=services.department_names(plan.departments),
        review=ReviewForm(formdata=None), comment=CommentForm(formdata=None),
        may_edit=can_edit_plan(current_user, plan) and plan.status == "draft",
        may_review=can_review_plan(current_user) and plan.status == "submitted",
        may_schedule=can_schedule(current_user, plan)), status


@bp.route("/plans/<int:plan_id>", methods=["GET", "POST"])
@staff_required
def plan(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    if request.method == "GET":
        return _plan_page(plan)
    form = _with_choices(PlanForm())
    if not form.validate_on_submit():
        return _plan_page(plan, form, 422)
    with refusal_on(form, on_form=True) as refusal:
        services.update_plan(current_user, plan, _priorities(form))
        flash(_("Saved."), "ok")
        return redirect(url_for("plans.plan", plan_id=plan.id))
    return _plan_page(services.get_plan(current_user, plan_id), form, refusal.status)


# The small form actions on a plan: a plan out of reach is an error page (404), a refusal
# of the action itself comes back as a message on the plan.


@bp.post("/plans/<int:plan_id>/submit")
@organiser_required
def submit(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    with refusal_on(None):
        services.submit_plan(current_user, plan, request.form.get("note", "")[:2000])
        flash(_("Plan submitted for approval."), "ok")
    return redirect(url_for("plans.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/review")
@organiser_required
def review(plan_id: int):
    plan, form = services.get_plan(current_user, plan_id), ReviewForm()
    with refusal_on(None):
        if not form.validate_on_submit():
            raise Invalid(_("Choose approve or return."), field="decision")
        approve = form.decision.data == "approve"
        services.review_plan(current_user, plan, approve, form.comment.data)
        flash(_("Plan approved.") if approve else _("Plan returned for changes."), "ok")
    return redirect(url_for("plans.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/comments")
@organiser_required
def comment(plan_id: int):
    plan, form = services.get_plan(current_user, plan_id), CommentForm()
    with refusal_on(None):
        if not form.validate_on_submit():
            raise Invalid(_("The form has expired or is invalid. Please reload the page and "
                            "try again."), field="comment")
        services.comment_on_plan(current_user, plan, form.remark.data)
        flash(_("Comment added."), "ok")
    return redirect(url_for("plans.plan", plan_id=plan_id))


@bp.route("/plans/<int:plan_id>/export.xlsx")
@staff_required
def export(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    filename = f"plan-{plan.street.code}-{plan.year}.xlsx"
    return Response(plan_workbook(plan), headers={
        "Content-Disposition": f'attachment; filename="{filename}"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/compliance")
@roles_required("organiser", "admin")
def compliance():
    """One calendar year with ?year=, else the last, current and next half-years."""
    year = halves.parse_year(request.args.get("year"))
    if year is None:
        year, periods = None, compliance_service.around(utcnow())
    else:
        periods = [halves.Half(year, 1), halves.Half(year, 2)]
    rows = compliance_service.compliance_for(current_user, periods)
    return render_template("plans/compliance.html", rows=rows, year=year,
                           per_street=len(periods), shown_year=year or this_year())
