"""The plans domain's home block: today's training sessions and the next one, with a
sign-in button while a session's sign-in is open."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import render_template

from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.models import utcnow
from trainer.plans import signin
from trainer.plans.labels import ATTENDANCE_LABELS
from trainer.plans.models import Attendance, TrainingSession
from trainer.plans.queries import can_run_signin, personal_sessions


def _end_of_today(now: datetime) -> datetime:
    local = now.astimezone(local_zone())
    return (local.replace(hour=0, minute=0, second=0, microsecond=0)
            + timedelta(days=1))


def sessions_block(user, now=None):
    """Two statements: the sessions still to come (today's and the next), with my status."""
    now = now or utcnow()
    mine = (sa.select(Attendance.status).where(Attendance.session_id == TrainingSession.id,
                                                Attendance.user_id == user.id)
            .scalar_subquery())
    rows = db.session.execute(
        personal_sessions(user).add_columns(mine)
        .where(TrainingSession.ends_at >= now)
        .order_by(TrainingSession.starts_at, TrainingSession.id).limit(4)).all()
    if not rows:
        return None
    end_today = _end_of_today(now)
    today = [(s, st) for s, st in rows if s.starts_at < end_today]
    later = [(s, st) for s, st in rows if s.starts_at >= end_today][:1]
    labels = ATTENDANCE_LABELS()
    items = []
    for s, st in today[:3] + later:
        open_now = signin.is_open(s, now)
        # a worker signs in (typed code or scan); the lecturer or an organiser shows the QR
        items.append({"s": s, "status": labels.get(st, st) if st else None,
                      "today": s.starts_at < end_today,
                      "sign_in": open_now and st != "present" and user.role == "worker",
                      "screen": open_now and user.role != "worker"
                      and can_run_signin(user, s)})
    return render_template("plans/_block_sessions.html", items=items)
