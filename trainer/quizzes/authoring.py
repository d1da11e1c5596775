"""Quiz settings: create and edit quizzes (fixed list or draw by rules). Flush, never
commit."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.errors import Forbidden, Invalid
from trainer.extensions import db
from trainer.org.models import Department, Unit
from trainer.org.scope import district_clause, district_for, in_scope, street_id_of
from trainer.quizzes import rules
from trainer.quizzes.models import REVIEWS, Question, Quiz, QuizQuestion, QuizRule
from trainer.quizzes.queries import MAX_ID, visible_questions


@dataclass
class RuleSpec:
    count: int
    department_id: int | None = None
    competency: str | None = None
    category: str | None = None
    tag: str | None = None
    min_difficulty: int = 1
    max_difficulty: int = 5


@dataclass
class QuizSettings:
    title: str
    description: str = ""
    mode: str = "fixed"
    question_ids: list[int] = field(default_factory=list)
    pick: int | None = None
    rules: list[RuleSpec] = field(default_factory=list)
    time_limit: int | None = None
    max_attempts: int | None = None
    pass_percent: int = 60
    shuffle_questions: bool = True
    shuffle_options: bool = True
    review: str = "after_submit"
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    street_id: int | None = None
    published: bool = False


SIMPLE = ("title", "description", "mode", "pick", "time_limit", "max_attempts",
          "pass_percent", "shuffle_questions", "shuffle_options", "review", "opens_at",
          "closes_at", "published")


def save_quiz(author, settings: QuizSettings, quiz: Quiz | None = None) -> Quiz:
    """Create (``quiz`` None) or update a quiz after checking its settings (draw rules
    must be fillable from the bank now: rules.shortfall)."""
    if quiz is not None and quiz.course_id is not None:
        raise Forbidden(_("A module quiz is edited in its course folder."))
    _check(settings)
    street = _street(author, settings.street_id)
    # the quiz's district: its street's; else the one it had; else the author's
    district = (district_for(author, db.session.get(Unit, street)) if street
                else quiz.district_id if quiz is not None else district_for(author, None))
    if quiz is None and district is None and _several_districts(author):
        # an admin (or a city organiser) names the street: a whole-district quiz would
        # otherwise join the shared library, open to every district's people
        raise Invalid(_("Several districts exist: choose the street the quiz is open to, "
                        "or create it as a member of its district."), field="street")
    ids = _question_ids(author, settings, street) if settings.mode == "fixed" else []
    if settings.mode == "draw" and (reason := rules.shortfall(street, district,
                                                              settings.rules)):
        raise Invalid(reason, field="rules")
    if quiz is None:
        quiz = Quiz(created_by_id=author.id, department_id=author.department_id
                    if author.role == "trainer" else None)
        db.session.add(quiz)
    for name in SIMPLE:
        value = getattr(settings, name)
        setattr(quiz, name, value.strip() if isinstance(value, str) else value)
    quiz.street_id, quiz.district_id = street, district
    db.session.flush()
    set_quiz_questions(quiz, ids)
    set_rules(quiz, settings.rules if settings.mode == "draw" else [])
    return quiz


def _check(settings: QuizSettings) -> None:
    if not settings.title.strip():
        raise Invalid(_("A title is required."), field="title")
    if settings.mode not in ("fixed", "draw"):
        raise Invalid(_("Choose a fixed list or a draw by rules."), field="mode")
    if settings.review not in REVIEWS:
        raise Invalid(_("Unknown review policy."), field="review")
    if settings.review == "after_close" and settings.closes_at is None:
        raise Invalid(_("Showing answers after the quiz closes needs a closing time."),
                      field="closes_at")
    if settings.opens_at and settings.closes_at and settings.opens_at >= settings.closes_at:
        raise Invalid(_("The quiz must open before it closes."), field="closes_at")
    if settings.mode == "draw" and not settings.rules:
        raise Invalid(_("Add at least one draw rule."), field="rules")
    for rule in settings.rules:
        if rule.count < 1 or not 1 <= rule.min_difficulty <= rule.max_difficulty <= 5:
            raise Invalid(_("Each rule needs a count of at least 1 and a difficulty range "
                            "within 1–5."), field="rules")
        if rule.department_id is not None and (
                rule.department_id > MAX_ID or db.session.get(Department, rule.department_id)
                is None):
            raise Invalid(_("A draw rule names a department that does not exist: choose one "
                            "from the list, or “Any department”."), field="rules")


def _street(author, street_id: int | None) -> int | None:
    own = street_id_of(author)
    if own is not None:
        return own  # a street's staff make quizzes for their street only
    if street_id is None:
        return None
    unit = db.session.get(Unit, street_id)
    if unit is None or unit.level != "street" or not in_scope(author, unit):
        raise Invalid(_("Unknown street."), field="street")
    return unit.id


def _several_districts(author) -> bool:
    """More than one district within the author's reach."""
    stmt = sa.select(Unit.id).where(Unit.level == "district",
                                    district_clause(author, Unit.id)).limit(2)
    return len(db.session.scalars(stmt).all()) > 1


def _question_ids(author, settings: QuizSettings, street: int | None) -> list[int]:
    ids = list(dict.fromkeys(settings.question_ids))
    if not ids:
        raise Invalid(_("List the questions of the quiz."), field="question_ids")
    usable = set(db.session.scalars(visible_questions(author).with_only_columns(Question.id)
                                    .where(Question.id.in_([i for i in ids if i <= MAX_ID]),
                                           Question.status == "active",
                                           sa.or_(Question.street_id.is_(None),
                                                  Question.street_id == street))))
    unknown = [str(i) for i in ids if i not in usable]
    if unknown:
        raise Invalid(_("Unknown or retired questions: %(ids)s", ids=", ".join(unknown)),
                      field="question_ids")
    if settings.pick and settings.pick > len(ids):
        raise Invalid(_("Cannot draw %(pick)s of %(n)s questions.", pick=settings.pick,
                        n=len(ids)), field="pick")
    return ids


def set_quiz_questions(quiz: Quiz, ids: list[int]) -> bool:
    """Make the quiz's fixed list exactly ``ids`` in that order; True when it changed.
    Kept rows are updated in place (the unit of work inserts before it deletes)."""
    if [item.question_id for item in quiz.items] == ids:
        return False
    current = {item.question_id: item for item in quiz.items}
    for question_id, item in current.items():
        if question_id not in ids:
            quiz.items.remove(item)
    db.session.flush()
    for position, question_id in enumerate(ids):
        item = current.get(question_id)
        if item is None:
            quiz.items.append(QuizQuestion(question_id=question_id, position=position))
        else:
            item.position = position
    quiz.items.sort(key=lambda item: item.position)
    db.session.flush()
    return True


def set_rules(quiz: Quiz, rules: list[RuleSpec]) -> None:
    quiz.rules = [QuizRule(position=at, **vars(rule)) for at, rule in enumerate(rules)]
    db.session.flush()
