"""Playing scenarios: start a run, take choices, read a run. Flush, never commit."""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer import signals
from trainer.database import write_transaction
from trainer.errors import Conflict, DomainError, Invalid, NotFound
from trainer.extensions import db
from trainer.models import utcnow
from trainer.simulation import engine, playback
from trainer.simulation.graph import Choice, Node
from trainer.simulation.models import Run, Scenario
from trainer.simulation.policies import choice_guards, reveal_policies, withheld_scenarios
from trainer.simulation.queries import can_read_run, playable_scenarios
from trainer.simulation.versions import graph_of

OWN_CONTEXTS = ("practice", "preview")  # runs that always show their feedback
# A practice run left unfinished this long is closed as abandoned (never scored).
ABANDON_AFTER = timedelta(days=7)


def reveals_feedback(run: Run) -> bool:
    """Feedback and better choices show in practice and previews; in any other context (a
    competition round) only once its policy says so (until then nothing reveals correctness)."""
    if run.context in OWN_CONTEXTS:
        return True
    policy = reveal_policies.get(run.context)
    return policy is not None and bool(policy(run))


def withheld_scenario_ids() -> set[int]:
    """Scenarios nobody may practise now (``policies.withheld_scenarios``): an entrant
    would rehearse a graded scenario with full feedback."""
    found: set[int] = set()
    for source in withheld_scenarios:
        found |= set(db.session.scalars(source()))
    return found


def playable_scenario(user, slug: str) -> Scenario:
    """A published scenario in the caller's scope, or 404."""
    scenario = db.session.scalar(playable_scenarios(user).where(Scenario.slug == slug))
    if scenario is None:
        raise NotFound(_("No such scenario."))
    return scenario


def start_run(user, scenario: Scenario, *, context: str = "practice",
              round_id: int | None = None) -> Run:
    """Start playing the scenario's current version, which the run keeps to its end.

    In a competition round an entrant has one run: starting again returns it.
    """
    if context not in ("practice", "competition"):
        raise DomainError(_("Runs are recorded for practice or a competition round only."))
    if (context == "competition") != (round_id is not None):
        raise Invalid(_("A competition run needs its round, and only it has one."),
                      field="round_id")
    if context == "practice" and scenario.id in withheld_scenario_ids():
        raise Conflict(_("This scenario is used in a competition round that has not closed: "
                         "practise it once the round closes."), code="in_competition")
    if scenario.current_version_id is None or scenario.current_version.steps == 0:
        # steps 0: the start is an ending (a version stored before the validator said so)
        raise Conflict(_("This scenario has no playable version yet."))
    if round_id is not None:
        existing = db.session.scalar(sa.select(Run).where(Run.user_id == user.id,
                                                          Run.round_id == round_id))
        if existing is not None:
            return existing
    run = Run(user_id=user.id, scenario_version_id=scenario.current_version_id, path=[],
              context=context, round_id=round_id)
    db.session.add(run)
    db.session.flush()
    return run


def _stale(user_id: int, now: datetime):
    return (Run.user_id == user_id, Run.finished.is_(False), Run.context == "practice",
            Run.started_at <= now - ABANDON_AFTER)


def close_stale_runs_on_read(user_id: int) -> None:
    """For a page that lists or shows runs (a GET): abandon stale runs first, writing in a
    transaction of its own only when there is one (one cheap read otherwise)."""
    now = utcnow()
    if db.session.scalar(sa.select(Run.id).where(*_stale(user_id, now)).limit(1)) is None:
        return
    with write_transaction():
        abandon_stale_runs(user_id, now)


def abandon_stale_runs(user_id: int, now: datetime | None = None) -> int:
    """Close the user's practice runs left unfinished for more than ``ABANDON_AFTER``:
    outcome "abandoned", no scores, and no ``run_finished`` signal (nothing to score).
    Competition runs are left to their round. Answers how many were closed."""
    now = now or utcnow()
    result = db.session.execute(
        sa.update(Run).where(*_stale(user_id, now))
        .values(finished=True, outcome="abandoned", finished_at=now, scores={})
        .execution_options(synchronize_session="fetch"))
    db.session.flush()
    return result.rowcount or 0


def run_to_play(user, run_id: int) -> Run:
    """The caller's own run, locked for the choice about to be taken; 404 for any other."""
    run = db.session.scalar(sa.select(Run).where(Run.id == run_id).with_for_update(of=Run))
    if run is None or run.user_id != user.id:
        raise NotFound(_("No such run."))
    return run


def run_to_read(user, run_id: int) -> Run:
    """A run the caller may read (their own, or as the player's trainer or organiser)."""
    run = db.session.get(Run, run_id)
    if run is None or not can_read_run(user, run):
        raise NotFound(_("No such run."))
    return run


def choose(run: Run, key: str) -> tuple[Node, Choice]:
    """Take choice ``key`` at the run's current node: the next node and the choice taken.

    Raises Conflict (409) on a finished run and Invalid (422) for a key not offered here;
    either way the run is unchanged. On reaching an ending the outcome and the scores
    (competency -> percent of the best achievable) are stored.
    """
    if run.finished:
        raise Conflict(_("This run has finished; start a new one to play again."))
    if run.context == "practice" and run.started_at <= utcnow() - ABANDON_AFTER:
        raise Conflict(_("This run was left unfinished for more than a week and is closed; "
                         "start a new one to play again."), code="run_abandoned")
    for guard in choice_guards:
        guard(run)
    graph = graph_of(run.version)
    try:
        node, choice = engine.advance(graph, list(run.path), key)
    except engine.RunFinished as exc:
        raise Conflict(_("This run has finished; start a new one to play again.")) from exc
    except engine.InvalidChoice as exc:
        raise Invalid(_("The choice “%(key)s” is not offered at this step.", key=key[:80]),
                      field="choice") from exc
    run.path = [*run.path, key]
    if node.ending is not None:
        run.finished, run.outcome, run.finished_at = True, node.ending, utcnow()
        run.scores = engine.score_path(graph, run.path)
    db.session.flush()
    if run.finished:
        signals.run_finished.send(run)
    return node, choice


def run_state(run: Run, reveal: bool | None = None) -> dict[str, Any]:
    """What the run's viewer sees (playback.play_state) plus the run's own facts."""
    reveal = reveals_feedback(run) if reveal is None else reveal
    state = playback.play_state(graph_of(run.version), run.version.html, list(run.path),
                                reveal)
    if run.finished:
        state["scores"] = dict(run.scores or {})
    scenario = run.version.scenario
    if run.outcome == "abandoned":  # closed unfinished: nothing to play, nothing scored
        state.update(finished=True, outcome="abandoned", scores={}, reference=[])
    state.update(run_id=run.id, context=run.context, round_id=run.round_id,
                 version=run.version.number,
                 scenario={"slug": scenario.slug, "title": scenario.title},
                 started_at=run.started_at.isoformat(),
                 finished_at=run.finished_at.isoformat() if run.finished_at else None)
    return state
