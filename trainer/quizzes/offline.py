"""Offline practice: a pack of questions a phone keeps to practise without a connection,
and the practice it sends back once the connection returns. Flush, never commit.

The pack is drawn like 今日练习 (practice.daily_draw: due reviews, weak competencies, the
department, the rest) but only from questions that nothing withholds (withheld.py) and
that the phone can judge by itself (choice and true/false). Because nothing withholds
them, it carries each key and explanation: the worker sees right or wrong at once.

What comes back is never trusted: the server re-checks every question (still in the
worker's practice pool, still withheld by nothing, still the version the pack held),
grades by its own key, and records one practice attempt per client id (the unique index
``uq_attempts_client``): a replay returns the attempt already recorded. Grading goes
through services.submit_attempt, so practice days, the streak and the notebook follow
exactly as for practice answered online.
"""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.errors import Invalid
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes import services
from trainer.quizzes.drawing import snapshot
from trainer.quizzes.grading import BadAnswer, coerce_answer, correct_answer
from trainer.quizzes.items import from_dict
from trainer.quizzes.models import Attempt, AttemptAnswer, Question
from trainer.quizzes.practice import daily_draw, practice_pool
from trainer.quizzes.review import public_question
from trainer.quizzes.withheld import withheld_questions

PACK_SIZE = 30
OFFLINE_TYPES = ("single", "multiple", "truefalse")  # judged on the phone by the key alone
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,40}")


def _offline_pool(user) -> sa.Select:
    return practice_pool(user).where(Question.type.in_(OFFLINE_TYPES))


def pack(user, size: int = PACK_SIZE) -> dict:
    """Up to ``size`` questions for offline practice, with keys and explanations, drawn
    like today's practice from the questions nothing withholds from ``user``."""
    hidden = withheld_questions(user.id)
    not_offline = set(db.session.scalars(
        practice_pool(user).where(Question.type.not_in(OFFLINE_TYPES))))
    chosen = daily_draw(user, hidden | not_offline, size)
    questions = []
    for entry in snapshot(chosen, shuffle_options=False):
        if entry["id"] in hidden:  # belt and braces: the draw already left them out
            continue
        questions.append({**public_question(entry), "version": entry["version"],
                          "answer": correct_answer(from_dict(entry["data"])),
                          "explanation": entry["explanation_html"] or None})
    return {"user_id": user.id, "made_at": utcnow().isoformat(), "size": len(questions),
            "questions": questions}


def _by_client(user_id: int, client_id: str) -> Attempt | None:
    return db.session.scalar(sa.select(Attempt).where(
        Attempt.user_id == user_id, Attempt.client_id == client_id))


def record(user, client_id: object, answers: object) -> dict:
    """Record the practice answered offline as one graded practice attempt (once per
    ``client_id``) and return its result: which answers were taken, which refused and why
    (``withheld``: something withholds the question now; ``unknown``: not a question the
    user may practise offline; ``changed``: edited since the pack was made;
    ``bad_answer``; ``duplicate``), the score and the review."""
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        raise Invalid(_("Field “%(name)s” has the wrong type.", name="client_id"),
                      field="client_id")
    if not isinstance(answers, list) or not answers or len(answers) > PACK_SIZE:
        raise Invalid(_("Send between 1 and %(n)s answers.", n=PACK_SIZE), field="answers")
    found = _by_client(user.id, client_id)
    if found is not None:
        return _outcome(found, replayed=True, refused=[])
    given, refused = _screen(user, answers)
    entries, values = [], {}
    for entry in snapshot(list(given), shuffle_options=False):
        try:
            value = coerce_answer(from_dict(entry["data"]), given[entry["id"]])
        except BadAnswer:
            value = None
        if value is None:
            refused.append({"question_id": entry["id"], "reason": "bad_answer"})
            continue
        entries.append(entry)
        values[entry["id"]] = value
    if not entries:
        return {"attempt_id": None, "replayed": False, "accepted": 0, "refused": refused}
    number = 1 + (db.session.scalar(sa.select(sa.func.count()).where(
        Attempt.user_id == user.id, Attempt.context == "practice")) or 0)
    attempt = Attempt(quiz_id=None, user_id=user.id, context="practice", series="practice",
                      attempt_no=number, label=_("Offline practice"), review="after_submit",
                      pass_percent=60, questions=entries, instant=False, flagged=[],
                      client_id=client_id)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except sa.exc.IntegrityError:  # the same practice sent twice at once: the other won
        return _outcome(_by_client(user.id, client_id), replayed=True, refused=[])
    now = utcnow()
    db.session.add_all(AttemptAnswer(attempt_id=attempt.id, question_id=qid, answer=value,
                                     seq=0, saved_at=now) for qid, value in values.items())
    db.session.flush()
    services.submit_attempt(attempt, reveal=False)
    return _outcome(attempt, replayed=False, refused=refused)


def _screen(user, answers: list) -> tuple[dict[int, object], list[dict]]:
    """The answers to questions still safe to practise offline (question id -> answer as
    sent), and the refused ones with their reason."""
    ids = [item.get("question_id") for item in answers if isinstance(item, dict)]
    ids = [qid for qid in ids if isinstance(qid, int) and not isinstance(qid, bool)]
    hidden = withheld_questions(user.id)
    allowed = set(db.session.scalars(_offline_pool(user).where(Question.id.in_(ids))))
    versions = dict(db.session.execute(
        sa.select(Question.id, Question.version).where(Question.id.in_(ids))).all())
    given: dict[int, object] = {}
    refused: list[dict] = []
    for item in answers:
        qid = item.get("question_id") if isinstance(item, dict) else None
        if not isinstance(qid, int) or isinstance(qid, bool):
            refused.append({"question_id": None, "reason": "bad_answer"})
        elif qid in given:
            refused.append({"question_id": qid, "reason": "duplicate"})
        elif qid in hidden:
            refused.append({"question_id": qid, "reason": "withheld"})
        elif qid not in allowed:
            refused.append({"question_id": qid, "reason": "unknown"})
        elif item.get("version") != versions.get(qid):
            refused.append({"question_id": qid, "reason": "changed"})
        else:
            given[qid] = item.get("answer")
    return given, refused


def _outcome(attempt: Attempt, *, replayed: bool, refused: list[dict]) -> dict:
    result = services.result_json(attempt, reveal=services.review_allowed(attempt))
    return {"attempt_id": attempt.id, "replayed": replayed,
            "accepted": len(attempt.questions), "refused": refused,
            "score": result["score"], "max_score": result["max_score"],
            "percent": result["percent"]}
