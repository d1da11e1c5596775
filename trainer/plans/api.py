"""The plans rows of the API: plans, sessions, sign-in codes, check-in, compliance."""

from datetime import datetime

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from trainer.api.core import api_auth, bp, field, json_body, paginated
from trainer.errors import Forbidden, Invalid
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.plans import attendance, compliance, conflicts, halves, scheduling, services, signin
from trainer.plans.audience import audience_json
from trainer.plans.models import Plan, TrainingSession
from trainer.plans.queries import api_sessions, can_run_signin, plans_query, visible_sessions


def plan_json(plan: Plan) -> dict:
    return {"id": plan.id, "street": plan.street.code, "year": plan.year,
            "status": plan.status, "priorities": plan.priorities,
            "departments": plan.departments, "competencies": plan.competencies}


def session_json(s: TrainingSession, status: dict | None = None) -> dict:
    lecturer = s.lecturer
    data = {
        "id": s.id, "plan": s.plan_id, "street": s.plan.street.code, "year": s.plan.year,
        "half": s.half, "title": s.title, "kind": s.kind,
        "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
        "place": s.place, "online_url": s.online_url,
        "department": {"code": s.department.code, "name": s.department.name},
        "lecturer": {"username": lecturer.username, "name": lecturer.name} if lecturer
        else None, "lecturer_name": s.lecturer_name, "hours": s.hours, "capacity": s.capacity,
        "audience": audience_json(s), "courses": s.courses, "scenarios": s.scenarios,
        "quizzes": s.quizzes}
    if status is not None:
        data["attendance"] = status.get(s.id)
    return data


def _year_arg() -> int | None:
    raw = request.args.get("year")
    if raw is None:
        return None
    year = halves.parse_year(raw)
    if year is None:
        raise Invalid(_("The year must be between 2000 and 2100."), field="year")
    return year


@bp.get("/plans")
@api_auth()
def list_plans():
    stmt = plans_query(current_user).order_by(Plan.year.desc(), Unit.code)
    year = _year_arg()
    if year is not None:
        stmt = stmt.where(Plan.year == year)
    return paginated(stmt, plan_json)


def _wrong_type(name: str) -> Invalid:
    return Invalid(_("Field “%(name)s” has the wrong type.", name=name), field=name)


def _priorities(data: dict) -> services.Priorities:
    """Priorities as text, or as an object {text, departments, competencies, half*_focus};
    every field has its JSON type (422 naming the field otherwise)."""
    raw = data.get("priorities")
    if isinstance(raw, dict):
        data, raw = {**data, **raw}, raw.get("text")
    if raw is not None and not isinstance(raw, str):
        raise _wrong_type("priorities")
    lists = {}
    for name in ("departments", "competencies"):
        value = data.get(name)
        if value is not None and (not isinstance(value, list)
                                  or not all(isinstance(v, str) for v in value)):
            raise _wrong_type(name)
        lists[name] = value or []
    return services.Priorities(raw or "", lists["departments"], lists["competencies"],
                               field(data, "half1_focus", str, False) or "",
                               field(data, "half2_focus", str, False) or "")


@bp.post("/plans")
@api_auth("organiser")
def create_plan():
    data = json_body()
    code, year = field(data, "street"), field(data, "year", int)
    priorities = _priorities(data)
    street = services.street_by_code(current_user, code)
    plan = services.create_plan(current_user, street, year, priorities)
    return {"id": plan.id}, 201


def _moment(data: dict, name: str) -> datetime:
    raw = field(data, name)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise Invalid(_("Field “%(name)s” must be an ISO 8601 time with an offset, e.g. "
                        "2026-03-05T09:00:00+08:00.", name=name), field=name)
    return value


def _session_input(data: dict) -> scheduling.SessionInput:
    number = (int, float)
    return scheduling.SessionInput(
        title=field(data, "title"), kind=field(data, "kind"),
        starts_at=_moment(data, "starts_at"), ends_at=_moment(data, "ends_at"),
        department=field(data, "department"), audience=field(data, "audience", dict),
        place=field(data, "place", required=False) or "",
        online_url=field(data, "online_url", required=False) or "",
        hours=field(data, "hours", number), capacity=field(data, "capacity", int, False),
        lecturer=field(data, "lecturer", required=False),
        lecturer_name=field(data, "lecturer_name", required=False) or "",
        half=field(data, "half", int, False),
        courses=field(data, "courses", list, False) or [],
        scenarios=field(data, "scenarios", list, False) or [],
        quizzes=field(data, "quizzes", list, False) or [])


@bp.post("/plans/<int:plan_id>/sessions")
@api_auth("organiser", "trainer")
def create_session(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    data = _session_input(json_body())
    session = scheduling.schedule_session(current_user, plan, data)
    return {"id": session.id, "half": session.half,
            "conflicts": conflicts.conflicts_json(current_user, session)}, 201


def _bound(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("Parameter “%(name)s” must be a date or an ISO 8601 time.", name=name),
                      field=name) from None
    if not halves.in_range(value):
        raise Invalid(scheduling.out_of_range(), field=name)
    return halves.local_to_aware(value) if value.tzinfo is None else value  # a date: local


@bp.get("/sessions")
@api_auth()
def list_sessions():
    stmt = api_sessions(current_user).order_by(TrainingSession.starts_at, TrainingSession.id)
    start, end = _bound("from"), _bound("to")
    if start is not None:
        stmt = stmt.where(TrainingSession.ends_at > start)
    if end is not None:
        stmt = stmt.where(TrainingSession.starts_at < end)
    status = None
    if current_user.role == "worker":
        ids = list(db.session.scalars(stmt.with_only_columns(TrainingSession.id)))
        status = attendance.attendance_map(ids, current_user.id)
    return paginated(stmt, lambda s: session_json(s, status))


@bp.get("/sessions/<int:session_id>/checkin-code")
@api_auth()
def checkin_code(session_id: int):
    session = scheduling.get_session(current_user, session_id, visible_sessions)
    if not can_run_signin(current_user, session):
        raise Forbidden(_("Only the session's lecturer or an organiser shows the sign-in code."))
    code = signin.current_code(session)
    return {"code": code.code, "digits": code.digits, "expires_at": code.expires_at.isoformat(),
            "rotates_at": code.rotates_at.isoformat()}


@bp.post("/sessions/<int:session_id>/checkin")
@api_auth()
def checkin(session_id: int):
    session = scheduling.get_session(current_user, session_id, visible_sessions)
    signin.check_audience(session, current_user)
    code = field(json_body(), "code")
    signin.check_in(session, current_user, code)
    return {"status": "present", "session": session.id}


@bp.get("/compliance")
@api_auth()
def compliance_table():
    year = _year_arg() or halves.half_of(datetime.now(halves.local_zone())).year
    rows = compliance.compliance(current_user, year)
    return [row.as_json() for row in rows]
