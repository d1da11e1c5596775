"""The quizzes domain's section of the training record: graded quiz and module-quiz
attempts. Practice is left out (it is not
an assessment) and so are competition rounds (the competitions section has them).

The record pages grade the caller's overdue attempts before they render
(policies.graded_first), so an attempt left open past its deadline shows here graded."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans.halves import year_bounds
from trainer.quizzes.models import Attempt


def attempts_graded(user, year: int) -> list[dict]:
    """The user's quiz and module-quiz attempts graded in ``year``, oldest first."""
    start, end = year_bounds(year)
    stmt = (sa.select(Attempt).where(
        Attempt.user_id == user.id, Attempt.context.in_(("quiz", "module")),
        Attempt.submitted_at >= start, Attempt.submitted_at < end)
        .order_by(Attempt.submitted_at, Attempt.id))
    return [{"id": a.id, "title": a.label, "quiz": a.quiz_id, "context": a.context,
             "date": a.submitted_at.astimezone(local_zone()).isoformat(), "score": a.score,
             "max_score": a.max_score, "percent": a.percent, "passed": bool(a.passed),
             "timed_out": a.timed_out}
            for a in db.session.scalars(stmt)]
