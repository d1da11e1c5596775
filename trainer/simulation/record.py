"""The simulation domain's section of the training record: scenario runs played to their
end in practice, with the outcome and the competency percents. Competition runs are left
out (the competitions section has them), and so are authors' previews."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.plans.halves import year_bounds
from trainer.simulation.models import Run


def runs_finished(user, year: int) -> list[dict]:
    """The user's practice runs that ended in ``year``, oldest first."""
    start, end = year_bounds(year)
    stmt = (sa.select(Run).where(
        Run.user_id == user.id, Run.context == "practice", Run.finished,
        Run.outcome != "abandoned", Run.finished_at >= start, Run.finished_at < end)
        .order_by(Run.finished_at, Run.id))
    return [{"id": run.id, "title": run.version.scenario.title,
             "scenario": run.version.scenario.slug,
             "date": run.finished_at.astimezone(local_zone()).isoformat(),
             "outcome": run.outcome, "scores": dict(run.scores or {})}
            for run in db.session.scalars(stmt)]
