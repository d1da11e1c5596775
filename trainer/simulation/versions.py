"""Saving a scenario graph as an immutable version, with its node HTML rendered once."""

import hashlib
import html
import json
import re

import sqlalchemy as sa

from trainer.extensions import db
from trainer.markup import render_markdown
from trainer.org.models import Department
from trainer.simulation import engine
from trainer.simulation.graph import Scenario as Graph
from trainer.simulation.graph import scenario_from_dict, scenario_to_dict
from trainer.simulation.models import Scenario, ScenarioVersion


def graph_data(g: Graph) -> dict:
    """The graph as stored (JSON round-tripped, so it compares equal to a loaded row)."""
    return json.loads(json.dumps(scenario_to_dict(g), ensure_ascii=False))


def content_hash(g: Graph) -> str:
    """A digest of everything the graph holds, independent of the file's layout."""
    text = json.dumps(scenario_to_dict(g), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# SugarCube-style macros (<<if $x > 0>>) imported from Twine stay visible as text; as raw
# HTML the sanitiser would strip them to stray brackets.
_MACRO = re.compile(r"<<.*?>>", re.S)


def render_nodes(g: Graph) -> dict[str, str]:
    """Node key -> sanitised HTML of its Markdown text."""
    return {key: render_markdown(_MACRO.sub(lambda m: html.escape(m.group(0)), node.text))
            for key, node in g.nodes.items()}


def graph_of(version: ScenarioVersion) -> Graph:
    """The playable graph of a stored version."""
    return scenario_from_dict(version.data)


def department_for(code: str | None) -> Department | None:
    if not code:
        return None
    return db.session.scalar(sa.select(Department).where(Department.code == code))


def apply_meta(scenario: Scenario, g: Graph) -> None:
    """Copy the catalogue fields (title, department, summary, competencies) from a graph."""
    scenario.title = g.title.strip()[:200]
    scenario.summary = g.summary.strip()
    scenario.competencies = list(g.competencies)
    scenario.department = department_for(g.department)


def add_version(scenario: Scenario, g: Graph, user_id: int | None) -> ScenarioVersion | None:
    """Pin ``g`` as the scenario's new current version; None when it equals the current one.

    Earlier versions stay untouched, so a run in progress keeps playing the one it started.
    """
    data = graph_data(g)
    current = scenario.current_version
    if current is not None and current.data == data:
        return None
    number = (db.session.scalar(sa.select(sa.func.max(ScenarioVersion.number))
                                .where(ScenarioVersion.scenario_id == scenario.id)) or 0) + 1
    version = ScenarioVersion(scenario_id=scenario.id, number=number, data=data,
                              html=render_nodes(g), steps=engine.max_depth(g),
                              created_by=user_id)
    db.session.add(version)
    db.session.flush()
    scenario.current_version = version
    db.session.flush()
    return version
