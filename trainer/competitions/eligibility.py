"""Eligibility rules fed by modules and practice: each rule with the worker's own progress.

Rules (the competition body's ``eligibility``): ``course`` (completed the course: an
Enrollment with ``completed_at``), ``quiz_passed`` (trainer.quizzes.queries.has_passed) and
``practice`` (answered at least N practice questions in the last M days: answers saved in
attempts of context "practice").
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from trainer.competitions.spec import bad
from trainer.extensions import db
from trainer.learning.models import Course, Enrollment
from trainer.learning.queries import visible_courses
from trainer.learning.services import progress_percent
from trainer.models import utcnow
from trainer.quizzes.models import Attempt, AttemptAnswer, Quiz
from trainer.quizzes.queries import has_passed, visible_quizzes


@dataclass
class RuleStatus:
    rule: str
    met: bool
    detail: str
    link: str | None = None
    progress: int = 0  # 0–100, for the checklist

    def as_json(self) -> dict:
        return {"rule": self.rule, "met": self.met, "detail": self.detail, "link": self.link}


def _url(endpoint: str, **values) -> str | None:
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def check_references(actor, rules: list[dict], street) -> None:
    """Every course and quiz a rule names exists in the organiser's scope, and can be
    opened by the contest's entrants (``street``: the contest's street, None for the
    district), so the checklist never links a worker to something they cannot open (422
    naming the rule). A course or quiz outside the organiser's scope gets the same answer
    as a missing one: its name is not probed through a competition."""
    street_id = street.id if street is not None else None
    for i, rule in enumerate(rules):
        if rule["rule"] == "course":
            course = db.session.scalar(visible_courses(actor).where(
                Course.slug == rule["course"]))
            if course is None or course.street_id not in (None, street_id):
                raise bad(f"eligibility[{i}].course", _("Unknown course “%(slug)s”.",
                                                        slug=rule["course"]))
        if rule["rule"] != "quiz_passed":
            continue
        quiz = db.session.scalar(visible_quizzes(actor).where(Quiz.id == rule["quiz"]))
        if quiz is None or not in_reach(actor, quiz):
            raise bad(f"eligibility[{i}].quiz", _("Unknown quiz."))
        if not open_to_entrants(quiz, street_id):
            raise bad(f"eligibility[{i}].quiz", _(
                "Entrants cannot take the quiz “%(title)s”: choose a published quiz (or a "
                "module quiz of a published course) open to the whole competition's scope.",
                title=quiz.title))


def in_reach(actor, quiz) -> bool:
    """Whether the organiser may name the quiz at all: a module quiz counts as its
    course, which must be in the organiser's scope too."""
    return quiz.course_id is None or db.session.scalar(
        visible_courses(actor).where(Course.id == quiz.course_id)) is not None


def open_to_entrants(quiz, street_id: int | None) -> bool:
    """Whether every worker who may enter (the street's, or the whole district's) can
    open the quiz: published, and neither it nor its course limited to another street."""
    if not quiz.published or quiz.street_id not in (None, street_id):
        return False
    course = quiz.course
    return course is None or (course.status == "published"
                              and course.street_id in (None, street_id))


def check_rules(user, rules: list[dict]) -> list[RuleStatus]:
    """The checklist of ``rules`` for ``user``, in order."""
    checks = {"course": _course, "quiz_passed": _quiz_passed, "practice": _practice}
    return [checks[rule["rule"]](user, rule) for rule in rules or [] if rule.get("rule") in checks]


def unmet(statuses: list[RuleStatus]) -> list[dict]:
    return [s.as_json() for s in statuses if not s.met]


def _course(user, rule: dict) -> RuleStatus:
    course = db.session.scalar(sa.select(Course).where(Course.slug == rule["course"]))
    if course is None:
        return RuleStatus("course", False, _("Complete the course “%(slug)s”.",
                                             slug=rule["course"]))
    done = db.session.scalar(sa.select(Enrollment.id).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course.id,
        Enrollment.completed_at.is_not(None))) is not None
    progress = 100 if done else progress_percent(user.id, course)
    return RuleStatus("course", done, _("Complete the course “%(title)s” (%(p)s%% done).",
                                        title=course.title, p=progress),
                      _url("learning.course", slug=course.slug), progress)


def _quiz_passed(user, rule: dict) -> RuleStatus:
    quiz = db.session.get(Quiz, rule["quiz"])
    title = quiz.title if quiz is not None else f"#{rule['quiz']}"
    passed = quiz is not None and has_passed(user.id, quiz.id)
    link = None
    if quiz is not None and quiz.course is not None:
        link = _url("learning.course", slug=quiz.course.slug)
    elif quiz is not None:
        link = _url("quizzes.quiz", quiz_id=quiz.id)
    return RuleStatus("quiz_passed", passed, _("Pass the quiz “%(title)s”.", title=title),
                      link, 100 if passed else 0)


def practice_answers(user_id: int, days: int) -> int:
    """Practice questions answered in the last ``days`` days."""

    since = utcnow() - timedelta(days=days)
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AttemptAnswer)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(Attempt.user_id == user_id, Attempt.context == "practice",
               AttemptAnswer.answer.is_not(None), AttemptAnswer.saved_at >= since)) or 0


def _practice(user, rule: dict) -> RuleStatus:
    count = practice_answers(user.id, rule["days"])
    need = rule["questions"]
    return RuleStatus(
        "practice", count >= need,
        _("Answer at least %(n)s practice questions in the last %(days)s days (you have "
          "%(count)s).", n=need, days=rule["days"], count=count),
        _url("quizzes.practice"), min(100, round(100 * count / need)) if need else 100)


def on_course_renamed(course, old: str, new: str, **_kwargs) -> None:
    """Signal course_renamed: the competitions' rules that require the course follow it."""
    from trainer.competitions.models import Competition

    for comp in db.session.scalars(sa.select(Competition).where(
            sa.cast(Competition.eligibility, sa.Text).contains(old, autoescape=True))):
        rules = [{**r, "course": new} if r.get("rule") == "course" and r.get("course") == old
                 else r for r in comp.eligibility or []]
        if rules != comp.eligibility:
            comp.eligibility = rules
    db.session.flush()
