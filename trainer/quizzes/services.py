"""Attempt use cases: start, autosave, submit and grade. Flush, never commit.

Every change to an attempt first locks its row (SELECT ... FOR UPDATE on PostgreSQL;
SQLite serialises writers with BEGIN IMMEDIATE), so a save and a submit, or two submits,
never interleave: an attempt is graded once and no acknowledged answer is lost.
"""

from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer import signals
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes import queries
from trainer.quizzes.drawing import draw_snapshot
from trainer.quizzes.grading import BadAnswer, coerce_answer, grade
from trainer.quizzes.items import from_dict
from trainer.quizzes.models import CONTEXTS, Attempt, AttemptAnswer, Quiz
from trainer.quizzes.modules import upsert_module_quiz
from trainer.quizzes.policies import review_policies
from trainer.quizzes.practice import record_results, withdraw_from_practice
from trainer.quizzes.review import attempt_json, result_json
from trainer.quizzes.spaced import note_practice

__all__ = ["accepts_saves", "attempt_json", "grade_overdue",
           "result_json", "review_allowed", "save_answer", "save_answers", "start_attempt",
           "submit_attempt", "upsert_module_quiz"]

MAX_SEQ = 2**53
START_TRIES = 5  # inserts a start may lose to concurrent ones (see start_attempt)
OWN_CONTEXTS = ("practice", "quiz", "module")  # reviewed by the quiz's own setting
MISSING = object()  # no "answer" in the request body


def series_for(context: str, round_id: int | None) -> str:
    if context not in CONTEXTS:
        raise ValueError(f"unknown attempt context {context!r}")
    return f"competition:{round_id}" if context == "competition" else context


def start_attempt(user, quiz: Quiz, *, context: str = "quiz", round_id: int | None = None,
                  deadline: datetime | None = None,
                  max_attempts: int | None = None,
                  arrange=None) -> tuple[Attempt, bool]:
    """The user's open attempt at ``quiz`` in this context, or a new one (True when
    created). Conflict beyond the allowed attempts, outside the window, without questions.
    ``arrange``, when given, turns a new attempt's question snapshot into the one stored
    (a competition round's own order), before the insert: one statement, no update after.

    Concurrency (any number of gunicorn workers and threads): the database holds one open
    attempt per (user, quiz, series) by the partial unique index ``uq_attempts_open``
    (``submitted_at IS NULL``), beside the unique attempt number. Simultaneous starts all
    try to insert; the losers' inserts fail (on PostgreSQL after waiting for the winner to
    commit) in a savepoint, and the retry reads the winner's attempt and returns it. The
    number used is read before the open attempt, so a start that sees a winner's number
    also sees its open attempt: a start is never refused "no attempts left" because of a
    concurrent start of its own. The retry is bounded, but each lost insert means a
    committed open attempt to return, so it takes one more round at most unless that
    attempt is submitted in the meantime. The number used and the open attempt are read
    in one statement (``queries.latest_attempt``), so they always agree."""
    series = series_for(context, round_id)
    grade_overdue(user.id)
    limit = max_attempts if max_attempts is not None else quiz.max_attempts
    if context != "competition":
        _check_window(quiz)
    for _retry in range(START_TRIES):
        # The number used and the open attempt in one statement (one snapshot of the
        # rows): the latest attempt is the open one if any is.
        latest = queries.latest_attempt(user.id, quiz.id, series)
        used = latest.attempt_no if latest is not None else 0
        if latest is not None and latest.submitted_at is None:
            return latest, False
        if limit and used >= limit:
            raise Conflict(_("You have used all %(n)s attempts at this quiz.", n=limit),
                           code="no_attempts_left")
        attempt = _new_attempt(user, quiz, context, round_id, series, used + 1, deadline,
                               arrange)
        try:
            with db.session.begin_nested():
                db.session.add(attempt)
        except sa.exc.IntegrityError:
            continue  # a concurrent start won: return its attempt
        withdraw_from_practice(user.id, [entry["id"] for entry in attempt.questions])
        return attempt, True
    raise Conflict(_("Please try again."), code="busy")


def _check_window(quiz: Quiz) -> None:
    now = utcnow()
    if quiz.opens_at is not None and now < quiz.opens_at:
        raise Conflict(_("This quiz has not opened yet."), code="not_open")
    if quiz.closes_at is not None and now >= quiz.closes_at:
        raise Conflict(_("This quiz is closed."), code="closed")


def _new_attempt(user, quiz: Quiz, context: str, round_id: int | None, series: str,
                 number: int, deadline: datetime | None, arrange=None) -> Attempt:
    questions = draw_snapshot(quiz)
    if not questions:
        raise Conflict(_("This quiz has no questions yet."), code="no_questions")
    if arrange is not None:
        questions = arrange(questions)
    now = utcnow()
    if deadline is None:
        ends = [quiz.closes_at] if quiz.closes_at is not None else []
        if quiz.time_limit:
            ends.append(now + timedelta(minutes=quiz.time_limit))
        deadline = min(ends) if ends else None
    return Attempt(quiz_id=quiz.id, user_id=user.id, context=context, round_id=round_id,
                   series=series, attempt_no=number, label=quiz.title, questions=questions,
                   review=quiz.review, pass_percent=quiz.pass_percent, started_at=now,
                   deadline=deadline)


def lock(attempt_id: int) -> Attempt:
    """The attempt, re-read and locked for the rest of the transaction."""
    stmt = (sa.select(Attempt).where(Attempt.id == attempt_id).with_for_update()
            .execution_options(populate_existing=True))
    return db.session.execute(stmt).scalar_one()


def accepts_saves(attempt: Attempt, now: datetime | None = None) -> bool:
    """Open, and not past its deadline plus the grace period."""
    return _open(attempt.submitted_at, attempt.deadline, now)


def _open(submitted_at: datetime | None, deadline: datetime | None,
          now: datetime | None = None) -> bool:
    now = now or utcnow()
    return submitted_at is None and (deadline is None or now <= deadline + queries.grace())


def _writable(submitted_at: datetime | None, deadline: datetime | None) -> None:
    if submitted_at is not None:
        raise Conflict(_("This attempt has been submitted."), code="submitted")
    if not _open(submitted_at, deadline):
        raise Conflict(_("Time is up: answers can no longer be changed."), code="time_up")


def _entry(questions: list[dict], question_id: int) -> dict:
    for entry in questions:
        if entry["id"] == question_id:
            return entry
    raise NotFound(_("This question is not part of the attempt."))


def save_answer(attempt: Attempt, question_id: int, raw: object, *,
                seq: int | None = None) -> dict:
    """Autosave one answer. A save whose ``seq`` is not above the stored one is stale
    and changes nothing; a save without ``seq`` always applies. Returns the stored state."""
    return save_own_answer(attempt.user_id, attempt.id, question_id, raw, seq=seq)


_attempts = Attempt.__table__.c
_answers = AttemptAnswer.__table__.c
# Prebuilt Core statements for the autosave hot path: a statement object memoises its
# cache key, so neither the expression nor its key is rebuilt on every save.
_SAVE_STATE = (_attempts.submitted_at, _attempts.deadline, _attempts.questions,
               _attempts.context, _attempts.started_at)
_ATTEMPT_FOR_SAVE = (
    sa.select(*_SAVE_STATE)
    .where(_attempts.id == sa.bindparam("attempt_id"),
           _attempts.user_id == sa.bindparam("user_id"))
    .with_for_update()
)
_STORED_ANSWER = sa.select(_answers.answer, _answers.seq, _answers.saved_at).where(
    _answers.attempt_id == sa.bindparam("attempt_id"),
    _answers.question_id == sa.bindparam("question_id"))
_STILL_OPEN = sa.select(_attempts.submitted_at, _attempts.deadline).where(
    _attempts.id == sa.bindparam("attempt_id"))


@cache
def _attempt_for_token() -> sa.Select:
    # built on first use: the token rule lives in the auth domain
    from trainer.auth.services import token_holds

    return (sa.select(*_SAVE_STATE)
            .where(_attempts.id == sa.bindparam("attempt_id"), token_holds(_attempts.user_id))
            .with_for_update(of=Attempt.__table__))


def save_own_answer(user_id: int, attempt_id: int, question_id: int, raw: object, *,
                    seq: object = None) -> dict:
    """save_answer by ids, in the caller's writing transaction: the ownership check with
    the row lock, then the upsert (someone else's attempt: 404, before the body is
    checked: ``raw`` MISSING or a ``seq`` that is no integer is a 422)."""
    found = db.session.execute(
        _ATTEMPT_FOR_SAVE, {"attempt_id": attempt_id, "user_id": user_id}).one_or_none()
    if found is None:
        raise NotFound(_("The page or item was not found."))
    value = checked_answer(found, question_id, raw, seq)
    return store_answer(attempt_id, question_id, value, seq)


def locate_for_token(digest: str, attempt_id: int):
    """The API autosave's first statement: the attempt's state (submitted_at, deadline,
    questions; locked on PostgreSQL) when the bearer token with this digest is valid and
    its holder owns the attempt; else None (the caller then tells 401 from 404 by
    loading the account the usual way). The token is checked in SQL on every save, so
    revoking it still takes effect at once."""
    return db.session.execute(_attempt_for_token(), {
        "attempt_id": attempt_id, "digest": digest, "now": utcnow()}).one_or_none()


def checked_answer(found, question_id: int, raw: object, seq: object) -> object:
    """The answer to store, once ``found`` (the attempt's state) says the attempt takes
    it; Conflict when closed, NotFound for a question not in it, Invalid for a bad body."""
    entry = _entry(found.questions, question_id)
    _writable(found.submitted_at, found.deadline)
    if raw is MISSING:
        raise Invalid(_("Field “%(name)s” is required.", name="answer"), field="answer")
    if not seq_ok(seq):
        raise Invalid(_("Field “%(name)s” has the wrong type.", name="seq"), field="seq")
    try:
        return coerce_answer(from_dict(entry["data"]), raw)
    except BadAnswer as exc:
        raise Invalid(_("This answer does not fit the question: %(why)s", why=str(exc)),
                      field="answer") from exc


def seq_ok(seq: object) -> bool:
    """A save's ``seq``: absent, or a whole number in range (a bool is no number here)."""
    return seq is None or (isinstance(seq, int) and not isinstance(seq, bool)
                           and 0 <= seq < MAX_SEQ)


def store_answer(attempt_id: int, question_id: int, value, seq: int | None) -> dict:
    """Upsert a checked answer and return the stored state. The upsert itself requires
    the attempt to be open, so it is right even in a transaction of its own that did not
    lock the attempt first (the API's on SQLite): a save either lands before the submit
    that grades it, or is refused (409), never acknowledged and left out of the grade."""
    row = db.session.execute(_UPSERTS[seq is not None],
                             upsert_params(attempt_id, question_id, value, seq)).one_or_none()
    applied = row is not None
    if row is None:  # the attempt closed meanwhile (409), or the save is stale
        state = db.session.execute(_STILL_OPEN, {"attempt_id": attempt_id}).one()
        _writable(state.submitted_at, state.deadline)
        row = db.session.execute(_STORED_ANSWER, {"attempt_id": attempt_id,
                                                  "question_id": question_id}).one()
    return stored_state(question_id, row, applied)


def upsert_params(attempt_id: int, question_id: int, value, seq: int | None) -> dict:
    """The parameters of a guarded_upsert statement, the guard's own apart."""
    now = utcnow()
    return {"attempt_id": attempt_id, "question_id": question_id, "answer": value,
            "seq": seq or 0, "saved_at": now, "cutoff": now - queries.grace()}


def stored_state(question_id: int, row, saved: bool) -> dict:
    """An autosave's answer: the stored row (answer, seq, saved_at), and whether this
    save wrote it."""
    return {"question_id": question_id, "answer": row.answer, "seq": row.seq,
            "saved": saved, "saved_at": row.saved_at.isoformat()}


_UPSERT = """INSERT INTO attempt_answers (attempt_id, question_id, answer, seq, saved_at)
SELECT :attempt_id, :question_id, :answer, :seq, :saved_at
WHERE EXISTS ({guard})
ON CONFLICT (attempt_id, question_id) DO UPDATE SET answer = excluded.answer,
saved_at = excluded.saved_at{seq}
RETURNING answer, seq, saved_at"""
_OPEN = ("SELECT 1 FROM attempts WHERE attempts.id = :attempt_id "
         "AND attempts.submitted_at IS NULL "
         "AND (attempts.deadline IS NULL OR attempts.deadline >= :cutoff)")


def guarded_upsert(guard: str, with_seq: bool, *binds: sa.BindParameter) -> sa.TextClause:
    """INSERT ... SELECT ... WHERE EXISTS (``guard``: a SELECT that finds the attempt only
    while it takes the save), ON CONFLICT update (only to a higher seq when one is given)
    RETURNING the stored row: nothing comes back when the guard finds nothing or the save
    is stale. The same SQL on SQLite (>= 3.35; its upsert after a SELECT needs the WHERE)
    and PostgreSQL, where the typed parameters are cast; ``binds`` types the guard's own
    parameters. A text() statement is compiled once (SQLAlchemy's ON CONFLICT constructs
    are not cached)."""
    seq = ", seq = excluded.seq WHERE attempt_answers.seq < excluded.seq" if with_seq else ""
    return (sa.text(_UPSERT.format(guard=guard, seq=seq))
            .bindparams(*(sa.bindparam(name, type_=_answers[name].type)
                          for name in ("attempt_id", "question_id", "answer", "seq",
                                       "saved_at")),
                        sa.bindparam("cutoff", type_=_attempts.deadline.type), *binds)
            .columns(answer=_answers.answer.type, seq=sa.BigInteger,
                     saved_at=_answers.saved_at.type))


# the save of store_answer: guarded by the attempt being open
_UPSERTS = {with_seq: guarded_upsert(_OPEN, with_seq) for with_seq in (False, True)}


def save_answers(attempt: Attempt, answers: dict[int, object]) -> dict[int, str]:
    """Save several answers (the plain form); returns the message for each refused one."""
    problems = {}
    for question_id, raw in answers.items():
        try:
            save_answer(attempt, question_id, raw)
        except (Invalid, NotFound) as exc:
            problems[question_id] = exc.message
    return problems


def submit_attempt(attempt: Attempt, *, reveal: bool | None) -> dict:
    """Grade once and return the result; ``reveal`` includes the review (None: as the
    attempt's review policy allows). A repeated or concurrent submit returns the stored
    result; a late one grades what was saved before the deadline."""
    attempt = lock(attempt.id)
    if attempt.submitted_at is None:
        _grade(attempt, timed_out=not accepts_saves(attempt))
    return result_json(attempt, reveal=review_allowed(attempt) if reveal is None else reveal)


def grade_overdue(user_id: int | None = None, quiz_id: int | None = None) -> int:
    """Grade, with what was saved, every open attempt left past its deadline (of a user,
    of a quiz, or all)."""
    ids = list(db.session.scalars(
        queries.overdue_attempts(user_id, quiz_id).with_only_columns(Attempt.id)))
    for attempt_id in ids:
        attempt = lock(attempt_id)
        if attempt.submitted_at is None:
            _grade(attempt, timed_out=True)
    return len(ids)


def _grade(attempt: Attempt, *, timed_out: bool) -> None:
    rows = {row.question_id: row for row in db.session.scalars(
        sa.select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        .execution_options(populate_existing=True))}  # saves are Core upserts
    credits, score, best = {}, 0.0, 0.0
    checked = {qid for qid, row in rows.items() if attempt.instant and row.credit is not None}
    for entry in attempt.questions:
        row = rows.get(entry["id"])
        if entry["id"] in checked:  # instant practice: graded when checked, as shown then
            credit = row.credit
        else:
            credit = grade(from_dict(entry["data"]), row.answer) if row is not None else 0.0
        if row is not None:
            row.credit = credit
        credits[entry["id"]] = credit
        score, best = score + credit * entry["points"], best + entry["points"]
    percent = round(100 * score / best, 1) if best else 0.0
    now = utcnow()
    finished = min(now, attempt.deadline) if timed_out and attempt.deadline else now
    done = db.session.execute(
        sa.update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=finished, timed_out=timed_out, score=round(score, 2),
                max_score=round(best, 2), percent=percent,
                passed=percent >= attempt.pass_percent))
    db.session.flush()
    if done.rowcount == 1:
        if attempt.context == "practice":  # checked ones counted when checked
            note_practice(attempt.user_id, sum(
                1 for qid, row in rows.items() if row.answer is not None and qid not in checked))
        # the notebook heard of checked questions when they were checked
        _after_grading(attempt, {qid: c for qid, c in credits.items() if qid not in checked},
                       {qid: row.answer for qid, row in rows.items()})


def _after_grading(attempt: Attempt, credits: dict[int, float],
                   answers: dict[int, object] | None = None) -> None:
    record_results(attempt, credits, answers)
    signals.attempt_graded.send(attempt)


def review_allowed(attempt: Attempt) -> bool:
    """Whether the graded attempt's answers may be shown, per its review policy."""
    if attempt.submitted_at is None:
        return False
    if attempt.context not in OWN_CONTEXTS:
        policy = review_policies.get(attempt.context)
        return policy is not None and bool(policy(attempt))
    if attempt.review == "after_close":
        closes = attempt.quiz.closes_at if attempt.quiz is not None else None
        return closes is not None and closes <= utcnow()
    return attempt.review == "after_submit"
