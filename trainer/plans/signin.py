"""QR sign-in: rotating codes, the pending sign-in of a scanner who must log in first, and
the capacity rule. Flush, never commit; every clock-dependent function takes ``now``.

A scanned code is traded for a *pending sign-in*: a signed token that the view keeps in a
cookie of the scanning browser only (never in a URL or a form), so it cannot be passed on
as a link. It is bound to the first account that uses it after login, accepted only while
the session's sign-in window is open and for at most ten minutes, and it is spent by the
sign-in it allows.

Capacity: empty means no limit. QR sign-in is refused once as many people are present as
the session has places; a roll call by the lecturer or an organiser may still mark people
present (every change is in the audit trail).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from trainer.auth import throttle
from trainer.auth.services import Throttled
from trainer.errors import Conflict, DomainError, Forbidden
from trainer.extensions import db
from trainer.models import utcnow
from trainer.plans import codes
from trainer.plans.attendance import attendance_of, present_counts, set_status
from trainer.plans.audience import is_in_audience
from trainer.plans.models import Attendance
from trainer.plans.models import TrainingSession as Session

OPENS_BEFORE = timedelta(minutes=30)
PENDING_MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class Code:
    code: str
    rotates_at: datetime  # when the screen shows the next code
    expires_at: datetime  # when this code stops being accepted (one step later)
    digits: str = ""  # the six digits shown under the QR code, for typing


def _key() -> bytes:
    return codes.derive_key(current_app.config["SECRET_KEY"])


def window(session: Session) -> tuple[datetime, datetime]:
    """Sign-in is open from 30 minutes before the start until the end."""
    return session.starts_at - OPENS_BEFORE, session.ends_at


def is_open(session: Session, now: datetime) -> bool:
    opens, closes = window(session)
    return opens <= now <= closes


def _require_open(session: Session, now: datetime) -> None:
    if not is_open(session, now):
        raise Conflict(_("Sign-in for this session is closed: it is open from 30 minutes "
                         "before the start until the end."), code="checkin_closed")


def current_code(session: Session, now: datetime | None = None) -> Code:
    """The sign-in code on the screen now (409 outside the sign-in window)."""
    now = now or utcnow()
    _require_open(session, now)
    step = codes.step_at(now)
    return Code(codes.make_code(_key(), session.id, step), codes.step_start(step + 1),
                codes.step_start(step + 2), codes.make_digits(_key(), session.id, step))


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


def check_audience(session: Session, user) -> None:
    """Refuse (403) someone who is not in the session's audience."""
    if not is_in_audience(session, user):
        raise Forbidden(_("This session is not for you: you are not in its audience."),
                        code="not_in_audience")


def is_present(session: Session, user) -> bool:
    row = attendance_of(session.id, user.id)
    return row is not None and row.status == "present"


def _check_capacity(session: Session) -> None:
    """Refuse a QR sign-in once every place is taken (the row is locked on PostgreSQL)."""
    if session.capacity is None:
        return
    db.session.execute(sa.select(Session.id).where(Session.id == session.id).with_for_update())
    if present_counts([session.id]).get(session.id, 0) >= session.capacity:
        raise Conflict(_("This session is full (%(n)s places). Ask the lecturer to record "
                         "your attendance by hand.", n=session.capacity), code="session_full")


def _record(session: Session, user, now: datetime) -> Attendance:
    _check_capacity(session)
    return set_status(session, user.id, "present", "qr", user.id, now)


def check_in(session: Session, user, code: str, now: datetime | None = None) -> Attendance:
    """Record the scanning person present once; a repeat changes nothing, whatever the
    code (someone already present learns nothing new from it)."""
    now = now or utcnow()
    check_audience(session, user)
    present = attendance_of(session.id, user.id)
    if present is not None and present.status == "present":
        return present
    verify_code(session, code, now)
    return _record(session, user, now)


# --- the pending sign-in of a scanner who has to log in first ------------------------------

def _pending() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="plans.checkin-pending")


def no_pending() -> DomainError:
    return DomainError(_("Scan the QR code shown on the screen to sign in."),
                       code="code_missing")


def start_pending(session: Session, code: str, user=None, now: datetime | None = None) -> str:
    """Trade a valid scanned code for a pending sign-in (bound to ``user`` when known)."""
    now = now or utcnow()
    verify_code(session, code, now)
    return _pending().dumps({"s": session.id, "t": int(now.timestamp()),
                             "u": user.id if user is not None else None})


def claim_pending(session: Session, user, token: str, now: datetime | None = None) -> str:
    """Check a pending sign-in for ``user`` and bind it to them; the token to keep."""
    now = now or utcnow()
    check_audience(session, user)
    try:
        data = _pending().loads(token) if token else None
    except BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("s") != session.id or not isinstance(
            data.get("t"), int) or isinstance(data.get("t"), bool):
        raise no_pending()
    if data.get("u") not in (None, user.id):
        raise DomainError(_("This sign-in was started by another account. Scan the code on "
                            "the screen again."), code="code_invalid")
    _require_open(session, now)
    issued = datetime.fromtimestamp(data["t"], now.tzinfo)
    if not timedelta(0) <= now - issued <= PENDING_MAX_AGE:
        raise Conflict(_("This sign-in has expired. Scan the code on the screen again."),
                       code="code_stale")
    return _pending().dumps({**data, "u": user.id})


def check_in_pending(session: Session, user, token: str,
                     now: datetime | None = None) -> Attendance:
    """Like ``check_in`` for someone who scanned, then logged in."""
    now = now or utcnow()
    check_audience(session, user)
    present = attendance_of(session.id, user.id)
    if present is not None and present.status == "present":
        return present
    claim_pending(session, user, token, now)
    return _record(session, user, now)


# --- the typed six-digit code (when the camera or the scan fails) ---------------------------

def typed_key(user) -> str:
    return f"checkin-code:{user.id}"


def check_in_typed(session: Session, user, digits: str, address: str,
                   now: datetime | None = None) -> Attendance:
    """Sign in with the six digits shown under the QR code: the current or the previous
    one, only in the sign-in window, throttled like the login (5 wrong tries in 15 minutes
    per account, and the address's limit, then refused even with the right code).

    A wrong code raises *after* counting the failure in the session: the caller must answer
    (not raise) so that the count is committed, as the login does."""
    now = now or utcnow()
    check_audience(session, user)
    present = attendance_of(session.id, user.id)
    if present is not None and present.status == "present":
        return present
    _require_open(session, now)
    cfg = current_app.config
    counter = throttle.get_counter(current_app)
    akey, ikey = typed_key(user), throttle.address_key(address)
    a_count, a_slot = counter.reserve(akey)
    i_count, i_slot = counter.reserve(ikey)
    if a_count > cfg["THROTTLE_ACCOUNT_LIMIT"] or i_count > cfg["THROTTLE_ADDRESS_LIMIT"]:
        counter.release(akey, a_slot)  # a refused try is not a failure: the window still ends
        counter.release(ikey, i_slot)
        raise Throttled(_("Too many wrong codes. Please try again in 15 minutes, or ask the "
                          "lecturer to record your attendance."))
    if not codes.check_digits(_key(), session.id, digits, now):
        counter.prune()
        raise DomainError(_("This code is not right, or it has changed. Type the six digits "
                            "shown under the QR code now."), code="code_invalid")
    counter.release(ikey, i_slot)
    counter.clear(akey)
    return _record(session, user, now)
