"""The simulation domain's section of the training record: scenario runs played to their
end in practice, with the outcome and the competency percents. Competition runs are left
out (the competitions section has them), and so are authors' previews. ``runs_for``
answers many workers in one statement; the one-worker section is it for one id."""

from collections import defaultdict

import sqlalchemy as sa

from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.org.models import Department
from trainer.plans.halves import year_bounds
from trainer.simulation.models import Run, Scenario, ScenarioVersion


def runs_for(who, year: int) -> dict[int, list[dict]]:
    """Practice runs of each of ``who`` (ids or a select of them) that ended in ``year``."""
    start, end = year_bounds(year)
    stmt = (sa.select(Run.user_id, Run.id, Run.finished_at, Run.outcome, Run.scores,
                      Scenario.title, Scenario.slug, Department.code)
            .select_from(Run)
            .join(ScenarioVersion, ScenarioVersion.id == Run.scenario_version_id)
            .join(Scenario, Scenario.id == ScenarioVersion.scenario_id)
            .outerjoin(Department, Department.id == Scenario.department_id)
            .where(Run.user_id.in_(who), Run.context == "practice", Run.finished,
                   Run.outcome != "abandoned", Run.finished_at >= start,
                   Run.finished_at < end)
            .order_by(Run.user_id, Run.finished_at, Run.id))
    found: dict[int, list[dict]] = defaultdict(list)
    for user_id, rid, finished, outcome, scores, title, slug, dept in db.session.execute(stmt):
        found[user_id].append({
            "id": rid, "title": title, "scenario": slug, "department_code": dept,
            "date": finished.astimezone(local_zone()).isoformat(),
            "outcome": outcome, "scores": dict(scores or {})})
    return found


def runs_finished(user, year: int) -> list[dict]:
    """The user's practice runs that ended in ``year``, oldest first."""
    return runs_for([user.id], year).get(user.id, [])
