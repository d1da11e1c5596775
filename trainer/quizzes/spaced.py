"""The wrong-answer notebook as spaced repetition, and the days a worker practised.

Every notebook entry (Mistake) is an FSRS card scheduled by the ``fsrs`` library: a miss
reviews it "Again" (due again the next day), a right answer on or after its due day
reviews it "Good" (due again after the interval FSRS gives) and counts as a spaced review;
a right answer before the due day changes nothing. The entry leaves the notebook after
SPACED_TO_LEAVE right answers on spaced reviews since its last miss.

What the notebook shows follows withheld.py: while any rule there withholds a question,
its right answer, explanation and feedback are None (the page and the API alike).
"""

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from fsrs import Card, Rating, Scheduler

from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.models import utcnow
from trainer.quizzes.bank import question_data
from trainer.quizzes.grading import correct_answer
from trainer.quizzes.items import KEYS
from trainer.quizzes.models import Mistake, PracticeDay, Quiz, QuizQuestion
from trainer.quizzes.review import feedback_for
from trainer.quizzes.withheld import withheld_questions

SPACED_TO_LEAVE = 2
# Days, not minutes: a worker practises once a day, so no same-day learning steps.
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def local_day(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def end_of_today(now: datetime | None = None) -> datetime:
    """The next local midnight: whatever is due before it is due today."""
    zone = local_zone()
    today = (now or utcnow()).astimezone(zone).date()
    return datetime.combine(today + timedelta(days=1), time(), zone)


def _card(mistake: Mistake) -> Card:
    if mistake.card:
        return Card.from_dict(mistake.card)
    return Card(card_id=mistake.question_id)


def _review(mistake: Mistake, rating: Rating, now: datetime) -> None:
    card, _log = SCHEDULER.review_card(_card(mistake), rating, now.astimezone(UTC))
    mistake.card, mistake.due = card.to_dict(), card.due


def schedule_miss(mistake: Mistake, now: datetime) -> None:
    """A wrong (or blank) answer: review Again; the count of spaced rights starts over."""
    _review(mistake, Rating.Again, now)
    mistake.reviews_right = 0


def schedule_right(mistake: Mistake, now: datetime) -> bool:
    """A right answer: a spaced review when on or after the due day (then True, and the
    entry is cleared at the SPACED_TO_LEAVE-th); an early one changes nothing."""
    if mistake.due is not None and local_day(mistake.due) > local_day(now):
        return False
    _review(mistake, Rating.Good, now)
    mistake.reviews_right += 1
    if mistake.reviews_right >= SPACED_TO_LEAVE:
        mistake.cleared_at, mistake.due = now, None
    return True


def question_keys(entry: dict, answer):
    """An attempt's answer with the option keys the question itself uses (an attempt
    shows options shuffled and re-keyed; ``origin`` keeps the question's keys)."""
    origin = entry.get("origin")
    if not origin or entry["data"]["type"] not in ("single", "multiple") or answer is None:
        return answer

    def back(key):
        index = KEYS.index(key) if key in KEYS else -1
        return origin[index] if 0 <= index < len(origin) else key

    if isinstance(answer, list):
        return sorted(back(key) for key in answer)
    return back(answer)


def due_today(user_id: int, now: datetime | None = None) -> int:
    """How many notebook entries are due today (or overdue)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Mistake).where(
        Mistake.user_id == user_id, Mistake.cleared_at.is_(None),
        Mistake.due < end_of_today(now))) or 0


def due_question_ids(user_id: int, now: datetime | None = None) -> list[int]:
    return list(db.session.scalars(sa.select(Mistake.question_id).where(
        Mistake.user_id == user_id, Mistake.cleared_at.is_(None),
        Mistake.due < end_of_today(now)).order_by(Mistake.due)))


def _courses(question_ids: list[int]) -> dict[int, dict]:
    """The course each question comes from: the module quiz that lists it."""
    if not question_ids:
        return {}
    found = {}
    for qid, quiz in db.session.execute(
            sa.select(QuizQuestion.question_id, Quiz).join(Quiz, Quiz.id == QuizQuestion.quiz_id)
            .where(QuizQuestion.question_id.in_(question_ids), Quiz.course_id.is_not(None))):
        if qid not in found and quiz.course is not None:
            found[qid] = {"slug": quiz.course.slug, "title": quiz.course.title}
    return found


def notebook_items(user_id: int, mistakes: list[Mistake],
                   hidden: set[int] | None = None) -> list[dict]:
    """What the notebook shows of each entry; keys, explanation and feedback are None
    while withheld (withheld.py). Options in the question's own order and keys (a
    practice review shuffles them anew)."""
    if hidden is None:
        hidden = withheld_questions(user_id) if mistakes else set()
    courses = _courses([m.question_id for m in mistakes])
    today_ends = end_of_today()
    items = []
    for mistake in mistakes:
        question = mistake.question
        data = question_data(question)
        shown = question.id not in hidden
        right = correct_answer(data) if shown else None
        options = []
        if question.type in ("single", "multiple"):
            options = [{"key": option.key, "html": html,
                        "correct": (option.key in right if isinstance(right, list)
                                    else option.key == right) if shown else None}
                       for option, html in zip(data.options, question.options_html or [],
                                               strict=False)]
        items.append({
            "question_id": question.id, "type": question.type, "html": question.stem_html,
            "options": options, "your_answer": mistake.last_answer,
            "right_answer": right,
            "explanation": (question.explanation_html or None) if shown else None,
            "feedback": (feedback_for(data, mistake.last_answer) or None) if shown else None,
            "course": courses.get(question.id),
            "due": mistake.due.isoformat() if mistake.due else None,
            "due_today": mistake.due is not None and mistake.due < today_ends,
            "withheld": not shown,
            "wrong_count": mistake.wrong_count, "reviews_right": mistake.reviews_right,
            "right_streak": mistake.right_streak,
            "last_wrong_at": mistake.last_wrong_at.isoformat(),
        })
    return items


# Practice days -------------------------------------------------------------------------

def note_practice(user_id: int, answers: int, now: datetime | None = None) -> None:
    """Count ``answers`` practice answers on today's local date for the user."""
    if answers <= 0:
        return
    day = local_day(now or utcnow())
    updated = db.session.execute(sa.update(PracticeDay).where(
        PracticeDay.user_id == user_id, PracticeDay.day == day)
        .values(answers=PracticeDay.answers + answers))
    if updated.rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(PracticeDay(user_id=user_id, day=day, answers=answers))
        except sa.exc.IntegrityError:  # a concurrent request counted the day first
            db.session.execute(sa.update(PracticeDay).where(
                PracticeDay.user_id == user_id, PracticeDay.day == day)
                .values(answers=PracticeDay.answers + answers))


def practice_days(user_ids: list[int], year: int) -> dict[int, int]:
    """Days with practice in the year, per user (one statement; users without are 0)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        sa.select(PracticeDay.user_id, sa.func.count())
        .where(PracticeDay.user_id.in_(user_ids),
               PracticeDay.day >= date(year, 1, 1), PracticeDay.day <= date(year, 12, 31))
        .group_by(PracticeDay.user_id)).all()
    found = dict(rows)
    return {uid: found.get(uid, 0) for uid in user_ids}


def streak(user_id: int, now: datetime | None = None) -> int:
    """Consecutive days with practice up to today (or up to yesterday, while today's is
    still to come)."""
    today = local_day(now or utcnow())
    days = set(db.session.scalars(sa.select(PracticeDay.day).where(
        PracticeDay.user_id == user_id, PracticeDay.day > today - timedelta(days=400),
        PracticeDay.day <= today)))
    cursor = today if today in days else today - timedelta(days=1)
    count = 0
    while cursor in days:
        count, cursor = count + 1, cursor - timedelta(days=1)
    return count


def answers_on(user_id: int, day: date) -> int:
    return db.session.scalar(sa.select(PracticeDay.answers).where(
        PracticeDay.user_id == user_id, PracticeDay.day == day)) or 0


def days_in_year(user, year: int) -> list[dict]:
    """The record's practice section: one item per day with practice."""
    return days_for([user.id], year).get(user.id, [])


def days_for(who, year: int) -> dict[int, list[dict]]:
    """The practice section for many workers (ids or a select of them), one statement:
    {user id: one item per day with practice}, as the dashboards and the export read it."""
    rows = db.session.execute(
        sa.select(PracticeDay.user_id, PracticeDay.day, PracticeDay.answers).where(
            PracticeDay.user_id.in_(who), PracticeDay.day >= date(year, 1, 1),
            PracticeDay.day <= date(year, 12, 31))
        .order_by(PracticeDay.user_id, PracticeDay.day)).all()
    found: dict[int, list[dict]] = {}
    for user_id, day, answers in rows:
        found.setdefault(user_id, []).append(
            {"title": _("Practice: %(n)s answers", n=answers), "date": day.isoformat(),
             "answers": answers})
    return found



PRACTICE_GOAL = 10  # questions a day (practice.PRACTICE_SIZE: one practice)
SUMMARY_TEMPLATE = "quizzes/_practice_summary.html"


def practice_summary(user, now: datetime | None = None) -> dict:
    """For the home page and the practice page: notebook entries due today, today's
    answers against the daily goal, the streak and this year's practice days. The
    partial SUMMARY_TEMPLATE renders it (``summary``)."""
    now = now or utcnow()
    today = local_day(now)
    return {"due": due_today(user.id, now), "today": answers_on(user.id, today),
            "goal": PRACTICE_GOAL, "streak": streak(user.id, now),
            "year": today.year, "year_days": practice_days([user.id], today.year)[user.id]}
