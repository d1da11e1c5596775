"""The organiser's dashboard: tables of a rollup (by street, community or grid; per
worker; per competency; per contest). Each table is (key, title, header, rows) and feeds
the page, its chart and its .xlsx download alike, so they never disagree. Numbers stay
numbers (None for "no data")."""

from dataclasses import dataclass

from flask_babel import gettext as _

from trainer.org.scope import competency_label
from trainer.records.assessment import RATING_NAMES
from trainer.records.figures import COMPETENCIES
from trainer.records.rollup import Rollup, aggregate, competition_results, group_rows

TABLES = ("groups", "competencies", "workers", "competitions")


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]


def period_target(target: float, half: int | None) -> float:
    """The hours target for the period shown: the year's, or half of it for a half-year."""
    return round(target / 2, 2) if half else target


def _unit_name(unit) -> str:
    return unit.name if unit is not None else _("(no unit)")


def groups_table(data: Rollup, level: str, target: float) -> Table:
    header = [_("Unit"), _("Workers"), _("Mean hours"), _("Target hours"), _("Reached target"),
              _("Reached (%)"), _("Sessions attended"), _("Sessions per worker"),
              _("Assignments done (%)"), _("Quiz average"), _("Quiz pass rate (%)"),
              _("Scenario runs"), _("Competition entries"), _("Honours")]
    rows = []
    for unit, members in group_rows(data.rows, level):
        a = aggregate(members, target)
        rows.append([_unit_name(unit), a["workers"], a["hours_mean"], target, a["reached"],
                     a["reached_percent"], a["sessions"], a["sessions_mean"],
                     a["assignment_percent"], a["quiz_average"], a["pass_rate"], a["runs"],
                     a["competitions"], a["honours"]])
    return Table("groups", _("Training by unit"), header, rows)


def competencies_table(data: Rollup, level: str) -> Table:
    header = [_("Unit"), *[competency_label(c) for c in COMPETENCIES]]
    rows = []
    for unit, members in group_rows(data.rows, level):
        profile = aggregate(members, 0)["competencies"]
        rows.append([_unit_name(unit), *[profile.get(c) for c in COMPETENCIES]])
    return Table("competencies", _("Scenario competency profile (%)"), header, rows)


def workers_table(data: Rollup, target: float) -> Table:
    header = [_("Name"), "用户名", _("Street"), _("Community"), _("Grid"), _("Hours"),
              _("Target hours"), _("Sessions attended"), _("Assignments done"),
              _("Assignments"), _("Quiz average"), _("Quizzes passed"), _("Scenario runs"),
              _("Best competition rank"), _("Honours"), _("Suggested rating")]
    rows = []
    for r in data.rows:
        f, w = r.figures, r.worker
        rows.append([w.name, w.username, _unit_name(w.street), _unit_name(w.community),
                     _unit_name(w.grid), f["hours"], target, f["sessions"],
                     f["assignments_done"], f["assignments_total"], f["quiz_average"],
                     f["quizzes_passed"], f["runs"], f["best_rank"], f["honours"],
                     RATING_NAMES[r.suggested]])
    return Table("workers", _("Workers"), header, rows)


def competitions_table(data: Rollup, half: int | None) -> Table:
    header = [_("Competition"), _("Date"), _("Entrants"), _("Best rank"), _("Honours")]
    rows = [[c["title"], c["date"], c["entrants"], c["best_rank"], c["honours"]]
            for c in competition_results(data, half)]
    return Table("competitions", _("Competition results"), header, rows)


def tables(data: Rollup, level: str, half: int | None) -> dict[str, Table]:
    target = period_target(data.rule().target_hours, half)
    return {"groups": groups_table(data, level, target),
            "competencies": competencies_table(data, level),
            "workers": workers_table(data, target),
            "competitions": competitions_table(data, half)}


def aggregate_profile(data: Rollup) -> dict:
    """The competency profile of every worker in view together."""
    return aggregate(data.rows, 0)["competencies"]
