"""The quizzes domain's home block: the open quiz attempt, with the time it has left."""

from datetime import timedelta

import sqlalchemy as sa
from flask import render_template

from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.models import Attempt


def open_attempt(user, now=None):
    """The latest unsubmitted quiz or module-quiz attempt still before its deadline."""
    now = now or utcnow()
    row = db.session.execute(
        sa.select(Attempt.id, Attempt.label, Attempt.deadline)
        .where(Attempt.user_id == user.id, Attempt.submitted_at.is_(None),
               Attempt.context.in_(("quiz", "module")),
               sa.or_(Attempt.deadline.is_(None), Attempt.deadline > now))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc()).limit(1)).first()
    if row is None:
        return None
    attempt_id, label, deadline = row
    minutes = None
    if deadline is not None:
        left = deadline.replace(tzinfo=now.tzinfo) if deadline.tzinfo is None else deadline
        minutes = max(1, -(-(left - now) // timedelta(minutes=1)))  # rounded up
    return render_template("quizzes/_block_attempt.html", attempt_id=attempt_id, label=label,
                           minutes=minutes)


def practice_block(user, now=None):
    """Today's practice against its goal, the streak, and the notebook's reviews due today
    (workers: the people who practise)."""
    if user.role != "worker":
        return None
    from trainer.quizzes.spaced import SUMMARY_TEMPLATE, practice_summary

    return render_template(SUMMARY_TEMPLATE, summary=practice_summary(user, now))
