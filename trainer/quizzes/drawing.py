"""Which questions an attempt gets, and the snapshot it keeps of them."""

import secrets

import sqlalchemy as sa

from trainer.extensions import db
from trainer.quizzes.bank import question_data
from trainer.quizzes.items import KEYS, to_dict
from trainer.quizzes.models import Question, Quiz, QuizRule
from trainer.quizzes.queries import json_list_has

_random = secrets.SystemRandom()  # workers must not be able to predict the draw


def rule_filter(stmt: sa.Select, rule: QuizRule) -> sa.Select:
    """Active questions matching a rule's filters."""
    stmt = stmt.where(Question.status == "active",
                      Question.difficulty.between(rule.min_difficulty, rule.max_difficulty))
    if rule.department_id is not None:
        stmt = stmt.where(Question.department_id == rule.department_id)
    if rule.competency:
        stmt = stmt.where(json_list_has(Question.competencies, rule.competency))
    if rule.category:
        stmt = stmt.where(Question.category == rule.category)
    if rule.tag:
        stmt = stmt.where(json_list_has(Question.tags, rule.tag))
    return stmt


def _in_quiz_scope(quiz: Quiz) -> sa.Select:
    stmt = sa.select(Question.id)
    if quiz.street_id is None:
        return stmt.where(Question.street_id.is_(None))
    return stmt.where(sa.or_(Question.street_id.is_(None), Question.street_id == quiz.street_id))


def available(quiz: Quiz, rule: QuizRule) -> int:
    """How many questions a rule can draw from now."""
    stmt = rule_filter(_in_quiz_scope(quiz), rule)
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


def draw_ids(quiz: Quiz) -> list[int]:
    """Question ids for a new attempt: the fixed list (``pick`` of it when set) or each
    rule's draw; shuffled when the quiz says so."""
    if quiz.mode == "draw":
        chosen: list[int] = []
        for rule in quiz.rules:
            ids = [i for i in db.session.scalars(rule_filter(_in_quiz_scope(quiz), rule))
                   if i not in chosen]
            chosen += _random.sample(ids, min(rule.count, len(ids)))
    else:
        chosen = [item.question_id for item in quiz.items if item.question.status == "active"]
        if quiz.pick and quiz.pick < len(chosen):
            keep = set(_random.sample(chosen, quiz.pick))
            chosen = [i for i in chosen if i in keep]
    if quiz.shuffle_questions:
        _random.shuffle(chosen)
    return chosen


def snapshot(question_ids: list[int], *, shuffle_options: bool) -> list[dict]:
    """What an attempt keeps of its questions, in its order: the QuestionData (options
    re-keyed A, B, ... in this attempt's order) and the HTML rendered when saved."""
    by_id = {q.id: q for q in db.session.scalars(
        sa.select(Question).where(Question.id.in_(question_ids)))}
    return [_entry(by_id[i], shuffle_options) for i in question_ids if i in by_id]


def _entry(question: Question, shuffle_options: bool) -> dict:
    data = question_data(question)
    pairs = list(zip(data.options, question.options_html or [], strict=False))
    if shuffle_options and data.type in ("single", "multiple"):
        _random.shuffle(pairs)
    for key, (option, _html) in zip(KEYS, pairs, strict=False):
        option.key = key
    data.options = [option for option, _html in pairs]
    return {"id": question.id, "version": question.version, "points": question.points,
            "html": question.stem_html, "options_html": [html for _option, html in pairs],
            "explanation_html": question.explanation_html, "data": to_dict(data)}
