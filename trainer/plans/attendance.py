"""Sign-in (rotating QR codes and tickets), roll call with its audit trail, feedback.

Flush, never commit. Every function that depends on the clock takes ``now`` so tests
can move time instead of sleeping.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from trainer.errors import Conflict, DomainError, Forbidden, Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.plans import codes
from trainer.plans.audience import is_in_audience
from trainer.plans.models import ATTENDANCE_STATUSES, Attendance, AttendanceChange, Feedback
from trainer.plans.models import TrainingSession as Session

OPENS_BEFORE = timedelta(minutes=30)
TICKET_MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class Code:
    code: str
    rotates_at: datetime  # when the screen shows the next code
    expires_at: datetime  # when this code stops being accepted (one step later)


def _key() -> bytes:
    return codes.derive_key(current_app.config["SECRET_KEY"])


def window(session: Session) -> tuple[datetime, datetime]:
    """Sign-in is open from 30 minutes before the start until the end."""
    return session.starts_at - OPENS_BEFORE, session.ends_at


def _require_open(session: Session, now: datetime) -> None:
    opens, closes = window(session)
    if not opens <= now <= closes:
        raise Conflict(_("Sign-in for this session is closed: it is open from 30 minutes "
                         "before the start until the end."), code="checkin_closed")


def current_code(session: Session, now: datetime | None = None) -> Code:
    """The sign-in code on the screen now (409 outside the sign-in window)."""
    now = now or utcnow()
    _require_open(session, now)
    step = codes.step_at(now)
    return Code(codes.make_code(_key(), session.id, step), codes.step_start(step + 1),
                codes.step_start(step + 2))


def verify_code(session: Session, code: str, now: datetime) -> None:
    """Raise a clear error for a closed window, a stale code or a forged one."""
    _require_open(session, now)
    verdict = codes.check_code(_key(), session.id, code, now)
    if verdict is codes.Verdict.STALE:
        raise Conflict(_("This sign-in code has expired. Scan the code on the screen again."),
                       code="code_stale")
    if verdict is codes.Verdict.FORGED:
        raise DomainError(_("This sign-in code is not valid for this session. Scan the code "
                            "on the screen again."), code="code_invalid")


def _tickets() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="plans.checkin-ticket")


def issue_ticket(session: Session, code: str, now: datetime | None = None) -> str:
    """Trade a valid code for a ticket that survives a login of up to ten minutes."""
    now = now or utcnow()
    verify_code(session, code, now)
    return _tickets().dumps({"s": session.id, "t": int(now.timestamp())})


def verify_ticket(session: Session, ticket: str, now: datetime) -> None:
    try:
        data = _tickets().loads(ticket or "")
    except BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("s") != session.id or not isinstance(
            data.get("t"), int):
        raise DomainError(_("This sign-in link is not valid for this session. Scan the code "
                            "on the screen again."), code="code_invalid")
    issued = datetime.fromtimestamp(data["t"], now.tzinfo)
    if not timedelta(0) <= now - issued <= TICKET_MAX_AGE:
        raise Conflict(_("This sign-in link has expired. Scan the code on the screen again."),
                       code="code_stale")


def check_audience(session: Session, user) -> None:
    """Refuse (403) someone who is not in the session's audience."""
    if not is_in_audience(session, user):
        raise Forbidden(_("This session is not for you: you are not in its audience."),
                        code="not_in_audience")


def check_in(session: Session, user, code: str, now: datetime | None = None) -> Attendance:
    """Record the scanning person present once; a repeat changes nothing."""
    now = now or utcnow()
    check_audience(session, user)
    verify_code(session, code, now)
    return _set_status(session, user.id, "present", "qr", user.id, now)


def check_in_with_ticket(session: Session, user, ticket: str,
                         now: datetime | None = None) -> Attendance:
    """Like ``check_in`` for someone who had to log in after scanning."""
    now = now or utcnow()
    check_audience(session, user)
    verify_ticket(session, ticket, now)
    return _set_status(session, user.id, "present", "qr", user.id, now)


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


def _set_status(session: Session, user_id: int, status: str, method: str, actor_id: int,
                now: datetime) -> Attendance:
    row = attendance_of(session.id, user_id)
    if row is not None and row.status == status:
        return row
    old = row.status if row is not None else None
    if row is None:
        row = Attendance(session_id=session.id, user_id=user_id, status=status, method=method,
                         hours_credited=0, marked_by_id=actor_id, marked_at=now)
        if not _insert(row):
            return _set_status(session, user_id, status, method, actor_id, now)
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
    return _set_status(session, person.id, status, "manual", actor.id, now or utcnow())


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
