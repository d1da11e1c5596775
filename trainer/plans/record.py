"""The plans domain's section of the training record: sessions attended, with hours.

``sessions_for`` answers many workers in one statement (dashboards, exports); the
one-worker section is the same function for one id, so both always agree."""

from collections import defaultdict

import sqlalchemy as sa

from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.models import utcnow
from trainer.org.models import Department, Unit
from trainer.plans.credit import credited_hours_sql
from trainer.plans.halves import year_bounds
from trainer.plans.models import Attendance, Plan, TrainingSession


def sessions_for(who, year: int) -> dict[int, list[dict]]:
    """Sessions of ``year`` each of ``who`` (user ids, or a select of them) attended
    (present). ``credited_hours`` (and ``hours``, which the record's total adds) is the
    hours credited once the session has ended, 0 before; ``session_hours`` the session's."""
    start, end = year_bounds(year)
    now = utcnow()
    stmt = (sa.select(Attendance.user_id, credited_hours_sql(now), Attendance.method,
                      TrainingSession.id, TrainingSession.title, TrainingSession.kind,
                      TrainingSession.starts_at, TrainingSession.ends_at,
                      TrainingSession.hours, Department.code, Department.name, Unit.code)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .join(Department, Department.id == TrainingSession.department_id)
            .join(Plan, Plan.id == TrainingSession.plan_id)
            .join(Unit, Unit.id == Plan.street_id)
            .where(Attendance.user_id.in_(who), Attendance.status == "present",
                   TrainingSession.starts_at >= start, TrainingSession.starts_at < end)
            .order_by(Attendance.user_id, TrainingSession.starts_at, TrainingSession.id))
    found: dict[int, list[dict]] = defaultdict(list)
    for (user_id, credited, method, sid, title, kind, starts, ends, hours, dept_code,
         dept_name, street) in db.session.execute(stmt):
        credited_hours = float(credited or 0)  # plans.credit: 0 until the session ended
        found[user_id].append({
            "id": sid, "title": title, "kind": kind,
            "date": starts.astimezone(local_zone()).isoformat(),
            "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
            "department": dept_name, "department_code": dept_code, "street": street,
            "session_hours": float(hours or 0), "credited_hours": credited_hours,
            "hours": credited_hours, "method": method})
    return found


def sessions_attended(user, year: int) -> list[dict]:
    """Sessions of ``year`` the user attended (present), with the hours credited."""
    return sessions_for([user.id], year).get(user.id, [])
