"""Module quizzes: the `quiz:` section of a course.yml, upserted by the course loader."""

from dataclasses import replace

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.errors import Invalid
from trainer.extensions import db
from trainer.quizzes.authoring import set_quiz_questions
from trainer.quizzes.bank import (
    announce_questions,
    apply_data,
    create_question,
    ensure_bank,
)
from trainer.quizzes.items import QuestionData
from trainer.quizzes.models import Question, Quiz
from trainer.quizzes.queries import module_quiz_for, visible_quizzes


def upsert_module_quiz(course, spec: dict, questions: list[QuestionData], source: str) -> Quiz:
    """Create or update a course's end-of-module quiz, idempotently: questions keep
    their ids (matched by GIFT title, else position), changed ones are edited in place
    (attempts keep their own snapshot), vanished ones retire. spec: pick, time_limit
    (minutes), pass_percent, attempts (all optional)."""
    if not questions:
        raise Invalid(_("The module quiz has no questions."), field="quiz")
    pick = spec.get("pick")
    if pick is not None and not 0 < pick <= len(questions):
        raise Invalid(_("Cannot draw %(pick)s of %(n)s questions.", pick=pick,
                        n=len(questions)), field="quiz.pick")
    stored = _sync_questions(course, questions, source)
    quiz = module_quiz_for(course.id)
    if quiz is None:
        quiz = Quiz(course_id=course.id, source=source[:120], mode="fixed", review="after_submit",
                    shuffle_questions=True, shuffle_options=True, published=True)
        db.session.add(quiz)
    wanted = {"title": course.title[:120], "street_id": course.street_id,
              "district_id": course.district_id,
              "department_id": course.department_id, "pick": pick,
              "time_limit": spec.get("time_limit"), "pass_percent": spec.get("pass_percent", 60),
              "max_attempts": spec.get("attempts"), "published": True}
    for name, value in wanted.items():
        if getattr(quiz, name) != value:
            setattr(quiz, name, value)
    db.session.flush()
    set_quiz_questions(quiz, [question.id for question in stored])
    return quiz


def _sync_questions(course, questions: list[QuestionData], source: str) -> list[Question]:
    bank = ensure_bank(source)
    existing = {q.source_key: q for q in db.session.scalars(
        sa.select(Question).where(Question.bank_id == bank.id, Question.source == source))}
    stored, seen = [], set()
    for position, data in enumerate(questions, start=1):
        key = data.title if data.title and data.title not in seen else f"#{position}"
        seen.add(key)
        if not data.competencies:  # practice by competency finds the module's questions
            data = replace(data, competencies=list(course.competencies or []))
        question = existing.pop(key, None)
        if question is None:
            question = create_question(data, bank, department_id=course.department_id,
                                       source=source, source_key=key)
        else:
            apply_data(question, data)
        _set_if_changed(question, status="active", department_id=course.department_id,
                        street_id=course.street_id, district_id=course.district_id)
        stored.append(question)
    for question in existing.values():
        _set_if_changed(question, status="retired")
    db.session.flush()
    announce_questions(*(q.id for q in stored), *(q.id for q in existing.values()))
    return stored


def _set_if_changed(obj, **values) -> None:
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def attachable_quizzes(user, course):
    """Quizzes the course editor may attach as the course's module quiz: in the user's
    scope, no other course's, of the course's department (or none) and street (or none)."""
    return db.session.scalars(visible_quizzes(user).where(
        sa.or_(Quiz.course_id.is_(None), Quiz.course_id == course.id),
        sa.or_(Quiz.department_id.is_(None), Quiz.department_id == course.department_id),
        sa.or_(Quiz.street_id.is_(None), Quiz.street_id == course.street_id))
        .order_by(Quiz.title, Quiz.id).limit(500)).all()


def attach_module_quiz(user, course, quiz_id: int | None) -> Quiz:
    """Make a quiz the course's module quiz (the one it had becomes a standalone quiz)."""
    quiz = next((q for q in attachable_quizzes(user, course) if q.id == quiz_id), None)
    if quiz is None:
        raise Invalid(_("Choose the module quiz from the list; nothing was changed."),
                      field="quiz")
    old = module_quiz_for(course.id)
    if old is not None and old.id != quiz.id:
        old.course_id = None
        db.session.flush()  # the course id is unique among quizzes
    quiz.course_id = course.id
    db.session.flush()
    return quiz


def detach_module_quiz(course) -> Quiz | None:
    """The course has no module quiz any more; the quiz stays, standalone."""
    quiz = module_quiz_for(course.id)
    if quiz is not None:
        quiz.course_id = None
        db.session.flush()
    return quiz
