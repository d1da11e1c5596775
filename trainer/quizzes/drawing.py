"""Which questions an attempt gets, and the snapshot it keeps of them."""

import json
import logging
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.extensions import db
from trainer.quizzes import rules
from trainer.quizzes.bank import question_data
from trainer.quizzes.items import KEYS, to_dict
from trainer.quizzes.models import Question, Quiz, QuizQuestion, QuizRule

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
    return _drawn(quiz)[0]


def draw_snapshot(quiz: Quiz) -> list[dict]:
    """A new attempt's questions: ``draw_ids`` and their ``snapshot``. A fixed list is
    read in one statement with each question's stamp, so that the snapshot needs no
    statement of its own when the process has the questions cached."""
    ids, stamps = _drawn(quiz)
    return snapshot(ids, shuffle_options=quiz.shuffle_options, stamps=stamps)


def _drawn(quiz: Quiz) -> tuple[list[int], dict | None]:
    stamps = None
    if quiz.mode == "draw":
        candidates = [_random.sample(ids, len(ids))
                      for ids in rules.matches(quiz.street_id, quiz.district_id, quiz.rules)]
        counts = [rule.count for rule in quiz.rules]
        chosen = [qid for drawn in rules.assign(candidates, counts) for qid in drawn]
        if len(chosen) < sum(counts):
            log.warning("quiz %s drew %s of %s questions: its rules match too few now",
                        quiz.id, len(chosen), sum(counts))
    else:
        # the list in its order with each question's status and stamp, in one statement
        # (not quiz.items, which loads every question's whole row)
        rows = db.session.execute(
            sa.select(QuizQuestion.question_id, Question.status, *_stamp_columns())
            .join(Question, Question.id == QuizQuestion.question_id)
            .where(QuizQuestion.quiz_id == quiz.id)
            .order_by(QuizQuestion.position, QuizQuestion.id)).all()
        chosen = [row[0] for row in rows if row[1] == "active"]
        stamps = {row[0]: tuple(row[2:]) for row in rows}
        if quiz.pick and quiz.pick < len(chosen):
            keep = set(_random.sample(chosen, quiz.pick))
            chosen = [i for i in chosen if i in keep]
    if quiz.shuffle_questions:
        _random.shuffle(chosen)
    return chosen, stamps


def shortfall_now(quiz: Quiz) -> str | None:
    """Why a new attempt would get fewer questions than the quiz asks for, or None."""
    if quiz.mode == "draw":
        return rules.shortfall(quiz.street_id, quiz.district_id, quiz.rules)
    active = sum(item.question.status == "active" for item in quiz.items)
    if quiz.pick and active < quiz.pick:
        return _("The quiz draws %(pick)s questions, but only %(n)s of its list are still "
                 "active.", pick=quiz.pick, n=active)
    return None


# A question's entry as its stored row renders it, before any shuffle of its options,
# kept per process as JSON text (each use parses a fresh copy: no attempt can change the
# cache or another attempt's snapshot). The key is the row's stamp: its version and
# content hash (both change with every edit of its content, bank.apply_data) and its
# updated_at (changed by any other update of the row): an edited question is read again.
_SNAPSHOTS: dict[tuple, str] = {}
SNAPSHOT_CACHE_SIZE = 4096


def _stamp_columns() -> tuple:
    return Question.version, Question.content_hash, Question.updated_at


def snapshot(question_ids: list[int], *, shuffle_options: bool,
             stamps: dict | None = None) -> list[dict]:
    """What an attempt keeps of its questions, in its order: the QuestionData (options
    re-keyed A, B, ... in this attempt's order) and the HTML rendered when saved.
    ``stamps`` (question id -> version, content hash, updated_at, as just read) spares
    reading them; the whole rows are read only for questions this process has not cached
    at that stamp."""
    if not question_ids:
        return []
    if stamps is None:
        stamps = {row[0]: tuple(row[1:]) for row in db.session.execute(
            sa.select(Question.id, *_stamp_columns()).where(Question.id.in_(question_ids)))}
    texts = {qid: _SNAPSHOTS.get((qid, *stamps[qid])) for qid in question_ids
             if qid in stamps}
    missing = [qid for qid, text in texts.items() if text is None]
    if missing:
        for question in db.session.scalars(sa.select(Question).where(Question.id.in_(missing))):
            text = json.dumps(_base_entry(question), ensure_ascii=False)
            if len(_SNAPSHOTS) >= SNAPSHOT_CACHE_SIZE:
                _SNAPSHOTS.clear()
            _SNAPSHOTS[(question.id, question.version, question.content_hash,
                        question.updated_at)] = text
            texts[question.id] = text  # this row as read now, whatever the stamp said
    return [_entry(json.loads(texts[i]), shuffle_options) for i in question_ids
            if texts.get(i) is not None]


def _base_entry(question: Question) -> dict:
    """The question's entry with its options in its own order and keys."""
    return {"id": question.id, "version": question.version, "points": question.points,
            "html": question.stem_html, "options_html": list(question.options_html or []),
            "explanation_html": question.explanation_html,
            "data": to_dict(question_data(question))}


def _entry(entry: dict, shuffle_options: bool) -> dict:
    """A fresh copy of a base entry as an attempt keeps it: its options (shuffled when
    asked, for choice questions) keyed A, B, … in the attempt's order, ``origin`` naming
    each one's own key."""
    data = entry["data"]
    pairs = list(zip(data.get("options") or [], entry["options_html"], strict=False))
    if shuffle_options and data.get("type") in ("single", "multiple"):
        _random.shuffle(pairs)
    entry["origin"] = [option["key"] for option, _html in pairs]
    for key, (option, _html) in zip(KEYS, pairs, strict=False):
        option["key"] = key
    data["options"] = [option for option, _html in pairs]
    entry["options_html"] = [html for _option, html in pairs]
    return entry
