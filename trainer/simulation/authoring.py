"""Authoring use cases for trainers: create and edit scenarios as YAML, publish, export.

A save validates with the loader's rules and messages (one line per problem, 「file：
where：why」 in Chinese, the file being ``<slug>.yml``). A text with problems saves nothing; the
caller gets the problems and the graph as far as it could be read, to draw it.
"""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.audit import events as audit
from trainer.errors import Forbidden, Invalid
from trainer.extensions import db
from trainer.org.models import Department
from trainer.org.scope import district_id_of, street_id_of
from trainer.simulation.graph import Problem, dump_yaml
from trainer.simulation.graph import Scenario as Graph
from trainer.simulation.models import Scenario, ScenarioVersion
from trainer.simulation.queries import can_edit
from trainer.simulation.rules import named
from trainer.simulation.validate import read_draft
from trainer.simulation.versions import add_version, apply_meta, graph_data, graph_of

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{1,79}")
MAX_CHARS = 200_000


class ScenarioRejected(Invalid):
    """Nothing was saved: ``problems`` lists each problem, ``draft`` is the graph as read."""

    def __init__(self, problems: list[str], draft: Graph | None):
        super().__init__(_("Nothing was saved: fix the problems below and save again."),
                         field="yaml")
        self.problems, self.draft = problems, draft


def check_draft(user, slug: str, text: str) -> tuple[Graph | None, list[str]]:
    """The graph as far as it reads, and every problem the loader would report, plus the
    author's own: a trainer writes for their own department."""
    file = f"{slug}.yml"
    if len(text) > MAX_CHARS:
        return None, [str(Problem(file, "", _("longer than %(limit)s characters",
                                              limit=MAX_CHARS), "too_long"))]
    known = set(db.session.scalars(sa.select(Department.code)))
    graph, problems = read_draft(text.replace("\r\n", "\n"), file, slug, known)
    lines = [str(p) for p in problems]
    own = user.department.code if user.role == "trainer" and user.department else None
    if graph is not None and own and graph.department != own:
        # A scenario without a department (allowed in files, as for .twee) is the admins'.
        lines.append(str(Problem(file, _("field %(name)s", name=named("department")), _(
            "you may only write scenarios of your own department %(own)s", own=named(own)),
            "department")))
    return graph, lines


def _accept(user, slug: str, text: str) -> Graph:
    graph, problems = check_draft(user, slug, text)
    if problems or graph is None:
        raise ScenarioRejected(problems, graph)
    return graph


def create_scenario(user, slug: str, text: str) -> Scenario:
    """A new draft scenario with its first version; a street-limited trainer's scenario is
    private to that street."""
    slug = slug.strip()
    if not SLUG.fullmatch(slug):
        raise Invalid(_("The short name uses lowercase letters, digits, '-' and '_' "
                        "(2 to 80 characters)."), field="slug")
    if db.session.scalar(sa.select(Scenario.id).where(Scenario.slug == slug)):
        raise Invalid(_("This short name is already used."), field="slug")
    graph = _accept(user, slug, text)
    scenario = Scenario(slug=slug, status="draft", source="web",
                        street_id=street_id_of(user) if user.role == "trainer" else None,
                        district_id=district_id_of(user))
    apply_meta(scenario, graph)
    db.session.add(scenario)
    db.session.flush()
    add_version(scenario, graph, user.id)
    audit.record_object("scenario_created", scenario, "scenario", scenario.title, actor=user)
    return scenario


def require_edit(user, scenario: Scenario) -> None:
    if not can_edit(user, scenario):
        raise Forbidden(_("You may only edit your own department's scenarios."))


def save_scenario(user, scenario: Scenario, text: str) -> ScenarioVersion | None:
    """Validate and save an edit as a new version (None when nothing changed). Runs in
    progress keep the version they started on."""
    require_edit(user, scenario)
    graph = _accept(user, scenario.slug, text)
    apply_meta(scenario, graph)
    version = add_version(scenario, graph, user.id)
    if version is not None:
        scenario.source = "web"
        audit.record_object("scenario_edited", scenario, "scenario", scenario.title,
                            actor=user)
    # The saved text is the draft now (the form editor reads the current version), with
    # the places the author dragged the nodes still there kept.
    layout = {key: where for key, where in ((scenario.draft or {}).get("layout") or {}).items()
              if key in graph.nodes}
    scenario.draft = {**graph_data(graph), "layout": layout} if layout else None
    scenario.draft_rev = (scenario.draft_rev or 0) + 1
    db.session.flush()
    return version


def set_status(user, scenario: Scenario, status: str) -> None:
    """Publish (workers may play it) or withdraw to draft (runs in progress go on)."""
    require_edit(user, scenario)
    if status not in ("draft", "published"):
        raise Invalid(_("Unknown status."), field="status")
    if status == "published" and scenario.current_version is None:
        raise Invalid(_("Save a valid version before publishing."), field="status")
    if status == "published" and scenario.draft is not None:
        from trainer.simulation.editor import problems

        if found := problems(scenario.draft):
            raise Invalid(_("草稿还有 %(n)s 个问题，修正后才能发布。", n=len(found)),
                          field="status")
    if scenario.status != status:
        audit.record_object("scenario_published" if status == "published"
                            else "scenario_withdrawn", scenario, "scenario", scenario.title,
                            actor=user)
    scenario.status = status
    db.session.flush()


def scenario_yaml(scenario: Scenario) -> str:
    """The current version in the DESIGN.md file format (what export downloads)."""
    if scenario.current_version is None:
        return ""
    return dump_yaml(graph_of(scenario.current_version))


def starter_yaml(user) -> str:
    """A small valid scenario to start from, in the author's department."""
    department = user.department.code if user.department else "civil-affairs"
    return STARTER.replace("DEPARTMENT", department)


STARTER = """version: 1
title: 新的情景模拟
department: DEPARTMENT
summary: 用两三句话说明情景和练习要点。
competencies: [communication, mediation]
start: arrive
nodes:
  arrive:
    text: |
      描述网格员到达现场时看到和听到的情况。
    choices:
      - key: listen
        label: 先分别听双方把情况说清楚
        goto: resolved
        effects: {communication: 2, mediation: 1}
        feedback: 先倾听，让双方情绪平复下来。
      - key: scold
        label: 直接批评其中一方
        goto: failed
        effects: {communication: -1}
        feedback: 批评会激化矛盾。
  resolved:
    ending: success
    text: 说明结果和复盘要点。
  failed:
    ending: failure
    text: 说明结果和复盘要点。
"""
