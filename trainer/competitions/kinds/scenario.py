"""A scenario round: each entrant plays the round's scenario once, as a competition run
with no feedback until the round closes. The result is the run's mean competency percent
(signal ``run_finished``); a choice after the close is refused."""

import sqlalchemy as sa
from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.competitions import flags, phases
from trainer.competitions.fields import bad, text
from trainer.competitions.flags import Flag
from trainer.competitions.kinds.base import RoundKind
from trainer.competitions.models import Competition, Round, RoundResult
from trainer.competitions.standings import ranking, scoring
from trainer.errors import Conflict
from trainer.extensions import db
from trainer.models import utcnow
from trainer.simulation import services as simulation
from trainer.simulation.models import Run, Scenario
from trainer.simulation.queries import playable_scenarios


class ScenarioKind(RoundKind):
    name, label = "scenario", _l("Scenario round")
    form_fields = ("scenario", "time_limit")

    def parse_settings(self, spec, item: dict, prefix: str) -> None:
        spec.scenario = text(item, "scenario", limit=80, prefix=prefix)

    def target(self, actor, spec, street_id: int | None, prefix: str) -> tuple:
        scenario = db.session.scalar(playable_scenarios(actor).where(
            Scenario.slug == spec.scenario))
        if scenario is None or scenario.street_id not in (None, street_id):
            raise bad(prefix + "scenario",
                      _("Unknown scenario, or not usable in this competition."))
        return None, scenario.id

    def start(self, user, rnd: Round) -> Run:
        return simulation.start_run(user, rnd.scenario, context="competition",
                                    round_id=rnd.id)

    def attach(self, result: RoundResult, run: Run) -> None:
        result.run_id, result.started_at = run.id, run.started_at

    def played(self, result: RoundResult) -> Run | None:
        return db.session.get(Run, result.run_id) if result.run_id else None

    def review_allowed(self, run) -> bool:
        return simulation.reveals_feedback(run)

    def play_page(self, comp, rnd, run, form):
        if run.finished:
            return redirect(url_for("competitions.detail", comp_id=comp.id))
        return render_template("competitions/play_run.html", comp=comp, rnd=rnd, run=run,
                               state=simulation.run_state(run, reveal=False), form=form)

    def review_page(self, comp, rnd, run):
        if not simulation.reveals_feedback(run):
            raise Conflict(_("The review opens when the round closes."), code="not_closed")
        return render_template("competitions/review.html", comp=comp, rnd=rnd,
                               state=simulation.run_state(run, reveal=True))

    def api_state(self, run, fresh: bool = False) -> dict:
        state = simulation.run_state(run)
        answer = {"run_id": run.id, "node": state["node"], "finished": state["finished"]}
        if state["finished"]:
            answer.update(outcome=state["outcome"], scores=state["scores"])
        return answer

    def take_choice(self, run: Run, key: str):
        """A choice in the entrant's run (feedback stays hidden until the round closes)."""
        run = _lock_run(run.id)
        guard_choice(run)
        return simulation.choose(run, key)

    def integrity_flags(self, rnd, rows) -> list[Flag]:
        run_ids = {r.run_id: n for r, n in rows if r.run_id}
        if not run_ids:
            return []
        found = []
        for run in db.session.scalars(sa.select(Run).where(Run.id.in_(list(run_ids)),
                                                           Run.finished.is_(True))):
            seconds = (run.finished_at - run.started_at).total_seconds()
            if flags.too_fast(seconds, len(run.path), flags.FAST_SECONDS_PER_CHOICE):
                found.append(Flag("fast", rnd.n, (run_ids[run.id],),
                                  {"seconds": round(seconds), "answers": len(run.path)}))
        return found


def withheld_scenario_ids() -> sa.Select:
    """The scenarios of scenario rounds that have not closed
    (simulation.withheld_scenarios): not practised while entrants may still play them."""
    return (sa.select(Round.scenario_id)
            .join(Competition, Competition.id == Round.competition_id)
            .where(Round.kind == "scenario", Round.closed_at.is_(None),
                   Round.closes_at > utcnow(),
                   Competition.status.not_in(("closed", "published"))))


def on_run_finished(run) -> None:
    """Signal run_finished: a competition run reached its ending."""
    if run.context != "competition" or run.round_id is None or not run.finished:
        return
    result = db.session.scalar(sa.select(RoundResult).where(RoundResult.run_id == run.id))
    if result is None:
        return
    rnd = db.session.get(Round, result.round_id)
    percent = ranking.scenario_percent(dict(run.scores or {}), run.outcome)
    limit = rnd.time_limit * 60 if rnd.time_limit else None
    seconds = ranking.timed_seconds(run.started_at, run.finished_at, limit)
    scoring.record_finish(result, percent, run.finished_at, seconds)


def _lock_run(run_id: int):
    """The entrant's run, locked for the choice (FOR UPDATE OF runs only: PostgreSQL
    refuses to lock the outer-joined rows that the run's eager loads bring along)."""
    return db.session.scalar(sa.select(Run).where(Run.id == run_id)
                             .options(sa.orm.lazyload("*")).with_for_update(of=Run)
                             .execution_options(populate_existing=True))


def guard_choice(run) -> None:
    """simulation.choice_guards: refuse a choice in a competition run once its round closed
    or its time limit passed (late answers never count)."""
    if run.context != "competition" or run.round_id is None:
        return
    rnd = db.session.get(Round, run.round_id)
    if rnd is None:
        return
    now = utcnow()
    if phases.round_status(rnd, rnd.competition, now) != "open" or \
            now > phases.round_deadline(rnd, run.started_at):
        raise Conflict(_("Time is up: this round no longer accepts choices."), code="time_up")
