"""Read helpers: who sees which questions, quizzes and attempts (a street is a tenant)."""

import json
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app

from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.scope import (
    can_author,
    district_clause,
    in_reach,
    is_district_wide,
    street_id_of,
)
from trainer.quizzes.models import Attempt, Mistake, Question, QuestionBank, Quiz
from trainer.quizzes.policies import course_scopes

STAFF = ("trainer", "organiser", "admin")


def grace() -> timedelta:
    """How long after its deadline an attempt still accepts saves (network delay)."""
    return timedelta(seconds=current_app.config.get("QUIZ_GRACE_SECONDS", 20))


def _street_clause(model, user):
    """The library's rows and those of the user's districts (and street, when limited)."""
    in_district = district_clause(user, model.district_id, library=True)
    if is_district_wide(user):
        return in_district
    return in_district & sa.or_(model.street_id.is_(None),
                                model.street_id == street_id_of(user))


def visible_questions(user) -> sa.Select:
    """Questions staff may browse and use: district-wide ones and their street's."""
    if user.role not in STAFF:
        return sa.select(Question).where(sa.false())
    return sa.select(Question).where(_street_clause(Question, user))


def can_edit_question(user, question: Question) -> bool:
    """Edit or retire a question: the rule of ``org.scope.can_author``."""
    return can_author(user, question)


def visible_banks(user) -> sa.Select:
    """Banks holding at least one question the user may see (the bank page's filter):
    a bank only another street's questions are in stays unnamed."""
    held = visible_questions(user).with_only_columns(Question.bank_id)
    return (sa.select(QuestionBank).where(QuestionBank.id.in_(held))
            .order_by(QuestionBank.name))


def json_list_has(column, value: str):
    """SQL condition: a JSON list column holds ``value`` (same text on SQLite and PG)."""
    return sa.cast(column, sa.Text).contains(json.dumps(value), autoescape=True)


def visible_quizzes(user) -> sa.Select:
    """Quizzes the user may open: staff every quiz in scope (drafts too, to use in a
    round); workers the published ones of their street or district, and module quizzes
    of courses they can see."""
    stmt = sa.select(Quiz).where(_street_clause(Quiz, user))
    if user.role in STAFF:
        return stmt
    in_courses = [Quiz.course_id.in_(scope(user)) for scope in course_scopes]
    return stmt.where(Quiz.published.is_(True),
                      sa.or_(Quiz.course_id.is_(None), *in_courses))


def open_now(stmt: sa.Select) -> sa.Select:
    """Only quizzes whose window includes now."""
    now = utcnow()
    return stmt.where(sa.or_(Quiz.opens_at.is_(None), Quiz.opens_at <= now),
                      sa.or_(Quiz.closes_at.is_(None), Quiz.closes_at > now))


def can_manage_quiz(user, quiz: Quiz) -> bool:
    """Edit settings and see results: admins; organisers in scope; trainers for quizzes
    they wrote or of their department. Module quizzes are edited in their course.yml."""
    if user.role == "admin":
        return True
    if user.role not in ("trainer", "organiser"):
        return False
    if not in_reach(user, quiz.district_id, library=True):
        return False  # another district's quiz
    street = street_id_of(user)
    if street is not None and quiz.street_id != street and quiz.street_id is not None:
        return False
    if user.role == "organiser":
        return street is None or quiz.street_id == street
    return quiz.created_by_id == user.id or (
        quiz.department_id is not None and quiz.department_id == user.department_id)


def module_quiz_for(course_id: int) -> Quiz | None:
    """The end-of-module quiz of a course, if it has one."""
    return db.session.scalar(sa.select(Quiz).where(Quiz.course_id == course_id))


def has_passed(user_id: int, quiz_id: int) -> bool:
    """Whether the user has a graded, passed attempt at the quiz."""
    return db.session.scalar(sa.select(Attempt.id).where(
        Attempt.user_id == user_id, Attempt.quiz_id == quiz_id,
        Attempt.passed.is_(True)).limit(1)) is not None


def passed_clause(quiz_id, user_id):
    """SQL condition: the user (an id or a column) has a passed attempt at the quiz;
    ``has_passed`` for many people or quizzes in one statement."""
    return sa.exists().where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id,
                             Attempt.passed.is_(True))


def overdue_attempts(user_id: int | None = None, quiz_id: int | None = None) -> sa.Select:
    """Open attempts past their deadline and its grace period (to be graded as saved)."""
    stmt = sa.select(Attempt).where(Attempt.submitted_at.is_(None),
                                    Attempt.deadline < utcnow() - grace())
    if user_id is not None:
        stmt = stmt.where(Attempt.user_id == user_id)
    return stmt if quiz_id is None else stmt.where(Attempt.quiz_id == quiz_id)


def has_pending_grading(user_id: int) -> bool:
    """Whether the user has an attempt past its deadline (and grace) still ungraded, or a
    graded one of a closed after-close quiz whose misses have not entered the notebook.
    One prebuilt statement: pages of other domains ask it on every request."""
    now = utcnow()
    row = db.session.execute(_pending_statement(),
                             {"uid": user_id, "cutoff": now - grace(), "now": now}).first()
    return row is not None


@cache
def _pending_statement() -> sa.Select:
    return (sa.select(Attempt.id)
            .where(*_pending_conditions(sa.bindparam("uid"))).limit(1))


def _pending_conditions(uid) -> tuple:
    overdue = sa.and_(Attempt.submitted_at.is_(None), Attempt.deadline < sa.bindparam("cutoff"))
    closed = sa.select(Quiz.id).where(Quiz.closes_at <= sa.bindparam("now"))
    # (two equalities rather than IN: no list expanded into the SQL on each execution)
    unnoted = sa.and_(sa.or_(Attempt.context == "quiz", Attempt.context == "module"),
                      Attempt.review == "after_close",
                      Attempt.submitted_at.is_not(None), Attempt.noted_at.is_(None),
                      Attempt.quiz_id.in_(closed))
    return Attempt.user_id == uid, sa.or_(overdue, unnoted)


def pending_grading_params(now=None) -> dict:
    """The ``cutoff`` and ``now`` parameters of ``pending_grading_clause``."""
    now = now or utcnow()
    return {"cutoff": now - grace(), "now": now}


def pending_grading_clause(uid) -> sa.Exists:
    """SQL: has_pending_grading for the user ``uid`` (a column or bound parameter), with
    the parameters ``cutoff`` and ``now`` (pending_grading_params), for a statement that
    asks it beside what it reads."""
    return sa.exists().where(*_pending_conditions(uid))


def has_overdue(user_id: int | None = None, quiz_id: int | None = None) -> bool:
    stmt = overdue_attempts(user_id, quiz_id).with_only_columns(Attempt.id).limit(1)
    return db.session.scalar(stmt) is not None


def my_attempts(user_id: int) -> sa.Select:
    return (sa.select(Attempt).where(Attempt.user_id == user_id)
            .order_by(Attempt.started_at.desc(), Attempt.id.desc()))


def own_attempt(user, attempt_id: int) -> Attempt | None:
    """The caller's attempt, or None (someone else's answers 404 like a missing one)."""
    return db.session.scalar(sa.select(Attempt).where(Attempt.id == attempt_id,
                                                      Attempt.user_id == user.id))


def latest_attempt(user_id: int, quiz_id: int, series: str) -> Attempt | None:
    """The user's highest-numbered attempt at the quiz in the series. It is the open one
    if any is: a new attempt is only made when none is open, and uq_attempts_open holds
    one at most."""
    return db.session.scalar(sa.select(Attempt).where(
        Attempt.user_id == user_id, Attempt.quiz_id == quiz_id, Attempt.series == series)
        .order_by(Attempt.attempt_no.desc()).limit(1))


def notebook(user_id: int) -> sa.Select:
    """The questions in the user's wrong-answer notebook, the soonest due first."""
    return (sa.select(Mistake).join(Question, Question.id == Mistake.question_id)
            .where(Mistake.user_id == user_id, Mistake.cleared_at.is_(None),
                   Question.status == "active")
            .order_by(Mistake.due.is_(None), Mistake.due.asc(), Mistake.last_wrong_at.desc(),
                      Mistake.id.desc()))


MAX_ID = 2**31 - 1


def plain_id(text: str | None) -> int | None:
    """A positive number written in ASCII digits that fits an id column, else None ("²"
    and "٣" are digits to str.isdigit, but no id)."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


FILTERS = ("q", "type", "department", "difficulty", "competency", "category", "tag",
           "status", "bank")


def filtered_questions(user, f: dict) -> sa.Select:
    """The bank page's search: visible questions matching every filter that is set."""
    from trainer.org.models import Department
    from trainer.quizzes.items import TYPES

    stmt = visible_questions(user)
    status = f.get("status") or "active"
    if status in ("active", "retired"):
        stmt = stmt.where(Question.status == status)
    if f.get("type") in TYPES:
        stmt = stmt.where(Question.type == f["type"])
    if f.get("department"):
        stmt = stmt.where(Question.department_id == sa.select(Department.id).where(
            Department.code == f["department"]).scalar_subquery())
    if (difficulty := plain_id(f.get("difficulty"))) is not None:
        stmt = stmt.where(Question.difficulty == difficulty)
    if (bank := plain_id(f.get("bank"))) is not None:
        stmt = stmt.where(Question.bank_id == bank)
    for name, column in (("competency", Question.competencies), ("tag", Question.tags)):
        if f.get(name):
            stmt = stmt.where(json_list_has(column, f[name]))
    if f.get("category"):
        stmt = stmt.where(Question.category == f["category"])
    if f.get("q"):
        stmt = stmt.where(sa.or_(Question.stem.contains(f["q"], autoescape=True),
                                 Question.title.contains(f["q"], autoescape=True)))
    return stmt.order_by(Question.id.desc())
