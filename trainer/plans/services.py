"""Plan use cases: create, edit, copy forward, submit, review. Flush, never commit."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.audit import events as audit
from trainer.errors import Conflict, Forbidden, Invalid, NotFound
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Department, Unit
from trainer.org.scope import COMPETENCY_LABELS, in_reach
from trainer.org.scope import street_by_code as find_street
from trainer.plans import halves
from trainer.plans.models import Plan, PlanComment, SessionAudience, TrainingSession
from trainer.plans.queries import can_create_plan, can_edit_plan, can_review_plan, plans_query


@dataclass
class Priorities:
    text: str = ""
    departments: list[str] = field(default_factory=list)
    competencies: list[str] = field(default_factory=list)
    half1_focus: str = ""
    half2_focus: str = ""


def not_found() -> NotFound:
    return NotFound(_("The page or item was not found."))


def get_plan(user, plan_id: int) -> Plan:
    """A plan in the caller's scope (404 otherwise)."""
    plan = db.session.scalar(plans_query(user).where(Plan.id == plan_id))
    if plan is None:
        raise not_found()
    return plan


def department_names(codes: list[str]) -> list[str]:
    """Names of departments, in the order of ``codes`` (unknown codes as they are)."""
    names = dict(db.session.execute(sa.select(Department.code, Department.name)).all())
    return [names.get(code, code) for code in codes]


def street_by_code(user, code: str) -> Unit:
    """A street the caller may plan for, by code (422 naming the field otherwise)."""
    street = find_street(code, active_only=True)
    if street is None or not in_reach(user, street.district_id):  # another district's too
        raise Invalid(_("Unknown street code."), field="street")
    if not can_create_plan(user, street):
        raise Forbidden(_("You may only plan for streets in your scope."))
    return street


def check_year(year) -> int:
    if (not isinstance(year, int) or isinstance(year, bool)
            or not halves.FIRST_YEAR <= year <= halves.LAST_YEAR):
        raise Invalid(_("The year must be between 2000 and 2100."), field="year")
    return year


def _check_priorities(p: Priorities) -> Priorities:
    known = set(db.session.scalars(sa.select(Department.code)))
    unknown = [code for code in p.departments if code not in known]
    if unknown:
        raise Invalid(_("Unknown department code “%(code)s”.", code=unknown[0]),
                      field="departments")
    bad = [c for c in p.competencies if c not in COMPETENCY_LABELS()]
    if bad:
        raise Invalid(_("Unknown competency “%(code)s”.", code=bad[0]), field="competencies")
    if len(p.text) > 5000 or len(p.half1_focus) > 2000 or len(p.half2_focus) > 2000:
        raise Invalid(_("The priorities are too long."), field="priorities")
    return p


def _apply(plan: Plan, p: Priorities) -> None:
    plan.priorities, plan.half1_focus, plan.half2_focus = p.text, p.half1_focus, p.half2_focus
    plan.departments = list(dict.fromkeys(p.departments))
    plan.competencies = list(dict.fromkeys(p.competencies))


def _refuse_duplicate(street: Unit, year: int) -> None:
    if db.session.scalar(sa.select(Plan.id).where(Plan.street_id == street.id,
                                                  Plan.year == year)):
        raise Conflict(_("%(street)s already has a plan for %(year)s.", street=street.name,
                         year=year), field="year")


def create_plan(user, street: Unit, year: int, priorities: Priorities) -> Plan:
    """A new draft plan for a street and year (one per street and year)."""
    check_year(year)
    _check_priorities(priorities)
    _refuse_duplicate(street, year)
    plan = Plan(street_id=street.id, year=year, status="draft", created_by_id=user.id)
    _apply(plan, priorities)
    db.session.add(plan)
    db.session.flush()
    return plan


def update_plan(user, plan: Plan, priorities: Priorities) -> None:
    """Change the priorities of a draft plan (not while under review or once approved)."""
    _require_editable(user, plan)
    _apply(plan, _check_priorities(priorities))
    db.session.flush()


def _require_editable(user, plan: Plan) -> None:
    if not can_edit_plan(user, plan):
        raise Forbidden(_("You may not change this plan."))
    if plan.status == "approved":
        raise Conflict(_("This plan is approved and can no longer be changed."))
    if plan.status == "submitted":  # the reviewer approves what they read
        raise Conflict(_("This plan is under review: it can be changed again if the district "
                         "returns it for changes."))


def copy_plan_forward(user, street: Unit, year: int) -> Plan:
    """Start ``year``'s plan from the previous year's: priorities and sessions, a year on."""
    check_year(year)
    source = db.session.scalar(sa.select(Plan).where(Plan.street_id == street.id,
                                                     Plan.year == year - 1))
    if source is None:
        raise Invalid(_("%(street)s has no plan for %(year)s to start from.",
                        street=street.name, year=year - 1), field="year")
    plan = create_plan(user, street, year, Priorities(
        source.priorities, list(source.departments), list(source.competencies),
        source.half1_focus, source.half2_focus))
    plan.copied_from_id = source.id
    for old in source.sessions:
        plan.sessions.append(_copy_session(old, user))
    db.session.flush()
    return plan


def _copy_session(old: TrainingSession, user) -> TrainingSession:
    starts, ends = halves.shift_year(old.starts_at), halves.shift_year(old.ends_at)
    new = TrainingSession(
        half=halves.half_of(starts).half, title=old.title, kind=old.kind,
        department_id=old.department_id, lecturer_id=old.lecturer_id,
        lecturer_name=old.lecturer_name, starts_at=starts, ends_at=ends, place=old.place,
        online_url=old.online_url, courses=list(old.courses), scenarios=list(old.scenarios),
        quizzes=list(old.quizzes), audience_kind=old.audience_kind, capacity=old.capacity,
        hours=old.hours, created_by_id=user.id)
    new.audience = [SessionAudience(unit_id=a.unit_id, user_id=a.user_id) for a in old.audience]
    return new


def submit_plan(user, plan: Plan, note: str = "", now: datetime | None = None) -> None:
    """Send a draft plan to the district for approval."""
    _require_editable(user, plan)
    if plan.status != "draft":
        raise Conflict(_("Only a draft plan can be submitted."))
    plan.status, plan.submitted_at = "submitted", now or utcnow()
    _comment(plan, user, "submit", note)


def review_plan(user, plan: Plan, approve: bool, comment: str,
                now: datetime | None = None) -> None:
    """A district organiser approves a submitted plan, or returns it with a comment."""
    if not can_review_plan(user):
        raise Forbidden(_("Only a district organiser approves plans."))
    if plan.status != "submitted":
        raise Conflict(_("Only a submitted plan can be approved or returned."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise Invalid(_("Say why the plan goes back: a comment is required."), field="comment")
    if approve:
        plan.status, plan.approved_at, plan.approved_by_id = "approved", now or utcnow(), user.id
    else:
        plan.status = "draft"
    _comment(plan, user, "approve" if approve else "return", comment)


def comment_on_plan(user, plan: Plan, text: str) -> None:
    """A remark on the plan's review trail."""
    if not (can_edit_plan(user, plan) or can_review_plan(user)):
        raise Forbidden(_("You may not comment on this plan."))
    if not (text or "").strip():
        raise Invalid(_("The comment is empty."), field="comment")
    _comment(plan, user, "comment", text)


def _comment(plan: Plan, user, action: str, text: str) -> None:
    text = (text or "").strip()
    if len(text) > 2000:
        raise Invalid(_("The comment is too long."), field="comment")
    plan.comments.append(PlanComment(author_id=user.id, action=action, text=text))
    if action in _AUDITED:
        audit.record(_AUDITED[action], actor=user, unit=plan.street, object_type="plan",
                     object_id=plan.id, object_label=f"{plan.street.name} {plan.year}",
                     details={"year": plan.year})
    db.session.flush()


_AUDITED = {"submit": "plan_submitted", "approve": "plan_approved", "return": "plan_returned"}
