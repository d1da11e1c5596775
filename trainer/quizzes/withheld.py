"""Which questions' answers a worker may not learn yet, and which answers' correctness
they may see. Practice and mastery use these rules so that neither leaks what a quiz's
review policy still hides.

A question is withheld from a worker's practice (practice shows its key right after
submitting) while any of these holds:

1. it is in one of the worker's own attempts whose review is not allowed yet: an open
   attempt of any quiz, module or competition round; a graded one reviewed "never"; one
   reviewed "after_close" before its quiz closes; a competition round's before the round
   closes. This covers quizzes drawn by rule: the questions the worker actually got.
2. it is listed in a quiz reviewed "never" or "after_close" that has not closed
   (published or still a draft: an exam is prepared before it opens), whoever takes it.
3. it is listed in the quiz of a competition quiz round that has not closed (the
   competitions domain registers this rule in ``quizzes.policies.withheld_sources``).

Questions that a quiz reviewed later *could* draw by rule are not withheld: that would
take a whole department's or competency's questions out of practice. They are withheld
only once drawn into one of the worker's own hidden attempts (rule 1); starting such an
attempt also takes them out of the worker's open practice attempts
(practice.withdraw_from_practice), which were drawn before.
"""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes.models import Attempt, Quiz, QuizQuestion
from trainer.quizzes.policies import withheld_sources

HIDING = ("never", "after_close")


def withheld_questions(user_id: int) -> set[int]:
    """Ids of the questions whose answers are still withheld from the user (rules above)."""
    return _in_hidden_attempts(user_id) | _in_hidden_quizzes() | _in_open_rounds()


def _in_hidden_attempts(user_id: int) -> set[int]:
    from trainer.quizzes.services import review_allowed

    candidates = db.session.scalars(sa.select(Attempt).where(
        Attempt.user_id == user_id, Attempt.context != "practice",
        sa.or_(Attempt.submitted_at.is_(None), Attempt.review != "after_submit",
               Attempt.context == "competition")))
    return {entry["id"] for attempt in candidates
            if attempt.submitted_at is None or not review_allowed(attempt)
            for entry in attempt.questions}


def _in_hidden_quizzes() -> set[int]:
    return set(db.session.scalars(
        sa.select(QuizQuestion.question_id).join(Quiz, Quiz.id == QuizQuestion.quiz_id)
        .where(Quiz.review.in_(HIDING),
               sa.or_(Quiz.closes_at.is_(None), Quiz.closes_at > utcnow()))))


def _in_open_rounds() -> set[int]:
    """Rule 3, and any like it that another domain registers (quizzes.policies)."""
    found: set[int] = set()
    for source in withheld_sources:
        found |= set(db.session.scalars(source()))
    return found


def reviewable_answers() -> sa.ColumnElement[bool]:
    """SQL condition on Attempt (outer-joined to Quiz): the worker may see whether the
    answers of this attempt were right. Practice and quizzes reviewed right after
    submitting; quizzes reviewed after closing once closed; never a quiz reviewed "never"
    and never a competition round (its review opens only with the round's close)."""
    return sa.or_(
        Attempt.context == "practice",
        sa.and_(Attempt.context.in_(("quiz", "module")), sa.or_(
            Attempt.review == "after_submit",
            sa.and_(Attempt.review == "after_close", Quiz.closes_at <= utcnow()))))
