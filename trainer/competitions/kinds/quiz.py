"""A quiz round: each entrant takes the round's quiz once, as a competition attempt with
its own order of questions and options, timed by the server. The result is the graded
attempt's percent (signal ``attempt_graded``); its review opens when the round closes."""

import secrets

import sqlalchemy as sa
from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.competitions import flags, phases
from trainer.competitions.fields import bad, integer
from trainer.competitions.flags import Flag
from trainer.competitions.kinds.base import RoundKind
from trainer.competitions.models import Competition, Round, RoundResult
from trainer.competitions.standings import ranking, scoring
from trainer.errors import Conflict
from trainer.extensions import db
from trainer.models import utcnow
from trainer.quizzes import plainform
from trainer.quizzes import services as quizzes
from trainer.quizzes.items import KEYS
from trainer.quizzes.models import Attempt, AttemptAnswer, Quiz, QuizQuestion
from trainer.quizzes.queries import visible_quizzes
from trainer.quizzes.review import navigator
from trainer.quizzes.review import toggle_flag as navigator_flag

_random = secrets.SystemRandom()  # entrants must not be able to predict their order


class QuizKind(RoundKind):
    name, label = "quiz", _l("Quiz round")
    form_fields = ("quiz", "time_limit")

    def parse_settings(self, spec, item: dict, prefix: str) -> None:
        spec.quiz = integer(item, "quiz", required=True, low=1, high=2**31, prefix=prefix)

    def target(self, actor, spec, street_id: int | None, prefix: str) -> tuple:
        quiz = db.session.scalar(visible_quizzes(actor).where(Quiz.id == spec.quiz))
        if quiz is None or quiz.street_id not in (None, street_id):
            raise bad(prefix + "quiz", _("Unknown quiz, or not usable in this competition."))
        return quiz.id, None

    def start(self, user, rnd: Round) -> Attempt:
        # whatever the quiz's own settings say, no two entrants share an order: the
        # order is made before the attempt's insert (no update of it afterwards)
        attempt, _created = quizzes.start_attempt(
            user, rnd.quiz, context="competition", round_id=rnd.id,
            deadline=phases.round_deadline(rnd, utcnow()), max_attempts=1,
            arrange=lambda questions: shuffled(questions, _random))
        return attempt

    def attach(self, result: RoundResult, attempt: Attempt) -> None:
        result.attempt_id, result.started_at = attempt.id, attempt.started_at

    def played(self, result: RoundResult) -> Attempt | None:
        return db.session.get(Attempt, result.attempt_id) if result.attempt_id else None

    def review_allowed(self, attempt) -> bool:
        return quizzes.review_allowed(attempt)

    def play_page(self, comp, rnd, attempt, form):
        """The quiz page's bar, navigator and questions (plainform.page_context, the
        macros of quizzes/_question.html and quiz.js), posted to the round's own form."""
        if not quizzes.accepts_saves(attempt):
            return redirect(url_for("competitions.detail", comp_id=comp.id))
        return render_template("competitions/play_quiz.html", comp=comp, rnd=rnd,
                               attempt=attempt, form=form, now=utcnow(),
                               autosave=_autosave_url(attempt),
                               **plainform.page_context(attempt))

    def toggle_flag(self, attempt: Attempt, question_id: int) -> None:
        """Flag a question for review, or unflag it (the navigator shows it)."""
        if quizzes.accepts_saves(attempt):
            navigator_flag(attempt, question_id)

    def confirm_page(self, comp, rnd, attempt, form):
        """The summary before the round's one submit: unanswered questions first."""
        if not quizzes.accepts_saves(attempt):
            return redirect(url_for("competitions.detail", comp_id=comp.id))
        nav = navigator(attempt)
        return render_template("competitions/confirm_quiz.html", comp=comp, rnd=rnd,
                               attempt=attempt, nav=nav, form=form,
                               unanswered=[item for item in nav if not item["answered"]],
                               flagged=[item for item in nav if item["flagged"]],
                               answered=sum(1 for item in nav if item["answered"]))

    def review_page(self, comp, rnd, attempt):
        if not quizzes.review_allowed(attempt):
            raise Conflict(_("The review opens when the round closes."), code="not_closed")
        return render_template("competitions/review.html", comp=comp, rnd=rnd,
                               result=quizzes.result_json(attempt, reveal=True))

    def api_state(self, attempt, fresh: bool = False) -> dict:
        return quizzes.attempt_json(attempt, fresh=fresh)

    def integrity_flags(self, rnd, rows) -> list[Flag]:
        return _quiz_flags(rnd, rows)

    def save_answers(self, attempt: Attempt, form, submit: bool) -> dict:
        """The plain form of a quiz round, read by the quiz page's parser (an emptied field
        clears the answer the page showed): save, and submit when asked. Returns the
        problems per question and, after a submit, the result (never a review)."""
        problems, late = {}, attempt.submitted_at is None and not quizzes.accepts_saves(attempt)
        if attempt.submitted_at is None and not late:
            answers, empty = plainform.form_answers(attempt, form)
            problems = quizzes.save_answers(attempt, answers)
            plainform.clear_unchanged(attempt, empty)
        # time is up: what was saved before the deadline is graded, late answers never count
        result = quizzes.submit_attempt(attempt, reveal=False) if submit or late else None
        return {"problems": problems, "result": result, "late": late}


def _autosave_url(attempt: Attempt) -> str:
    if "quizzes.autosave" not in current_app.view_functions:
        return ""
    return url_for("quizzes.autosave", attempt_id=attempt.id, question_id=0)


def shuffled(questions: list[dict], rng) -> list[dict]:
    """A copy of an attempt's questions in an order of its own, the options of every
    choice question shuffled too and keyed A, B, … again in their new order."""
    # A shallow copy of each entry and its data is enough: the loop below replaces the
    # options and their HTML with new lists and changes nothing in place (a deepcopy of
    # the snapshot was about a fifth of an attempt start's time).
    order = [{**entry, "data": dict(entry.get("data") or {})} for entry in questions]
    rng.shuffle(order)
    for entry in order:
        data = entry.get("data") or {}
        options = data.get("options") or []
        if data.get("type") not in ("single", "multiple") or len(options) < 2:
            continue
        html = list(entry.get("options_html") or [])
        html += [""] * (len(options) - len(html))
        places = list(range(len(options)))
        rng.shuffle(places)
        data["options"] = [dict(options[i], key=KEYS[n]) for n, i in enumerate(places)]
        if entry.get("options_html"):
            entry["options_html"] = [html[i] for i in places]
    return order


def on_attempt_graded(attempt) -> None:
    """Signal attempt_graded: a competition attempt's round result and entry follow."""
    if attempt.context != "competition" or attempt.round_id is None:
        return
    result = db.session.scalar(sa.select(RoundResult).where(RoundResult.attempt_id == attempt.id))
    if result is None:
        return
    score, best, started, submitted = db.session.execute(
        sa.select(Attempt.score, Attempt.max_score, Attempt.started_at, Attempt.submitted_at)
        .where(Attempt.id == attempt.id)).one()
    rnd = db.session.get(Round, result.round_id)
    seconds = ranking.timed_seconds(started, submitted, _limit_seconds(rnd, attempt))
    scoring.record_finish(result, ranking.quiz_percent(score, best), submitted, seconds)


def _limit_seconds(rnd: Round, attempt) -> int | None:
    if attempt.deadline is not None:
        return max(0, round((attempt.deadline - attempt.started_at).total_seconds()))
    return rnd.time_limit * 60 if rnd.time_limit else None


def withheld_question_ids() -> sa.Select:
    """The questions of quiz rounds that have not closed (quizzes.withheld_sources)."""
    return (sa.select(QuizQuestion.question_id)
            .join(Round, Round.quiz_id == QuizQuestion.quiz_id)
            .join(Competition, Competition.id == Round.competition_id)
            .where(Round.kind == "quiz", Round.closed_at.is_(None), Round.closes_at > utcnow(),
                   Competition.status.not_in(("closed", "published"))))


def _quiz_flags(rnd: Round, rows) -> list[Flag]:
    attempt_ids = {r.attempt_id: n for r, n in rows if r.attempt_id}
    if not attempt_ids:
        return []
    attempts = {a.id: a for a in db.session.scalars(sa.select(Attempt).where(
        Attempt.id.in_(list(attempt_ids))))}
    answers: dict[int, dict] = {}
    for attempt_id, question_id, answer in db.session.execute(
            sa.select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.answer)
            .where(AttemptAnswer.attempt_id.in_(list(attempt_ids)))):
        answers.setdefault(attempt_id, {})[question_id] = answer
    found = []
    for attempt in attempts.values():
        if attempt.submitted_at is None:
            continue
        given = sum(1 for v in answers.get(attempt.id, {}).values() if v is not None)
        seconds = (attempt.submitted_at - attempt.started_at).total_seconds()
        if flags.too_fast(seconds, given, flags.FAST_SECONDS_PER_ANSWER):
            found.append(Flag("fast", rnd.n, (attempt_ids[attempt.id],),
                              {"seconds": round(seconds), "answers": given}))
    by_address: dict[str, list] = {}
    for result, number in rows:
        if result.address and result.attempt_id in answers:
            by_address.setdefault(result.address, []).append(
                (number, _as_options(attempts[result.attempt_id], answers[result.attempt_id])))
    return found + flags.similar_pairs(by_address, rnd.n)


def _as_options(attempt, answers: dict) -> dict:
    """Answers by the option chosen, not its key: every entrant's options are shuffled,
    so the same key means a different option from one entrant to the next."""
    texts = {entry["id"]: {o.get("key"): o.get("text") for o in
                           (entry.get("data") or {}).get("options") or []}
             for entry in attempt.questions or []}
    mapped = {}
    for question_id, answer in answers.items():
        keys = texts.get(question_id) or {}
        if isinstance(answer, list):
            mapped[question_id] = [keys.get(a, a) for a in answer]
        else:
            mapped[question_id] = keys.get(answer, answer) if isinstance(answer, str) else answer
    return mapped
