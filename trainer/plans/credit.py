"""Fair credit: the hours a session credits to one person.

Hours are credited once the session has ended and the person was present (signed in by
QR code or typed code, or marked present at the roll call), never at the moment of the
scan. This is the one rule: the training record, the session page and any report ask
here (``credited_hours`` for one row, ``credited_hours_sql`` inside a query).
"""

from datetime import datetime

import sqlalchemy as sa

from trainer.models import utcnow
from trainer.plans.models import Attendance, TrainingSession


def credited_hours(session: TrainingSession, status: str | None,
                   now: datetime | None = None) -> float:
    """The hours ``session`` credits to someone whose attendance is ``status`` at ``now``:
    the session's hours when present and the session is over, else 0."""
    now = now or utcnow()
    if status != "present" or now < session.ends_at:
        return 0.0
    return float(session.hours or 0)


def credited_hours_sql(now: datetime | None = None):
    """The same rule as a SQL expression over ``Attendance`` joined to ``TrainingSession``."""
    now = now or utcnow()
    return sa.case((sa.and_(Attendance.status == "present", TrainingSession.ends_at <= now),
                    TrainingSession.hours), else_=0.0)
