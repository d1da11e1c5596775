"""The plans domain's section of the training record: sessions attended, with hours.

``hours`` and ``credited_hours`` (the same number) follow ``plans.credit``: 0 until the
session has ended, the session's hours once it has and the person was present."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.models import utcnow
from trainer.plans.credit import credited_hours
from trainer.plans.halves import year_bounds
from trainer.plans.models import Attendance, TrainingSession


def sessions_attended(user, year: int) -> list[dict]:
    """Sessions of ``year`` the user attended (present), with the hours credited."""
    start, end = year_bounds(year)
    now = utcnow()
    stmt = (sa.select(Attendance, TrainingSession)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(Attendance.user_id == user.id, Attendance.status == "present",
                   TrainingSession.starts_at >= start, TrainingSession.starts_at < end)
            .order_by(TrainingSession.starts_at))
    return [{"id": s.id, "title": s.title, "kind": s.kind,
             "date": s.starts_at.astimezone(local_zone()).isoformat(),
             "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
             "department": s.department.name, "street": s.plan.street.code,
             "hours": credited_hours(s, a.status, now),
             "credited_hours": credited_hours(s, a.status, now), "method": a.method}
            for a, s in db.session.execute(stmt).unique()]
