"""Creating and closing assignments. Views and the API call these; they never commit."""

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.assignments import audience as aud
from trainer.assignments.models import KINDS, Assignment
from trainer.errors import Forbidden, Invalid
from trainer.extensions import db
from trainer.learning.models import Course
from trainer.learning.queries import visible_courses
from trainer.models import utcnow
from trainer.org.models import Unit
from trainer.org.scope import district_for, street_id_of
from trainer.plans.models import Plan
from trainer.plans.queries import plans_query
from trainer.quizzes.models import Quiz
from trainer.quizzes.queries import visible_quizzes
from trainer.simulation.models import Scenario
from trainer.simulation.queries import playable_scenarios

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Target:
    kind: str
    id: int
    key: str  # slug, or the quiz's id
    title: str
    street_id: int | None


def parse_due(value) -> date:
    """A due date written "YYYY-MM-DD" (2000–2100); a past date is accepted."""
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise Invalid(_("The due date must be a date written YYYY-MM-DD."), field="due")
    try:
        due = date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(_("The due date is not a real calendar date."), field="due") from None
    if not 2000 <= due.year <= 2100:
        raise Invalid(_("The due date must be between 2000 and 2100."), field="due")
    return due


def _as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**31 else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip()) if len(value.strip()) < 10 else None
    return None


def resolve_target(user, kind, value) -> Target:
    """The published course, quiz or scenario named by slug or id, within ``user``'s scope;
    an unknown one and one outside the scope get the same 422."""
    if kind not in KINDS:
        raise Invalid(_("The kind must be course, quiz or scenario."), field="kind")
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise Invalid(_("The target must be a slug or an id."), field="target")
    ident = _as_id(value)
    unknown = Invalid(_("Unknown %(kind)s “%(target)s”.", kind=kind_label(kind),
                        target=str(value)[:80]), field="target")
    if kind == "course":
        stmt = visible_courses(user).where(Course.status == "published")
        stmt = stmt.where(Course.id == ident if ident else Course.slug == str(value).strip())
        found = db.session.scalar(stmt)
        if found is None:
            raise unknown
        return Target(kind, found.id, found.slug, found.title, found.street_id)
    if kind == "quiz":
        if ident is None:
            raise unknown
        found = db.session.scalar(visible_quizzes(user).where(Quiz.id == ident,
                                                              Quiz.published.is_(True)))
        if found is None:
            raise unknown
        return Target(kind, found.id, str(found.id), found.title, found.street_id)
    stmt = playable_scenarios(user)
    stmt = stmt.where(Scenario.id == ident if ident else Scenario.slug == str(value).strip())
    found = db.session.scalar(stmt)
    if found is None:
        raise unknown
    return Target(kind, found.id, found.slug, found.title, found.street_id)


def kind_label(kind: str) -> str:
    return {"course": _("course"), "quiz": _("quiz"), "scenario": _("scenario")}.get(kind, kind)


def _check_street(target: Target, members: list) -> None:
    """Content private to one street is assigned to that street's people only."""
    if target.street_id is None:
        return
    for member in members:
        unit = member if isinstance(member, Unit) else member.unit
        if unit is None or unit.street_id != target.street_id:
            raise Invalid(_("“%(title)s” belongs to one street: its audience must be in that "
                            "street.", title=target.title), field="audience")


def _plan(user, plan_id, due: date) -> tuple[Plan | None, int | None]:
    if plan_id is None or plan_id == "":
        return None, None
    ident = _as_id(plan_id)
    plan = db.session.scalar(plans_query(user).where(Plan.id == ident)) if ident else None
    if plan is None:
        raise Invalid(_("Unknown plan."), field="plan")
    if plan.year != due.year:
        raise Invalid(_("The due date lies outside the plan's year."), field="plan")
    return plan, 1 if due.month <= 6 else 2


def _duplicate(target: Target, key: frozenset) -> Assignment | None:
    column = {"course": Assignment.course_id, "quiz": Assignment.quiz_id,
              "scenario": Assignment.scenario_id}[target.kind]
    stmt = sa.select(Assignment).where(Assignment.kind == target.kind, column == target.id,
                                       Assignment.closed_at.is_(None))
    return next((a for a in db.session.scalars(stmt) if aud.rows_key(a) == key), None)


def create_assignment(user, kind, target, audience, due, plan=None) -> Assignment:
    """A new assignment by an organiser; 422 for an unknown (or out-of-scope) target or
    audience, a bad date, or the same target already open for the same audience."""
    if user.role != "organiser":
        raise Forbidden(_("Only organisers assign required training."))
    found = resolve_target(user, kind, target)
    members = aud.parse_audience(user, audience)
    due_date = parse_due(due)
    chosen_plan, half = _plan(user, plan, due_date)
    _check_street(found, members)
    if _duplicate(found, aud.audience_key(members)) is not None:
        raise Invalid(_("“%(title)s” is already assigned to this audience.", title=found.title),
                      code="duplicate", field="target")
    street_id = street_id_of(user)
    street = db.session.get(Unit, street_id) if street_id else None
    first = members[0] if isinstance(members[0], Unit) else members[0].unit
    assignment = Assignment(
        kind=found.kind, title=found.title[:200], target=found.key[:80], due=due_date,
        street_id=street_id, district_id=district_for(user, street) or first.district_id,
        plan_id=chosen_plan.id if chosen_plan else None, half=half, created_by_id=user.id,
        **{f"{found.kind}_id": found.id})
    aud.set_audience(assignment, members)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def close_assignment(assignment: Assignment) -> None:
    """Closed: off the workers' lists and out of reminders; its completion stays readable."""
    if assignment.closed_at is None:
        assignment.closed_at = utcnow()


def delete_assignment(assignment: Assignment) -> None:
    db.session.delete(assignment)
