"""The scenario player: catalogue, start, play, debrief, replay and the history of runs."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from trainer.auth.access import roles_required
from trainer.extensions import db
from trainer.simulation import services
from trainer.simulation.models import Run, ScenarioVersion
from trainer.simulation.policies import debrief_asides_for
from trainer.simulation.queries import (
    can_see_results,
    my_runs,
    playable_scenarios,
    runs_of_scenario,
)
from trainer.simulation.views.blueprint import bp
from trainer.simulation.views.common import PER_PAGE, chart_for
from trainer.unit_of_work import refusal_kept


@bp.route("/scenarios")
@login_required
def index():
    page = db.paginate(playable_scenarios(current_user), per_page=PER_PAGE, error_out=False)
    return render_template("simulation/index.html", page=page,
                           withheld=services.withheld_scenario_ids())


@bp.route("/scenarios/<slug>")
@login_required
def scenario(slug: str):
    scenario = services.playable_scenario(current_user, slug)
    services.close_stale_runs_on_read(current_user.id)
    mine = my_runs(current_user).join(ScenarioVersion).where(
        ScenarioVersion.scenario_id == scenario.id)
    return render_template("simulation/scenario.html", scenario=scenario,
                           runs=db.session.scalars(mine.limit(10)).all(),
                           results=can_see_results(current_user, scenario),
                           withheld=scenario.id in services.withheld_scenario_ids())


@bp.post("/scenarios/<slug>/runs")
@login_required
def start(slug: str):
    scenario = services.playable_scenario(current_user, slug)
    run = services.start_run(current_user, scenario)
    return redirect(url_for("simulation.run", run_id=run.id))


@bp.route("/scenarios/<slug>/again")
@login_required
def again(slug: str):
    """「再练一次」 asks first: a new run is started only from this page's button (and the
    run left unfinished, if any, is offered instead)."""
    scenario = services.playable_scenario(current_user, slug)
    services.close_stale_runs_on_read(current_user.id)
    open_run = db.session.scalar(my_runs(current_user).join(ScenarioVersion).where(
        ScenarioVersion.scenario_id == scenario.id, Run.finished.is_(False),
        Run.context == "practice").limit(1))
    return render_template("simulation/again.html", scenario=scenario, open_run=open_run,
                           withheld=scenario.id in services.withheld_scenario_ids())


@bp.route("/runs")
@login_required
def history():
    services.close_stale_runs_on_read(current_user.id)
    page = db.paginate(my_runs(current_user), per_page=PER_PAGE, error_out=False)
    return render_template("simulation/history.html", page=page)


@bp.route("/runs/<int:run_id>")
@login_required
def run(run_id: int):
    services.close_stale_runs_on_read(current_user.id)
    return _run_page(services.run_to_read(current_user, run_id))


@bp.post("/runs/<int:run_id>/choices")
@login_required
def choose(run_id: int):
    run = services.run_to_play(current_user, run_id)
    with refusal_kept() as refused:  # a key not offered (422), a finished run (409)
        services.choose(run, request.form.get("choice", ""))
        return redirect(url_for("simulation.run", run_id=run.id))
    exc = refused.error
    return _run_page(services.run_to_read(current_user, run_id), exc.message), exc.status


@bp.route("/scenarios/<slug>/results")
@roles_required("trainer", "organiser", "admin")
def results(slug: str):
    scenario = services.playable_scenario(current_user, slug)
    if not can_see_results(current_user, scenario):
        abort(403)
    page = db.paginate(runs_of_scenario(current_user, scenario), per_page=PER_PAGE,
                       error_out=False)
    return render_template("simulation/results.html", scenario=scenario, page=page)


def _run_page(run: Run, error: str | None = None):
    state = services.run_state(run)
    mine = run.user_id == current_user.id
    return render_template("simulation/run.html", run=run, state=state, error=error,
                           chart=chart_for(state["scores"]) if state["finished"] else None,
                           mine=mine, can_choose=mine and not state["finished"],
                           asides=debrief_asides_for(current_user, run) if state["finished"]
                           else [])
