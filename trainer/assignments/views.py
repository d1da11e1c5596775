"""Required training pages: the organiser's list, new assignment, completion, close and
delete (each after a confirmation page); the worker's 「我的必修」."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.assignments import queries, services
from trainer.assignments.audience import audience_labels
from trainer.assignments.forms import AssignmentForm
from trainer.assignments.models import Assignment
from trainer.auth.access import roles_required
from trainer.auth.forms import ConfirmForm
from trainer.confirmation import confirmed, refused
from trainer.extensions import db
from trainer.learning.models import Course
from trainer.learning.queries import visible_courses
from trainer.org import pickers
from trainer.org.models import Unit
from trainer.org.pickers import people_labels
from trainer.plans.models import Plan
from trainer.plans.queries import plans_query
from trainer.quizzes.models import Quiz
from trainer.quizzes.queries import visible_quizzes
from trainer.simulation.queries import playable_scenarios
from trainer.unit_of_work import refusal_on

bp = Blueprint("assignments", __name__)


@bp.context_processor
def _labels() -> dict:
    return {"assignment_kind_label": lambda k: {"course": _("Course"), "quiz": _("Quiz"),
                                                "scenario": _("Scenario")}.get(k, k)}


def _get(assignment_id: int) -> Assignment:
    found = queries.get_managed(current_user, assignment_id)
    if found is None:
        abort(404)
    return found


@bp.route("/assignments")
@roles_required("organiser", "admin")
def index():
    stmt = queries.scoped_assignments(current_user).order_by(
        Assignment.closed_at.is_not(None), Assignment.due.desc(), Assignment.id.desc())
    page = db.paginate(stmt, page=request.args.get("page", 1, type=int), per_page=20,
                       error_out=False)
    counts = queries.completion_counts([a.id for a in page.items])
    return render_template("assignments/index.html", page=page, counts=counts,
                           today=queries.today())


def target_choices(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices "kind:key" -> title, Chinese titles only (never typed codes)."""
    courses = db.session.scalars(visible_courses(user).where(Course.status == "published")
                                 .order_by(Course.title))
    quizzes = db.session.scalars(visible_quizzes(user).where(Quiz.published.is_(True))
                                 .order_by(Quiz.title))
    scenarios = db.session.scalars(playable_scenarios(user))
    return [(_("Courses"), [(f"course:{c.slug}", c.title) for c in courses]),
            (_("Quizzes"), [(f"quiz:{q.id}", q.title) for q in quizzes]),
            (_("Scenarios"), [(f"scenario:{s.slug}", s.title) for s in scenarios])]


def plan_choices(user) -> list[tuple[str, str]]:
    plans = db.session.scalars(plans_query(user).order_by(Plan.year.desc(), Unit.code)
                               .limit(50))
    return [("", _("Not part of a plan"))] + [
        (str(p.id), _("%(year)s plan of %(street)s", year=p.year, street=p.street.name))
        for p in plans]


@bp.route("/assignments/new", methods=["GET", "POST"])
@roles_required("organiser")
def new():
    form = AssignmentForm()
    groups = target_choices(current_user)
    form.target.choices = [("", _("Choose…"))] + [c for _g, items in groups for c in items]
    form.plan.choices = plan_choices(current_user)
    chosen = pickers.chosen_from(request.form)
    status = 200
    if request.method == "POST" and not pickers.finding(request.form):
        if form.validate_on_submit():
            kind, _sep, key = form.target.data.partition(":")
            with refusal_on(form, {"kind": "target"}, on_form=True) as refusal:
                audience = {k: v for k, v in chosen.items() if v}
                assignment = services.create_assignment(
                    current_user, kind, key, audience, form.due.data.isoformat(),
                    form.plan.data or None)
                flash(_("Assigned “%(title)s”.", title=assignment.title), "ok")
                return redirect(url_for("assignments.detail", assignment_id=assignment.id))
            status = refusal.status or 422
        else:
            status = 422
    return render_template("assignments/new.html", form=form, groups=groups,
                           picker=pickers.picker(current_user, request.form)), status


@bp.route("/assignments/<int:assignment_id>")
@roles_required("organiser", "admin")
def detail(assignment_id: int):
    a = _get(assignment_id)
    units = queries.per_unit(a)
    total = sum(t for _u, t, _d in units)
    done = sum(d for _u, _t, d in units)
    page = db.paginate(queries.not_done_query(a), page=request.args.get("page", 1, type=int),
                       per_page=30, error_out=False)
    plan = db.session.get(Plan, a.plan_id) if a.plan_id else None
    success = queries.success_count(a) if a.kind == "scenario" else None
    return render_template("assignments/detail.html", a=a, units=units, total=total,
                           done=done, success=success, page=page, labels=people_labels(page.items),
                           audience=audience_labels(a), plan=plan,
                           today=queries.today(), link=queries.link_of(a))


@bp.route("/assignments/<int:assignment_id>/close", methods=["GET", "POST"])
@roles_required("organiser")
def close(assignment_id: int):
    a = _get(assignment_id)
    if request.method == "GET":
        return render_template("assignments/confirm.html", a=a, action="close",
                               form=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirmed():
        refused(_("Tick the box to confirm; nothing was changed."))
        return redirect(url_for("assignments.close", assignment_id=a.id))
    services.close_assignment(a)
    flash(_("Closed: workers no longer see it among their required training."), "ok")
    return redirect(url_for("assignments.detail", assignment_id=a.id))


@bp.route("/assignments/<int:assignment_id>/delete", methods=["GET", "POST"])
@roles_required("organiser")
def delete(assignment_id: int):
    a = _get(assignment_id)
    if request.method == "GET":
        return render_template("assignments/confirm.html", a=a, action="delete",
                               form=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not confirmed():
        refused(_("Tick the box to confirm; nothing was changed."))
        return redirect(url_for("assignments.delete", assignment_id=a.id))
    services.delete_assignment(a)
    flash(_("Assignment deleted."), "ok")
    return redirect(url_for("assignments.index"))


@bp.route("/my/assignments")
@login_required
def mine():
    items = queries.my_assignments(current_user)
    return render_template("assignments/mine.html",
                           open_items=[m for m in items if not m.done],
                           done_items=[m for m in items if m.done])
