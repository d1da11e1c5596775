"""Playing a round: one competition attempt or run per entrant, started through the
quizzes and simulation services, inside the round's window, by server time.

Integrity notes kept for human review (never a penalty): the address an entrant started
from, and how often they left the attempt page.
"""

import copy
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.competitions import phases, scoring
from trainer.competitions.models import Competition, Entry, Round, RoundResult
from trainer.competitions.queries import entry_of
from trainer.errors import Conflict, Forbidden, NotFound
from trainer.extensions import db
from trainer.models import utcnow

_random = secrets.SystemRandom()  # entrants must not be able to predict their order


def entry_for_play(user, comp: Competition) -> Entry:
    entry = entry_of(comp.id, user.id)
    if entry is None:
        raise Forbidden(_("Enter the competition first."), code="not_entered")
    return entry


def start_round(user, comp: Competition, rnd: Round, address: str = "") -> tuple[object, bool]:
    """The entrant's attempt (quiz round) or run (scenario round), created on the first
    start (True) and returned as it is on a repeat; 409 outside the round's window."""
    entry = entry_for_play(user, comp)
    result = scoring.result_for(rnd.id, entry.id)
    if result is not None and (result.attempt_id or result.run_id):
        return played(result), False
    if rnd.kind == "judged":
        raise Conflict(_("Judges score this round on site; there is nothing to start."),
                       code="judged_round")
    status = phases.round_status(rnd, comp, utcnow())
    if status != "open":
        raise Conflict(_("This round is not open now.") if status == "scheduled"
                       else _("This round has closed."), code=f"round_{status}")
    result = scoring.result_for(rnd.id, entry.id, create=True)
    if result.attempt_id or result.run_id:  # a concurrent start won
        return played(result), False
    result.address = (address or "")[:64]
    if rnd.kind == "quiz":
        thing = _start_quiz(user, rnd)
        result.attempt_id, result.started_at = thing.id, thing.started_at
    else:
        thing = _start_run(user, rnd)
        result.run_id, result.started_at = thing.id, thing.started_at
    db.session.flush()
    return thing, True


def _start_quiz(user, rnd: Round):
    from trainer.quizzes.services import start_attempt

    now = utcnow()
    attempt, created = start_attempt(user, rnd.quiz, context="competition", round_id=rnd.id,
                                     deadline=phases.round_deadline(rnd, now), max_attempts=1)
    if created:  # whatever the quiz's own settings say: no two entrants share an order
        attempt.questions = shuffled(attempt.questions, _random)
        db.session.flush()
    return attempt


def shuffled(questions: list[dict], rng) -> list[dict]:
    """A copy of an attempt's questions in an order of its own, the options of every
    choice question shuffled too and keyed A, B, … again in their new order."""
    from trainer.quizzes.items import KEYS

    order = [copy.deepcopy(entry) for entry in questions]
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


def _start_run(user, rnd: Round):
    from trainer.simulation.services import start_run

    return start_run(user, rnd.scenario, context="competition", round_id=rnd.id)


def played(result: RoundResult):
    """The attempt or run behind a result."""
    if result.attempt_id:
        from trainer.quizzes.models import Attempt

        return db.session.get(Attempt, result.attempt_id)
    from trainer.simulation.models import Run

    return db.session.get(Run, result.run_id)


def my_result(user, comp: Competition, rnd: Round) -> RoundResult:
    """The caller's own result in the round (404 when they have not played it)."""
    entry = entry_for_play(user, comp)
    result = scoring.result_for(rnd.id, entry.id)
    if result is None or not (result.attempt_id or result.run_id):
        raise NotFound(_("You have not started this round."))
    return result


def note_page_leave(user, comp: Competition, rnd: Round) -> int:
    """Count one departure from the attempt page while the round is open."""
    result = my_result(user, comp, rnd)
    if phases.round_status(rnd, comp, utcnow()) != "open":
        return result.leave_count
    db.session.execute(sa.update(RoundResult).where(RoundResult.id == result.id)
                       .values(leave_count=RoundResult.leave_count + 1))
    db.session.flush()
    return db.session.scalar(sa.select(RoundResult.leave_count).where(
        RoundResult.id == result.id))


def guard_choice(run) -> None:
    """Simulation hook: refuse a choice in a competition run once its round closed or its
    time limit passed (late answers never count)."""
    if run.context != "competition" or run.round_id is None:
        return
    rnd = db.session.get(Round, run.round_id)
    if rnd is None:
        return
    now = utcnow()
    if phases.round_status(rnd, rnd.competition, now) != "open" or \
            now > phases.round_deadline(rnd, run.started_at):
        raise Conflict(_("Time is up: this round no longer accepts choices."), code="time_up")


def save_answers(user, comp: Competition, rnd: Round, answers: dict[int, object],
                 submit: bool, empty: dict[int, str] | None = None) -> dict:
    """The plain form of a quiz round: save the answers given, clear those left empty
    (``empty``: question -> marker, see quizzes/plainform.py), and submit when asked.
    Returns the problems per question and, after a submit, the result (never a review)."""
    from trainer.quizzes import plainform
    from trainer.quizzes import services as quizzes

    attempt = played(my_result(user, comp, rnd))
    if attempt is None or rnd.kind != "quiz":
        raise NotFound(_("You have not started this round."))
    problems, late = {}, attempt.submitted_at is None and not quizzes.accepts_saves(attempt)
    if attempt.submitted_at is None and not late:
        problems = quizzes.save_answers(attempt, answers)
        plainform.clear_unchanged(attempt, empty or {})
    # time is up: what was saved before the deadline is graded, late answers never count
    result = quizzes.submit_attempt(attempt, reveal=False) if submit or late else None
    return {"problems": problems, "result": result, "late": late}


def take_choice(user, comp: Competition, rnd: Round, key: str):
    """A choice in the entrant's scenario run (feedback stays hidden until the round closes)."""
    from trainer.simulation import services as simulation

    result = my_result(user, comp, rnd)
    if result.run_id is None:
        raise NotFound(_("You have not started this round."))
    run = _lock_run(result.run_id)
    guard_choice(run)
    return simulation.choose(run, key)


def _lock_run(run_id: int):
    """The entrant's run, locked for the choice (FOR UPDATE OF runs only: PostgreSQL
    refuses to lock the outer-joined rows that the run's eager loads bring along)."""
    from trainer.simulation.models import Run

    return db.session.scalar(sa.select(Run).where(Run.id == run_id)
                             .options(sa.orm.lazyload("*")).with_for_update(of=Run)
                             .execution_options(populate_existing=True))
