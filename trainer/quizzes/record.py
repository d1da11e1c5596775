"""The quizzes domain's section of the training record: graded quiz and module-quiz
attempts. Practice is left out (it is not
an assessment) and so are competition rounds (the competitions section has them).

The record pages grade the caller's overdue attempts before they render
(policies.graded_first), so an attempt left open past its deadline shows here graded.
``attempts_for`` answers many workers in one statement (dashboards, exports); the
one-worker section is it for one id."""

from collections import defaultdict

import sqlalchemy as sa

from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans.halves import year_bounds
from trainer.quizzes.models import Attempt


def attempts_for(who, year: int) -> dict[int, list[dict]]:
    """Attempts of each of ``who`` (ids or a select of them) graded in ``year``."""
    start, end = year_bounds(year)
    stmt = (sa.select(Attempt.user_id, Attempt.id, Attempt.label, Attempt.quiz_id,
                      Attempt.context, Attempt.submitted_at, Attempt.score,
                      Attempt.max_score, Attempt.percent, Attempt.passed, Attempt.timed_out)
            .where(Attempt.user_id.in_(who), Attempt.context.in_(("quiz", "module")),
                   Attempt.submitted_at >= start, Attempt.submitted_at < end)
            .order_by(Attempt.user_id, Attempt.submitted_at, Attempt.id))
    found: dict[int, list[dict]] = defaultdict(list)
    for (user_id, aid, label, quiz, context, submitted, score, max_score, percent, passed,
         timed_out) in db.session.execute(stmt):
        found[user_id].append({
            "id": aid, "title": label, "quiz": quiz, "context": context,
            "date": submitted.astimezone(local_zone()).isoformat(), "score": score,
            "max_score": max_score, "percent": percent, "passed": bool(passed),
            "timed_out": timed_out})
    return found


def attempts_graded(user, year: int) -> list[dict]:
    """The user's quiz and module-quiz attempts graded in ``year``, oldest first."""
    return attempts_for([user.id], year).get(user.id, [])
