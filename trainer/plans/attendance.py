"""Attendance rows, roll call with its audit trail, feedback (QR sign-in: ``signin``).

Flush, never commit. Every function that depends on the clock takes ``now`` so tests
can move time instead of sleeping.
"""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from trainer.audit import events as audit
from trainer.errors import Conflict, Forbidden, Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.plans.audience import is_in_audience
from trainer.plans.models import ATTENDANCE_STATUSES, Attendance, AttendanceChange, Feedback
from trainer.plans.models import TrainingSession as Session


def attendance_of(session_id: int, user_id: int) -> Attendance | None:
    return db.session.scalar(sa.select(Attendance).where(Attendance.session_id == session_id,
                                                         Attendance.user_id == user_id))


def _insert(attendance: Attendance) -> bool:
    """Insert in a savepoint; False when a concurrent request inserted it first."""
    try:
        with db.session.begin_nested():
            db.session.add(attendance)
        return True
    except IntegrityError:
        return False


def set_status(session: Session, user_id: int, status: str, method: str, actor_id: int,
               now: datetime) -> Attendance:
    """Set someone's status once (a repeat changes nothing) and log the change."""
    row = attendance_of(session.id, user_id)
    if row is not None and row.status == status:
        return row
    old = row.status if row is not None else None
    if row is None:
        row = Attendance(session_id=session.id, user_id=user_id, status=status, method=method,
                         hours_credited=0, marked_by_id=actor_id, marked_at=now)
        if not _insert(row):
            return set_status(session, user_id, status, method, actor_id, now)
    row.status, row.method, row.marked_by_id, row.marked_at = status, method, actor_id, now
    row.hours_credited = session.hours if status == "present" else 0
    db.session.add(AttendanceChange(session_id=session.id, user_id=user_id, old_status=old,
                                    new_status=status, method=method, changed_by_id=actor_id,
                                    at=now))
    db.session.flush()
    return row


def mark_attendance(session: Session, person, status: str, actor,
                    now: datetime | None = None) -> Attendance:
    """Roll call: the lecturer or an organiser sets someone's attendance (audited)."""
    if status not in ATTENDANCE_STATUSES:
        raise Invalid(_("Unknown attendance status."), field="status")
    if person is None or not is_in_audience(session, person):
        raise Invalid(_("This person is not in the session's audience."), field="user")
    before = attendance_of(session.id, person.id)
    before = before.status if before is not None else None
    row = set_status(session, person.id, status, "manual", actor.id, now or utcnow())
    if before != status:
        street = session.plan.street
        audit.record("attendance_changed", actor=actor, subject=person, unit=street,
                     details={"session": session.title, "session_id": session.id,
                              "before": before, "after": status})
    return row


def give_feedback(session: Session, user, rating, comment: str,
                  now: datetime | None = None) -> Feedback:
    """An attendee's rating (1–5) and comment, once the session is over; a resend updates."""
    now = now or utcnow()
    if now < session.ends_at:
        raise Conflict(_("Feedback opens when the session is over."), code="feedback_not_open")
    row = attendance_of(session.id, user.id)
    if row is None or row.status != "present":
        raise Forbidden(_("Only people who attended can give feedback."))
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise Invalid(_("Choose a rating from 1 to 5."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise Invalid(_("The comment is too long (at most 1000 characters)."), field="comment")
    feedback = db.session.scalar(sa.select(Feedback).where(Feedback.session_id == session.id,
                                                           Feedback.user_id == user.id))
    if feedback is None:
        feedback = Feedback(session_id=session.id, user_id=user.id, rating=rating)
        db.session.add(feedback)
    feedback.rating, feedback.comment = rating, comment
    db.session.flush()
    return feedback


def feedback_summary(session_ids: list[int]) -> dict[int, tuple[float, int]]:
    """Per session: (average rating, number of ratings)."""
    if not session_ids:
        return {}
    stmt = (sa.select(Feedback.session_id, sa.func.avg(Feedback.rating), sa.func.count())
            .where(Feedback.session_id.in_(session_ids)).group_by(Feedback.session_id))
    return {sid: (float(avg), n) for sid, avg, n in db.session.execute(stmt)}


def present_counts(session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    stmt = (sa.select(Attendance.session_id, sa.func.count())
            .where(Attendance.session_id.in_(session_ids), Attendance.status == "present")
            .group_by(Attendance.session_id))
    return dict(db.session.execute(stmt).all())


def attendance_map(session_ids: list[int], user_id: int) -> dict[int, str]:
    """A person's attendance status per session."""
    if not session_ids:
        return {}
    stmt = sa.select(Attendance.session_id, Attendance.status).where(
        Attendance.session_id.in_(session_ids), Attendance.user_id == user_id)
    return dict(db.session.execute(stmt).all())


def attendance_map_for(user_ids: list[int], session_id: int) -> dict[int, str]:
    """Attendance status per person at one session."""
    if not user_ids:
        return {}
    stmt = sa.select(Attendance.user_id, Attendance.status).where(
        Attendance.session_id == session_id, Attendance.user_id.in_(user_ids))
    return dict(db.session.execute(stmt).all())


def changes_query(session: Session) -> sa.Select:
    return (sa.select(AttendanceChange).where(AttendanceChange.session_id == session.id)
            .order_by(AttendanceChange.at.desc(), AttendanceChange.id.desc()))
