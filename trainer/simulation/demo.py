"""Demo runs: the demo worker has played a scenario well and another one badly."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.simulation import engine, services
from trainer.simulation.models import Run
from trainer.simulation.queries import playable_scenarios
from trainer.simulation.versions import graph_of

PLAN = ("success", "failure")  # the outcome of the demo run of the 1st and 2nd scenario


def seed(users) -> None:
    """Two finished runs for the demo worker (users[3]), if scenarios are loaded and the
    worker has none yet (idempotent)."""
    if len(users) < 4:
        return
    worker = users[3]
    if db.session.scalar(sa.select(Run.id).where(Run.user_id == worker.id).limit(1)):
        return
    scenarios = db.session.scalars(playable_scenarios(worker).limit(len(PLAN))).all()
    for scenario, wanted in zip(scenarios, PLAN, strict=False):
        graph = graph_of(scenario.current_version)
        paths = engine.paths_to_endings(graph)
        path = next((p for k, p in paths.items() if graph.nodes[k].ending == wanted),
                    next(iter(paths.values()), None))
        if path is None:
            continue
        run = services.start_run(worker, scenario)
        for key in path:
            services.choose(run, key)
