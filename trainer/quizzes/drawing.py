"""Which questions an attempt gets, and the snapshot it keeps of them."""

import logging
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.extensions import db
from trainer.quizzes import rules
from trainer.quizzes.bank import question_data
from trainer.quizzes.items import KEYS, to_dict
from trainer.quizzes.models import Question, Quiz, QuizRule

log = logging.getLogger(__name__)
_random = secrets.SystemRandom()  # workers must not be able to predict the draw


def available(quiz: Quiz, rule: QuizRule) -> int:
    """How many questions a rule can draw from now."""
    stmt = rules.rule_filter(rules.in_scope(quiz.street_id, quiz.district_id), rule)
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


def draw_ids(quiz: Quiz) -> list[int]:
    """Question ids for a new attempt: the fixed list (``pick`` of it when set) or each
    rule's draw; shuffled when the quiz says so. Saving refuses rules the bank cannot
    fill, but questions may be retired or edited since: then the attempt gets what the
    bank still has (as many as any draw could give), the shortfall is logged, and the
    quiz page warns the people who manage it (shortfall_now)."""
    if quiz.mode == "draw":
        candidates = [_random.sample(ids, len(ids))
                      for ids in rules.matches(quiz.street_id, quiz.district_id, quiz.rules)]
        counts = [rule.count for rule in quiz.rules]
        chosen = [qid for drawn in rules.assign(candidates, counts) for qid in drawn]
        if len(chosen) < sum(counts):
            log.warning("quiz %s drew %s of %s questions: its rules match too few now",
                        quiz.id, len(chosen), sum(counts))
    else:
        chosen = [item.question_id for item in quiz.items if item.question.status == "active"]
        if quiz.pick and quiz.pick < len(chosen):
            keep = set(_random.sample(chosen, quiz.pick))
            chosen = [i for i in chosen if i in keep]
    if quiz.shuffle_questions:
        _random.shuffle(chosen)
    return chosen


def shortfall_now(quiz: Quiz) -> str | None:
    """Why a new attempt would get fewer questions than the quiz asks for, or None."""
    if quiz.mode == "draw":
        return rules.shortfall(quiz.street_id, quiz.district_id, quiz.rules)
    active = sum(item.question.status == "active" for item in quiz.items)
    if quiz.pick and active < quiz.pick:
        return _("The quiz draws %(pick)s questions, but only %(n)s of its list are still "
                 "active.", pick=quiz.pick, n=active)
    return None


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
    origin = [option.key for option, _html in pairs]  # the question's own keys, as shown
    for key, (option, _html) in zip(KEYS, pairs, strict=False):
        option.key = key
    data.options = [option for option, _html in pairs]
    return {"id": question.id, "version": question.version, "points": question.points,
            "html": question.stem_html, "options_html": [html for _option, html in pairs],
            "explanation_html": question.explanation_html, "data": to_dict(data),
            "origin": origin}
