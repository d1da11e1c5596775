"""Daily practice, the wrong-answer notebook (错题本) and mastery per tag."""

import secrets
from datetime import datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.errors import Invalid
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.models import utcnow
from trainer.org.scope import competency_label, district_clause, street_id_of
from trainer.quizzes import spaced
from trainer.quizzes.drawing import snapshot
from trainer.quizzes.models import Attempt, AttemptAnswer, Mistake, Question, Quiz
from trainer.quizzes.policies import competency_sources
from trainer.quizzes.queries import json_list_has
from trainer.quizzes.withheld import reviewable_answers, withheld_questions

PRACTICE_SIZE = 10
_random = secrets.SystemRandom()


def practice_pool(user, *, department_id: int | None = None,
                  competency: str | None = None, from_notebook: bool = False) -> sa.Select:
    """Ids of active questions the user may practise (their street's and district-wide)."""
    street = street_id_of(user)
    stmt = sa.select(Question.id).where(
        Question.status == "active",
        district_clause(user, Question.district_id, library=True),
        sa.or_(Question.street_id.is_(None), Question.street_id == street))
    if department_id is not None:
        stmt = stmt.where(Question.department_id == department_id)
    if competency:
        stmt = stmt.where(json_list_has(Question.competencies, competency))
    if from_notebook:
        stmt = stmt.where(Question.id.in_(sa.select(Mistake.question_id).where(
            Mistake.user_id == user.id, Mistake.cleared_at.is_(None))))
    return stmt


def start_practice(user, label: str, *, department_id: int | None = None,
                   competency: str | None = None, from_notebook: bool = False,
                   daily: bool = False, instant: bool = False,
                   size: int = PRACTICE_SIZE) -> Attempt:
    """A practice attempt of up to ``size`` questions (no time limit), never one whose
    answer a quiz still withholds from the user (withheld.py). ``daily``: the day's mix
    (daily_draw); from the notebook: the entries due today first. ``instant``: the key and
    explanation after each question (check_answer), else after submitting."""
    hidden = withheld_questions(user.id)
    if daily:
        chosen = daily_draw(user, hidden, size)
    else:
        ids = [qid for qid in db.session.scalars(practice_pool(
            user, department_id=department_id, competency=competency,
            from_notebook=from_notebook)) if qid not in hidden]
        chosen = _random.sample(ids, min(size, len(ids)))
        if from_notebook:  # due today first, then the others (early rights count nothing)
            due = [qid for qid in spaced.due_question_ids(user.id) if qid in set(ids)]
            chosen = (due + [qid for qid in chosen if qid not in due])[:size]
    if not chosen:
        raise Invalid(_("There are no questions to practise for this choice yet."))
    number = 1 + (db.session.scalar(sa.select(sa.func.count()).where(
        Attempt.user_id == user.id, Attempt.context == "practice")) or 0)
    attempt = Attempt(quiz_id=None, user_id=user.id, context="practice", series="practice",
                      attempt_no=number, label=label[:160], review="after_submit",
                      pass_percent=60, questions=snapshot(chosen, shuffle_options=True),
                      instant=instant, flagged=[])
    db.session.add(attempt)
    db.session.flush()
    return attempt


def daily_draw(user, hidden: set[int], size: int) -> list[int]:
    """The day's practice: the notebook entries due today (up to half), then questions of
    the user's weakest competencies, of their department, and any others to fill up."""
    allowed = {qid for qid in db.session.scalars(practice_pool(user)) if qid not in hidden}
    chosen: list[int] = []

    def take(candidates, limit: int) -> None:
        fresh = [qid for qid in candidates if qid in allowed and qid not in chosen]
        chosen.extend(_random.sample(fresh, max(0, min(limit, len(fresh)))))

    due = [qid for qid in spaced.due_question_ids(user.id) if qid in allowed]
    chosen.extend(due[:(size + 1) // 2])
    for code in weak_competencies(user.id)[:2]:
        take(db.session.scalars(practice_pool(user, competency=code)), max(1, size // 5))
    if getattr(user, "department_id", None):
        take(db.session.scalars(practice_pool(user, department_id=user.department_id)),
             size - len(chosen))
    take(allowed, size - len(chosen))
    return chosen[:size]


def weak_competencies(user_id: int, limit: int = 1000) -> list[str]:
    """Competency codes the user scores lowest in (below 80 %), weakest first: over the
    recent answers whose correctness they may see and over what other domains report
    (policies.competency_sources: the scenario runs' competency scores). Where both
    speak of a competency, each counts for half."""
    rows = db.session.execute(
        sa.select(Question.id, Question.competencies, AttemptAnswer.credit)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .join(Question, Question.id == AttemptAnswer.question_id)
        .outerjoin(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == user_id, reviewable_answers(),
               AttemptAnswer.credit.is_not(None))
        .order_by(AttemptAnswer.id.desc()).limit(limit)).all()
    hidden = withheld_questions(user_id)
    totals: dict[str, list[float]] = {}
    for qid, comps, credit in rows:
        if qid in hidden:
            continue
        for code in comps or []:
            totals.setdefault(code, []).append(credit)
    shares = {code: [sum(c) / len(c)] for code, c in totals.items()}
    for source in competency_sources:
        for code, share in source(user_id).items():
            shares.setdefault(code, []).append(share)
    scored = sorted((sum(s) / len(s), code) for code, s in shares.items())
    return [code for share, code in scored if share < 0.8]


def check_answer(attempt: Attempt, question_id: int) -> str | None:
    """Instant practice: grade one saved answer now (instant_review then shows the key,
    explanation and feedback, unless a rule of withheld.py has come to withhold the
    question since the draw). Checked once: the credit stays as first given. Returns
    why it cannot be checked, or None."""
    from trainer.quizzes.grading import grade
    from trainer.quizzes.items import from_dict

    entry = next((e for e in attempt.questions if e["id"] == question_id), None)
    if entry is None or not attempt.instant or attempt.submitted_at is not None:
        return _("This question cannot be checked now.")
    row = db.session.scalar(sa.select(AttemptAnswer).where(
        AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.question_id == question_id))
    if row is None or row.answer in (None, []):
        return _("Answer the question first.")
    if row.credit is None:
        row.credit = grade(from_dict(entry["data"]), row.answer)
        spaced.note_practice(attempt.user_id, 1)
        db.session.flush()
        record_results(attempt, {question_id: row.credit}, {question_id: row.answer})
    return None


def instant_review(attempt: Attempt) -> dict[int, dict]:
    """The checked questions of an instant practice as review items, each None while
    withheld (withheld.py): what the page and the API may show."""
    from trainer.quizzes.review import review_items

    checked = {qid for qid, credit in db.session.execute(
        sa.select(AttemptAnswer.question_id, AttemptAnswer.credit).where(
            AttemptAnswer.attempt_id == attempt.id)) if credit is not None}
    if not checked:
        return {}
    hidden = withheld_questions(attempt.user_id)
    return {item["question_id"]: (None if item["question_id"] in hidden else item)
            for item in review_items(attempt) if item["question_id"] in checked}


def withdraw_from_practice(user_id: int, question_ids: list[int]) -> None:
    """Take questions out of the user's open practice attempts: an attempt just started
    withholds their answers, which submitting the practice would show."""
    wanted = set(question_ids)
    for attempt in db.session.scalars(sa.select(Attempt).where(
            Attempt.user_id == user_id, Attempt.context == "practice",
            Attempt.submitted_at.is_(None)).with_for_update()):
        kept = [entry for entry in attempt.questions if entry["id"] not in wanted]
        if len(kept) < len(attempt.questions):
            attempt.questions = kept
            db.session.execute(sa.delete(AttemptAnswer).where(
                AttemptAnswer.attempt_id == attempt.id,
                AttemptAnswer.question_id.in_(wanted)))
    db.session.flush()


def record_results(attempt: Attempt, credits: dict[int, float],
                   answers: dict[int, object] | None = None) -> None:
    """Update the notebook after grading: a miss (or a blank) enters or re-enters it and
    reviews its card "Again"; a right answer in practice started after the last miss is a
    review of the card (spaced.schedule_right: counts on or after the due day).
    ``answers`` (question id -> the answer given) lets the notebook show the last wrong one.
    The notebook shows which questions were missed, so it follows the review policy:
    practice and quizzes reviewed right after submitting count at once; a quiz reviewed
    after closing counts once it has closed (note_closed_attempts catches up); a quiz
    reviewed "never" and a competition round never count."""
    if not _notebook_may_show(attempt):
        return
    if attempt.context == "practice":  # whether it was right is withheld too
        hidden = withheld_questions(attempt.user_id)
        credits = {qid: credit for qid, credit in credits.items() if qid not in hidden}
    found = {m.question_id: m for m in db.session.scalars(sa.select(Mistake).where(
        Mistake.user_id == attempt.user_id, Mistake.question_id.in_(list(credits))))}
    entries = {entry["id"]: entry for entry in attempt.questions}
    answers = answers if answers is not None else _stored_answers(attempt.id)
    now = utcnow()
    for question_id, credit in credits.items():
        mistake = found.get(question_id)
        if credit < 1:
            given = answers.get(question_id)
            if question_id in entries:
                given = spaced.question_keys(entries[question_id], given)
            _miss(attempt.user_id, question_id, mistake, now, given)
        elif mistake is not None and mistake.cleared_at is None and \
                attempt.context == "practice" and attempt.started_at > mistake.last_wrong_at:
            mistake.right_streak += 1
            spaced.schedule_right(mistake, now)
    db.session.execute(sa.update(Attempt).where(Attempt.id == attempt.id).values(noted_at=now))
    db.session.flush()


def _stored_answers(attempt_id: int) -> dict[int, object]:
    return dict(db.session.execute(sa.select(AttemptAnswer.question_id, AttemptAnswer.answer)
                                   .where(AttemptAnswer.attempt_id == attempt_id)).all())


def _notebook_may_show(attempt: Attempt) -> bool:
    if attempt.context == "competition" or attempt.review == "never":
        return False
    if attempt.review == "after_close":
        closes = attempt.quiz.closes_at if attempt.quiz is not None else None
        return closes is not None and closes <= utcnow()
    return True


def unnoted_attempts(user_id: int) -> sa.Select:
    """The user's graded attempts at quizzes reviewed after closing whose quiz has closed
    but whose answers have not entered the notebook yet."""
    return (sa.select(Attempt.id).join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.user_id == user_id, Attempt.context.in_(("quiz", "module")),
                   Attempt.review == "after_close", Attempt.submitted_at.is_not(None),
                   Attempt.noted_at.is_(None), Quiz.closes_at <= utcnow()))


def note_closed_attempts(user_id: int) -> int:
    """Put the misses of the user's closed after-close quizzes into the notebook, once
    each (the noted_at update decides who records when two requests race)."""
    count = 0
    for attempt_id in list(db.session.scalars(unnoted_attempts(user_id))):
        claimed = db.session.execute(sa.update(Attempt).where(
            Attempt.id == attempt_id, Attempt.noted_at.is_(None)).values(noted_at=utcnow()))
        if claimed.rowcount != 1:
            continue
        attempt = db.session.get(Attempt, attempt_id)
        stored = dict(db.session.execute(sa.select(
            AttemptAnswer.question_id, AttemptAnswer.credit).where(
            AttemptAnswer.attempt_id == attempt_id)).all())
        record_results(attempt, {entry["id"]: stored.get(entry["id"]) or 0.0
                                 for entry in attempt.questions})
        count += 1
    return count


def _miss(user_id: int, question_id: int, mistake: Mistake | None, now: datetime,
          given=None) -> None:
    if mistake is None:
        try:
            with db.session.begin_nested():
                mistake = Mistake(user_id=user_id, question_id=question_id,
                                  last_wrong_at=now, wrong_count=1, right_streak=0,
                                  reviews_right=0, last_answer=given)
                spaced.schedule_miss(mistake, now)
                db.session.add(mistake)
            return
        except sa.exc.IntegrityError:  # a concurrent grading recorded it first
            mistake = db.session.scalar(sa.select(Mistake).where(
                Mistake.user_id == user_id, Mistake.question_id == question_id))
    if mistake.cleared_at is None:
        mistake.wrong_count += 1
    else:
        mistake.wrong_count, mistake.cleared_at = mistake.wrong_count + 1, None
    mistake.right_streak, mistake.last_wrong_at, mistake.last_answer = 0, now, given
    spaced.schedule_miss(mistake, now)


def mastery(user_id: int, limit: int = 1000) -> list[dict]:
    """Per competency and tag: the share of credit earned over the user's recent graded
    answers whose correctness they may see (withheld.reviewable_answers: no "never"
    quiz, no unclosed "after_close" quiz, no competition round), best known first."""
    rows = db.session.execute(
        sa.select(AttemptAnswer.question_id, AttemptAnswer.credit)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .outerjoin(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == user_id, reviewable_answers(),
               AttemptAnswer.credit.is_not(None))
        .order_by(AttemptAnswer.id.desc()).limit(limit)).all()
    hidden = withheld_questions(user_id)  # drawn into practice before a quiz hid it
    rows = [(qid, credit) for qid, credit in rows if qid not in hidden]
    labels = _labels({qid for qid, _credit in rows})
    totals: dict[str, list[float]] = {}
    for qid, credit in rows:
        for label in labels.get(qid, ()):
            totals.setdefault(label, []).append(credit)
    items = [{"tag": tag, "percent": round(100 * sum(c) / len(c)), "answers": len(c)}
             for tag, c in totals.items()]
    return sorted(items, key=lambda item: (-item["percent"], item["tag"]))


def _labels(question_ids: set[int]) -> dict[int, list[str]]:
    if not question_ids:
        return {}
    found = db.session.execute(sa.select(Question.id, Question.competencies, Question.tags)
                               .where(Question.id.in_(question_ids))).all()
    return {qid: [competency_label(c) for c in comps or []] + list(tags or [])
            for qid, comps, tags in found}


def answered_today(user_id: int) -> int:
    """Practice answers saved since local midnight (the daily count)."""
    zone = local_zone()
    midnight = datetime.combine(utcnow().astimezone(zone).date(), time(), zone)
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AttemptAnswer)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(Attempt.user_id == user_id, Attempt.context == "practice",
               AttemptAnswer.saved_at >= midnight, AttemptAnswer.answer.is_not(None))) or 0
