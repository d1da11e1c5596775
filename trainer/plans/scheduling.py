"""Session use cases: schedule, change, delete. Flush, never commit."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.auth.models import User
from trainer.errors import Conflict, Forbidden, Invalid
from trainer.extensions import db
from trainer.org.scope import in_scope
from trainer.plans import audience as audiences
from trainer.plans import halves
from trainer.plans.materials import check_materials
from trainer.plans.models import KINDS, Attendance, Plan, TrainingSession
from trainer.plans.queries import can_edit_session, can_schedule
from trainer.plans.services import not_found


@dataclass
class SessionInput:
    """What a form or an API body says about a session (validated by the service)."""

    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    department: str
    audience: dict
    place: str = ""
    online_url: str = ""
    hours: float = 0
    capacity: int | None = None
    lecturer: str | None = None  # a trainer's username
    lecturer_name: str = ""
    half: int | None = None  # when given (the page's half-year), the times must fall in it
    courses: list = field(default_factory=list)
    scenarios: list = field(default_factory=list)
    quizzes: list = field(default_factory=list)


def _invalid(message: str, name: str) -> Invalid:
    return Invalid(message, field=name)


def _check_times(plan: Plan, data: SessionInput) -> int:
    """The session's half-year, after checking that it lies inside the plan's."""
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        raise _invalid(_("Times need a UTC offset, e.g. 2026-03-05T09:00:00+08:00."),
                       "starts_at")
    for name in ("starts_at", "ends_at"):
        if not halves.in_range(getattr(data, name)):
            raise _invalid(out_of_range(), name)
    if data.ends_at <= data.starts_at:
        raise _invalid(_("The session must end after it starts."), "ends_at")
    if data.half not in (None, 1, 2):
        raise _invalid(_("The half-year is 1 or 2."), "half")
    half = halves.half_of(data.starts_at)
    wanted = halves.Half(plan.year, data.half or half.half)
    if half != wanted:
        raise _invalid(_("The session starts outside half-year %(half)s of %(year)s "
                         "(%(first)s to %(last)s).", half=wanted.half, year=plan.year,
                         first=wanted.starts_at.date(),
                         last=(wanted.ends_at - timedelta(days=1)).date()), "starts_at")
    if data.ends_at > half.ends_at:
        raise _invalid(_("The session must end within its half-year."), "ends_at")
    return half.half


def out_of_range() -> str:
    return _("Choose a time between the years %(first)s and %(last)s.",
             first=halves.FIRST_YEAR, last=halves.LAST_YEAR)


def _check_numbers(data: SessionInput) -> None:
    if data.capacity is not None and data.capacity < 0:
        raise _invalid(_("Capacity cannot be below zero."), "capacity")
    if data.capacity == 0:
        raise _invalid(_("Capacity is at least 1 place; leave it empty for no limit."),
                       "capacity")
    if data.capacity is not None and data.capacity > 100000:
        raise _invalid(_("Capacity is too large."), "capacity")
    if not 0 <= data.hours <= 24:
        raise _invalid(_("Hours credited must be between 0 and 24."), "hours")


def _check_text(data: SessionInput) -> None:
    if not data.title.strip() or len(data.title) > 120:
        raise _invalid(_("Give a title of at most 120 characters."), "title")
    if data.kind not in KINDS:
        raise _invalid(_("The kind must be lecture, field, drill or competition."), "kind")
    if not data.place.strip() and not data.online_url.strip():
        raise _invalid(_("Give a place or an online link."), "place")
    if len(data.place) > 120:
        raise _invalid(_("The place is too long."), "place")
    if len(data.lecturer_name) > 60:
        raise _invalid(_("The lecturer's name is too long."), "lecturer_name")
    url = data.online_url.strip()
    if url and (not re.match(r"https?://[^\s]+$", url) or len(url) > 300):
        raise _invalid(_("The online link must be an http(s) address."), "online_url")


def _department(code: str):
    from trainer.org.services import department_by_code

    dept = department_by_code(code or "")
    if dept is None or not dept.active:
        raise _invalid(_("Unknown department code."), "department")
    return dept


def _lecturer(username: str | None, plan: Plan) -> User | None:
    if not username:
        return None
    user = db.session.scalar(sa.select(User).where(User.username == username.strip(),
                                                   User.active))
    if user is None or user.role != "trainer" or not in_scope(user, plan.street):
        raise _invalid(_("The lecturer must be a trainer who may teach in this street."),
                       "lecturer")
    return user


def _fill(session: TrainingSession, plan: Plan, data: SessionInput) -> None:
    _check_text(data)
    half = _check_times(plan, data)
    _check_numbers(data)
    courses, scenarios, quizzes = check_materials(plan.street_id, data.courses,
                                                  data.scenarios, data.quizzes)
    dept, lecturer = _department(data.department), _lecturer(data.lecturer, plan)
    kind, members = audiences.parse_audience(data.audience, plan.street)
    session.plan_id, session.half = plan.id, half
    session.title, session.kind = data.title.strip(), data.kind
    session.starts_at, session.ends_at = data.starts_at, data.ends_at
    session.place, session.online_url = data.place.strip(), data.online_url.strip()
    session.department_id = dept.id
    session.lecturer_id = lecturer.id if lecturer else None
    session.lecturer_name = data.lecturer_name.strip()
    session.hours, session.capacity = float(data.hours), data.capacity
    session.courses, session.scenarios, session.quizzes = courses, scenarios, quizzes
    audiences.set_audience(session, kind, members)


def schedule_session(user, plan: Plan, data: SessionInput) -> TrainingSession:
    """Add a session to a plan; a trainer scheduling without a lecturer teaches it."""
    if not can_schedule(user, plan):
        raise Forbidden(_("You may not schedule sessions in this plan."))
    if user.role == "trainer" and not data.lecturer:
        data.lecturer = user.username
    session = TrainingSession(created_by_id=user.id)
    _fill(session, plan, data)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(user, session: TrainingSession, data: SessionInput) -> None:
    """Change a session (same checks as scheduling)."""
    if not can_edit_session(user, session):
        raise Forbidden(_("You may not change this session."))
    _check_new_capacity(session, data.capacity)
    _fill(session, session.plan, data)
    db.session.execute(sa.update(Attendance).where(  # credits follow the session's hours
        Attendance.session_id == session.id, Attendance.status == "present"
    ).values(hours_credited=session.hours))
    db.session.flush()


def _check_new_capacity(session: TrainingSession, capacity: int | None) -> None:
    """A lowered capacity must still hold everyone already present."""
    if capacity is None or capacity == session.capacity:
        return
    present = db.session.scalar(sa.select(sa.func.count()).where(
        Attendance.session_id == session.id, Attendance.status == "present"))
    if present > capacity:
        raise _invalid(_("%(n)s people are already present: the capacity cannot be lower.",
                         n=present), "capacity")


def delete_session(user, session: TrainingSession) -> None:
    """Remove a session nobody has attended or been marked for yet."""
    if not can_edit_session(user, session):
        raise Forbidden(_("You may not change this session."))
    if db.session.scalar(sa.select(Attendance.id).where(Attendance.session_id == session.id)
                         .limit(1)):
        raise Conflict(_("This session has attendance records and cannot be deleted."))
    db.session.delete(session)
    db.session.flush()


def get_session(user, session_id: int, query) -> TrainingSession:
    """A session from ``query(user)`` by id (404 when outside it)."""
    session = db.session.scalar(query(user).where(TrainingSession.id == session_id))
    if session is None:
        raise not_found()
    return session
