"""The figures of many workers' records at once, in a fixed number of statements: who is
in a viewer's scope, every record section in bulk (``sections.bulk``), and each worker's
summary (hours, sessions, courses, quizzes, runs and competencies, competitions, practice
days, assignments) that dashboards, the ratings page and the export share. Pure
arithmetic is kept apart from the statements so that tests can recompute it from rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.scope import district_clause, is_district_wide, street_id_of
from trainer.records.sections import assessment_inputs, bulk, sections

COMPETENCIES = ("communication", "coordination", "mediation", "information", "public_opinion")
# The sections the summaries read; "practice" is registered by the practice domain when it
# lands (items with a ``date``: one a practice day).
SECTION_KEYS = ("sessions", "courses", "attempts", "runs", "competitions", "honours",
                "practice")


@dataclass
class Worker:
    id: int
    username: str
    name: str
    unit_id: int | None
    street: Unit | None = None
    community: Unit | None = None
    grid: Unit | None = None
    district_id: int | None = None


@dataclass
class Population:
    """The workers in a viewer's scope (optionally under one unit) and their units."""

    workers: list[Worker]
    units: dict[int, Unit]
    who: sa.Select  # the same workers as a select of ids, for the bulk sections
    district_ids: list[int] = field(default_factory=list)


def _scope_condition(viewer):
    if viewer.role == "admin":
        return sa.true()
    if not is_district_wide(viewer):
        return Unit.street_id == street_id_of(viewer)
    return district_clause(viewer, Unit.district_id)


def population(viewer, within: Unit | int | None = None) -> Population:
    """Active grid workers the viewer may see (a street organiser their street's, a
    district organiser their district's), under ``within`` (a unit, or a unit's id: read
    inside the same statement) when given: two statements."""
    cond = [User.role == "worker", User.active.is_(True), _scope_condition(viewer)]
    if isinstance(within, int):
        path = sa.select(Unit.path).where(Unit.id == within).scalar_subquery()
        cond.append(Unit.path.startswith(path))
    elif within is not None:
        cond.append(Unit.path.startswith(within.path))
    who = sa.select(User.id).join(Unit, Unit.id == User.unit_id).where(*cond)
    rows = db.session.execute(
        sa.select(User.id, User.username, User.name, User.unit_id)
        .join(Unit, Unit.id == User.unit_id).where(*cond)
        .order_by(Unit.path, User.username)).all()
    unit_cond = (sa.true() if viewer.role == "admin" else
                 Unit.street_id == street_id_of(viewer) if not is_district_wide(viewer) else
                 district_clause(viewer, Unit.district_id))
    units = {u.id: u for u in db.session.scalars(sa.select(Unit).where(unit_cond))}
    workers = []
    for uid, username, name, unit_id in rows:
        worker = Worker(uid, username, name, unit_id)
        unit = units.get(unit_id)
        while unit is not None:
            if unit.level == "grid" and worker.grid is None:
                worker.grid = unit
            elif unit.level == "community":
                worker.community = unit
            elif unit.level == "street":
                worker.street = unit
                worker.district_id = unit.district_id
            unit = units.get(unit.parent_id)
        workers.append(worker)
    districts = sorted({w.district_id for w in workers if w.district_id is not None})
    return Population(workers, units, who, districts)


def gather(who, year: int, keys=SECTION_KEYS) -> dict[str, dict[int, list[dict]]]:
    """Each section of ``keys`` for every worker of ``who``: one statement per section
    that has a bulk function (one per worker for a section that has none)."""
    found: dict[str, dict[int, list[dict]]] = {}
    for key in keys:
        fn = bulk.get(key)
        if fn is not None:
            found[key] = fn(who, year)
        elif sections.get(key) is not None:
            one = sections.get(key)
            ids = who if isinstance(who, list) else list(db.session.scalars(who))
            users = db.session.scalars(sa.select(User).where(User.id.in_(ids))).all()
            found[key] = {u.id: one(u, year) for u in users}
        else:
            found[key] = {}
    return found


def assignment_figures(who, year: int) -> dict[int, dict]:
    """Assignments done and due per worker from the registered provider; empty (every
    worker 100 %) while none is registered."""
    fn = assessment_inputs.get("assignments")
    return fn(who, year) if fn is not None else {}


def in_period(item: dict, half: int | None) -> bool:
    if half is None or not item.get("date"):
        return True
    month = date.fromisoformat(str(item["date"])[:10]).month
    return (month <= 6) == (half == 1)


def keep(item: dict, half: int | None, department: str | None) -> bool:
    """Whether an item counts under the filters: its half-year, and (for items that name a
    department: sessions, courses, runs) the department."""
    if not in_period(item, half):
        return False
    return department is None or item.get("department_code", department) == department


def summarise(items: dict[str, list[dict]], assignments: dict | None = None) -> dict:
    """One worker's figures from the items of each section (already filtered)."""
    sessions, courses = items.get("sessions", []), items.get("courses", [])
    attempts, runs = items.get("attempts", []), items.get("runs", [])
    comps, honours = items.get("competitions", []), items.get("honours", [])
    practice = items.get("practice", [])
    hours = sum(float(i.get("hours") or 0) for key in items for i in items[key])
    best: dict = {}
    passed: set = set()
    for a in attempts:
        key = a.get("quiz") if a.get("quiz") is not None else a.get("title")
        best[key] = max(best.get(key, 0.0), float(a.get("percent") or 0))
        if a.get("passed"):
            passed.add(key)
    quiz_average = round(sum(best.values()) / len(best), 1) if best else None
    scores: dict[str, list[float]] = defaultdict(list)
    for run in [*runs, *practice]:
        for comp, value in (run.get("scores") or {}).items():
            if value is not None:
                scores[comp].append(float(value))
    profile = {c: round(sum(v) / len(v), 1) for c, v in scores.items() if v}
    ranks = [c["rank"] for c in comps if c.get("rank") is not None]
    done = int((assignments or {}).get("done", 0))
    total = int((assignments or {}).get("total", 0))
    return {
        "hours": round(hours, 2),
        "session_hours": round(sum(float(i.get("hours") or 0) for i in sessions), 2),
        "course_hours": round(sum(float(i.get("hours") or 0) for i in courses), 2),
        "sessions": len(sessions), "courses": len(courses), "attempts": len(attempts),
        "quizzes": len(best), "quizzes_passed": len(passed), "quiz_average": quiz_average,
        "runs": len(runs), "runs_success": sum(1 for r in runs if r.get("outcome") == "success"),
        "competencies": profile,
        "competitions": len(comps), "best_rank": min(ranks) if ranks else None,
        "honours": len(honours), "honour_titles": "、".join(str(h.get("title", ""))
                                                          for h in honours),
        "practice_days": len({str(p.get("date", ""))[:10] for p in practice}),
        "assignments_done": done, "assignments_total": total,
        "assignment_percent": round(100.0 * done / total, 1) if total else 100.0,
    }


def filtered(found: dict[str, dict[int, list[dict]]], user_id: int, half: int | None = None,
             department: str | None = None) -> dict[str, list[dict]]:
    return {key: [i for i in per.get(user_id, []) if keep(i, half, department)]
            for key, per in found.items()}
