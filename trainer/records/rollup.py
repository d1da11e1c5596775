"""Every worker's figures in a viewer's scope for a year, with the rating the district's
rule suggests and the one decided: what dashboards, the ratings page and the export read.
A fixed number of statements whatever the number of workers (population: 2; one per
record section; the rules: 1; assignments: 1 once registered; decided ratings: 1)."""

from collections import defaultdict
from dataclasses import dataclass

from trainer.org.models import Unit
from trainer.records.assessment import Rule, decided, rules_for, suggest
from trainer.records.figures import (
    SECTION_KEYS,
    Population,
    Worker,
    assignment_figures,
    filtered,
    gather,
    population,
    summarise,
)
from trainer.records.models import Rating


@dataclass
class Row:
    worker: Worker
    figures: dict  # under the filters (half-year, department)
    year_figures: dict  # the whole year, unfiltered: what the rating rests on
    rule: Rule
    suggested: str
    rating: Rating | None

    @property
    def final(self) -> str:
        return self.rating.final if self.rating is not None else self.suggested

    @property
    def status(self) -> str:
        return self.rating.status if self.rating is not None else "pending"


@dataclass
class Rollup:
    population: Population
    rows: list[Row]
    rules: dict[int, Rule]
    sections: dict[str, dict[int, list[dict]]]

    def rule(self) -> Rule:
        """The rule of the only district in view (the default with none or several)."""
        rules = list(self.rules.values())
        return rules[0] if len(rules) == 1 else Rule()


def rollup(viewer, year: int, *, within: Unit | int | None = None, half: int | None = None,
           department: str | None = None, with_ratings: bool = False,
           keys=SECTION_KEYS) -> Rollup:
    pop = population(viewer, within)
    found = gather(pop.who, year, keys)
    assignments = assignment_figures(pop.who, year)
    rules = rules_for(pop.district_ids, year)
    ratings = decided(pop.who, year) if with_ratings else {}
    rows = []
    for worker in pop.workers:
        rule = rules.get(worker.district_id, Rule())
        full = summarise(filtered(found, worker.id), assignments.get(worker.id))
        shown = (summarise(filtered(found, worker.id, half, department),
                           assignments.get(worker.id))
                 if half is not None or department is not None else full)
        rating = suggest(rule, full["hours"], full["assignment_percent"],
                         full["quiz_average"])
        rows.append(Row(worker, shown, full, rule, rating, ratings.get(worker.id)))
    return Rollup(pop, rows, rules, found)


LEVELS = ("street", "community", "grid")


def group_rows(rows: list[Row], level: str) -> list[tuple[Unit | None, list[Row]]]:
    groups: dict = defaultdict(list)
    units: dict = {}
    for row in rows:
        unit = getattr(row.worker, level)
        key = unit.id if unit is not None else None
        units[key] = unit
        groups[key].append(row)
    order = sorted(groups, key=lambda k: (units[k] is None, units[k].path if units[k] else ""))
    return [(units[k], groups[k]) for k in order]


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


def aggregate(rows: list[Row], target: float) -> dict:
    """A group's figures: the dashboard's arithmetic, in one place."""
    n = len(rows)
    figs = [r.figures for r in rows]
    done = sum(f["assignments_done"] for f in figs)
    total = sum(f["assignments_total"] for f in figs)
    quizzes = sum(f["quizzes"] for f in figs)
    reached = sum(1 for f in figs if f["hours"] >= target)
    return {
        "workers": n,
        "hours_total": round(sum(f["hours"] for f in figs), 2),
        "hours_mean": _mean([f["hours"] for f in figs]) if n else 0.0,
        "reached": reached,
        "reached_percent": round(100.0 * reached / n, 1) if n else 0.0,
        "sessions": sum(f["sessions"] for f in figs),
        "sessions_mean": _mean([f["sessions"] for f in figs]) if n else 0.0,
        "assignment_percent": round(100.0 * done / total, 1) if total else 100.0,
        "quiz_average": _mean([f["quiz_average"] for f in figs]),
        "pass_rate": round(100.0 * sum(f["quizzes_passed"] for f in figs) / quizzes, 1)
        if quizzes else None,
        "runs": sum(f["runs"] for f in figs),
        "competencies": {c: _mean([f["competencies"].get(c) for f in figs])
                         for c in {c for f in figs for c in f["competencies"]}},
        "competitions": sum(f["competitions"] for f in figs),
        "honours": sum(f["honours"] for f in figs),
    }


def competition_results(rollup_: Rollup, half: int | None = None) -> list[dict]:
    """Each contest the workers in view entered: entrants, their best rank, honours."""
    from trainer.records.figures import in_period

    by_comp: dict = {}
    for row in rollup_.rows:
        for item in rollup_.sections.get("competitions", {}).get(row.worker.id, []):
            if not in_period(item, half):
                continue
            comp = by_comp.setdefault(item["id"], {"title": item["title"],
                                                   "date": item["date"][:10],
                                                   "status": item["status"], "entrants": 0,
                                                   "best_rank": None, "honours": 0})
            comp["entrants"] += 1
            if item.get("rank") is not None:
                comp["best_rank"] = min(filter(None, [comp["best_rank"], item["rank"]]))
        for item in rollup_.sections.get("honours", {}).get(row.worker.id, []):
            if in_period(item, half) and item.get("competition_id") in by_comp:
                by_comp[item["competition_id"]]["honours"] += 1
    return sorted(by_comp.values(), key=lambda c: (c["date"], c["title"]))
