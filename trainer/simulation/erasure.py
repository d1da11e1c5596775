"""The simulation domain keeps no free text of a person; it shows them their runs."""

import sqlalchemy as sa

from trainer.auth.erasers import Erased, Eraser, rows
from trainer.simulation.models import Run, Scenario, ScenarioVersion


def scrub(erased: Erased) -> None:
    """Runs stay (anonymised through the account) for the statistics."""


def export(user_id: int) -> dict:
    return {"runs": rows(sa.select(Scenario.title, Run.context, Run.started_at, Run.finished_at,
                                   Run.outcome, Run.scores)
                         .join(ScenarioVersion, ScenarioVersion.id == Run.scenario_version_id)
                         .join(Scenario, Scenario.id == ScenarioVersion.scenario_id)
                         .where(Run.user_id == user_id).order_by(Run.id))}


ERASER = Eraser(columns=(), scrub=scrub, export=export)
