"""Playing a round: one competition attempt or run per entrant, started through the
quizzes and simulation services, inside the round's window, by server time.

Integrity notes kept for human review (never a penalty): the address an entrant started
from, and how often they left the attempt page.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.competitions import phases
from trainer.competitions.kinds.registry import kind_of
from trainer.competitions.models import Competition, Entry, Round, RoundResult
from trainer.competitions.queries import entry_of
from trainer.competitions.standings import scoring
from trainer.errors import Conflict, Forbidden, NotFound
from trainer.extensions import db
from trainer.models import utcnow


def entry_for_play(user, comp: Competition) -> Entry:
    entry = entry_of(comp.id, user.id)
    if entry is None:
        raise Forbidden(_("Enter the competition first."), code="not_entered")
    return entry


def start_round(user, comp: Competition, rnd: Round, address: str = "") -> tuple[object, bool]:
    """The entrant's attempt (quiz round) or run (scenario round), created on the first
    start (True) and returned as it is on a repeat; 409 outside the round's window.

    Concurrency (any number of gunicorn workers and threads): the entrant's result row is
    created once (its unique constraint; a lost insert reads the winner's row) and then
    locked until commit, so simultaneous starts of one entrant run one after another: the
    first starts the attempt or run and attaches it, the others find it attached. The
    quiz's own partial unique index (one open attempt per user, quiz and series) holds
    underneath."""
    entry = entry_for_play(user, comp)
    result = scoring.result_for(rnd.id, entry.id)
    if result is not None and (result.attempt_id or result.run_id):
        return played(result), False
    kind = kind_of(rnd)
    kind.check_startable()
    status = phases.round_status(rnd, comp, utcnow())
    if status != "open":
        raise Conflict(_("This round is not open now.") if status == "scheduled"
                       else _("This round has closed."), code=f"round_{status}")
    if result is None:  # the first start: create the row (a lost insert is no error)
        scoring.insert_result(rnd.id, entry.id)
    result = lock_result(rnd.id, entry.id)
    if result.attempt_id or result.run_id:  # a concurrent start won
        return played(result), False
    attempt_or_run = kind.start(user, rnd)
    # the address and the attempt in one UPDATE of the locked row
    result.address = (address or "")[:64]
    kind.attach(result, attempt_or_run)
    db.session.flush()
    return attempt_or_run, True


def lock_result(round_id: int, entry_id: int) -> RoundResult:
    """The entrant's result row of the round, re-read and locked for the rest of the
    transaction (it exists: created by this start or a concurrent one)."""
    stmt = (sa.select(RoundResult).where(RoundResult.round_id == round_id,
                                         RoundResult.entry_id == entry_id)
            .options(sa.orm.lazyload("*")).with_for_update(of=RoundResult)
            .execution_options(populate_existing=True))
    return db.session.execute(stmt).scalar_one()


def played(result: RoundResult):
    """The attempt or run behind a result."""
    return kind_of(db.session.get(Round, result.round_id)).played(result)


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


def save_answers(user, comp: Competition, rnd: Round, form, submit: bool) -> dict:
    """The plain form of a quiz round (kinds.quiz): problems, and the result after a submit."""
    attempt = played(my_result(user, comp, rnd))
    return kind_of(rnd).save_answers(attempt, form, submit)


def toggle_flag(user, comp: Competition, rnd: Round, question_id: int) -> None:
    """Flag a question of the entrant's quiz round for review, or unflag it."""
    attempt = played(my_result(user, comp, rnd))
    kind = kind_of(rnd)
    if hasattr(kind, "toggle_flag"):
        kind.toggle_flag(attempt, question_id)


def take_choice(user, comp: Competition, rnd: Round, key: str):
    """A choice in the entrant's scenario run (kinds.scenario)."""
    run = played(my_result(user, comp, rnd))
    return kind_of(rnd).take_choice(run, key)
