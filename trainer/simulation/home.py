"""The simulation domain's home block: the unfinished practice run to go back to."""

import sqlalchemy as sa
from flask import render_template

from trainer.extensions import db
from trainer.models import utcnow
from trainer.simulation.models import Run, Scenario, ScenarioVersion
from trainer.simulation.services import ABANDON_AFTER


def unfinished_run(user, now=None):
    """The latest practice run left unfinished less than a week ago (older ones are
    abandoned: ``services.abandon_stale_runs``)."""
    now = now or utcnow()
    row = db.session.execute(
        sa.select(Run.id, Scenario.title, Run.path)
        .join(ScenarioVersion, ScenarioVersion.id == Run.scenario_version_id)
        .join(Scenario, Scenario.id == ScenarioVersion.scenario_id)
        .where(Run.user_id == user.id, Run.finished.is_(False), Run.context == "practice",
               Run.started_at > now - ABANDON_AFTER)
        .order_by(Run.started_at.desc(), Run.id.desc()).limit(1)).first()
    if row is None:
        return None
    run_id, title, path = row
    return render_template("simulation/_block_run.html", run_id=run_id, title=title,
                           step=len(path or []) + 1)
