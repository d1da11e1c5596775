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


RECENT_RUNS = 20


def competency_shares(user_id: int) -> dict[str, float]:
    """The user's mean score (a share 0..1) in each competency over their last
    RECENT_RUNS practice runs played to an ending (quizzes.competency_sources: practice's
    weak competencies). Competition runs and previews are left out, like the record's; a
    competency a scenario does not assess (None) counts for nothing."""
    stmt = (sa.select(Run.scores)
            .where(Run.user_id == user_id, Run.context == "practice", Run.finished,
                   Run.outcome != "abandoned")
            .order_by(Run.finished_at.desc(), Run.id.desc()).limit(RECENT_RUNS))
    found: dict[str, list[float]] = defaultdict(list)
    for scores in db.session.scalars(stmt):
        for code, percent in (scores or {}).items():
            if isinstance(percent, int | float) and not isinstance(percent, bool):
                found[code].append(min(100.0, max(0.0, float(percent))) / 100)
    return {code: sum(values) / len(values) for code, values in found.items()}
