"""Load a scenario folder: validate every file, upsert the valid ones by slug, idempotently.

A folder holds DESIGN.md YAML files (``.yml``/``.yaml``), Twee 3 files (``.twee``) and
Twine 2 published stories (``.html``); the slug is the file name without its extension.
"""

import re
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from trainer.content import LoadReport
from trainer.extensions import db
from trainer.quizzes.parse_messages import message as _
from trainer.simulation.advice import scoring_warnings
from trainer.simulation.graph import Problem
from trainer.simulation.graph import Scenario as Graph
from trainer.simulation.models import Scenario
from trainer.simulation.rules import named
from trainer.simulation.twee import parse_twee, parse_twine_html
from trainer.simulation.validate import parse_yaml
from trainer.simulation.versions import add_version, apply_meta, content_hash

SUFFIXES = (".yml", ".yaml", ".twee", ".html")
WARNING = "warning: "  # every warning line starts so, in any locale, for scripts that grep
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


def load_scenarios(folder: Path, *, dry_run: bool, known_departments: set[str]) -> LoadReport:
    """Validate every scenario file in ``folder``; unless ``dry_run``, upsert the valid ones
    (published at once). A file with any problem loads nothing; each problem is one line
    「file：where：why」 in Chinese. A valid file's scoring warnings (advice.scoring_warnings)
    are lines "warning: file：where：why" (the prefix stays for scripts that grep) and do
    not stop it loading."""
    report = LoadReport()
    if not folder.is_dir():
        report.problems.append(_("%(folder)s: not a folder", folder=str(folder)))
        return report
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    taken = Counter(p.stem for p in files)
    for path in files:
        graph, problems = read_scenario_file(path, known_departments)
        if taken[path.stem] > 1:
            problems.append(Problem(path.name, "", _(
                "the short name %(slug)s is used by %(n)s files in this folder",
                slug=named(path.stem), n=taken[path.stem]), "slug_taken"))
        if graph is not None and _authored_in_browser(graph.slug):
            problems.append(Problem(path.name, "", _(
                "the short name %(slug)s belongs to a scenario written in the browser; "
                "rename the file", slug=named(graph.slug)), "slug_taken"))
        report.problems += [str(p) for p in problems]
        if graph is not None and not problems:
            report.warnings += [WARNING + str(w) for w in scoring_warnings(graph, path.name)]
        if graph is None or problems or dry_run:
            continue
        getattr(report, upsert_scenario(graph)).append(graph.slug)
    return report


def read_scenario_file(path: Path, known_departments: set[str]) -> tuple[Graph | None,
                                                                         list[Problem]]:
    """Parse one file by its extension: (graph, []) when valid, else (None, problems)."""
    if not SLUG.fullmatch(path.stem):
        return None, [Problem(path.name, "", _(
            "the file name without its extension is the scenario's short name: use "
            "lowercase letters, digits, '-' and '_' only"), "file_name")]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(path.name, "", _("not UTF-8 text"), "encoding")]
    suffix = path.suffix.lower()
    if suffix == ".twee":
        return parse_twee(text, path.name, path.stem)
    if suffix == ".html":
        return parse_twine_html(text, path.name, path.stem)
    return parse_yaml(text, path.name, path.stem, known_departments)


def _authored_in_browser(slug: str) -> bool:
    """A scenario of this slug exists and was never loaded from a file (a file's graph
    leaves its hash): a file may not overwrite it."""
    digest = db.session.scalar(sa.select(Scenario.content_hash).where(Scenario.slug == slug))
    return digest == ""


def upsert_scenario(graph: Graph) -> str:
    """Create or update the scenario of a valid file: "created", "updated" or "unchanged".

    A file whose graph is unchanged since it was last loaded changes nothing, so a
    trainer's later edits in the browser survive reloading the same shipped file.
    """
    digest = content_hash(graph)
    scenario = db.session.scalar(sa.select(Scenario).where(Scenario.slug == graph.slug))
    if scenario is not None and scenario.content_hash == digest:
        return "unchanged"
    outcome = "created" if scenario is None else "updated"
    if scenario is None:
        scenario = Scenario(slug=graph.slug)
        db.session.add(scenario)
    apply_meta(scenario, graph)
    scenario.status, scenario.source, scenario.content_hash = "published", "file", digest
    scenario.draft, scenario.draft_rev = None, (scenario.draft_rev or 0) + 1
    db.session.flush()
    add_version(scenario, graph, None)
    return outcome
