"""Scenario graphs: the data classes, their JSON and YAML forms, and graph traversals.

Pure Python (no Flask, no database): the loader, the validator, the engine and the
authoring views all share these.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import yaml

COMPETENCIES = ("communication", "coordination", "mediation", "information", "public_opinion")
ENDINGS = ("success", "partial", "failure")
FORMAT_VERSION = 1
# The range of one effect of one choice (a Twee passage's tags add up to one effect).
EFFECT_MIN, EFFECT_MAX = -10, 10


@dataclass(frozen=True)
class Choice:
    """One option at a node: where it leads, what it is worth, what the player is told."""

    key: str
    label: str
    goto: str
    effects: dict[str, int] = field(default_factory=dict)
    feedback: str = ""


@dataclass(frozen=True)
class Node:
    """A situation: Markdown text and either choices or an ending."""

    key: str
    text: str
    choices: tuple[Choice, ...] = ()
    ending: str | None = None

    def choice(self, key: str) -> Choice | None:
        """The choice with this key, or None when the node offers none such."""
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Scenario:
    """A whole scenario graph; `nodes` keeps the author's order."""

    slug: str
    title: str
    department: str | None
    summary: str
    competencies: tuple[str, ...]
    start: str
    nodes: dict[str, Node]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, printed as 「file：where：message」.

    ``where`` and ``message`` are already translated (the readers build them through
    gettext); ``where`` is blank for the file as a whole. ``code`` names the kind of
    problem (``dangling``, ``cycle``, ``invalid_yaml``…) for callers and tests that must
    not depend on the wording."""

    file: str
    where: str
    message: str
    code: str = ""

    def __str__(self) -> str:
        return "：".join(part for part in (self.file, self.where, self.message) if part)


def short_text(text: str, limit: int = 16) -> str:
    """A node's text on one line, cut short (Markdown marks dropped): how editors and
    problem messages name a node beside its key."""
    flat = re.sub(r"[#*_>`\[\]()!-]+", " ", text or "")
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def quote(name: object) -> str:
    """Quote a key, target or effect for a problem message."""
    return f"'{name}'"


# --- JSON form (a pinned version stored in the database) ------------------------------


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """A JSON-safe, lossless dict; nodes are a list so that no store can reorder them."""
    return {
        "version": FORMAT_VERSION,
        "slug": s.slug,
        "title": s.title,
        "department": s.department,
        "summary": s.summary,
        "competencies": list(s.competencies),
        "start": s.start,
        "nodes": [_node_to_dict(node) for node in s.nodes.values()],
    }


def _node_to_dict(node: Node) -> dict[str, Any]:
    choices = [
        {
            "key": c.key,
            "label": c.label,
            "goto": c.goto,
            "effects": dict(c.effects),
            "feedback": c.feedback,
        }
        for c in node.choices
    ]
    return {"key": node.key, "text": node.text, "ending": node.ending, "choices": choices}


def scenario_from_dict(d: dict[str, Any]) -> Scenario:
    """The inverse of `scenario_to_dict`."""
    nodes = [_node_from_dict(n) for n in d["nodes"]]
    return Scenario(
        slug=d["slug"],
        title=d["title"],
        department=d["department"],
        summary=d["summary"],
        competencies=tuple(d["competencies"]),
        start=d["start"],
        nodes={node.key: node for node in nodes},
    )


def _node_from_dict(d: dict[str, Any]) -> Node:
    choices = tuple(
        Choice(c["key"], c["label"], c["goto"], dict(c["effects"]), c["feedback"])
        for c in d["choices"]
    )
    return Node(d["key"], d["text"], choices, d["ending"])


# --- YAML form (DESIGN.md "Scenario file") ---------------------------------------------


class _Dumper(yaml.SafeDumper):
    """A SafeDumper with the house layout; registered here so the global one is untouched."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent "- key:" under "choices:"


class _FlowList(list):
    pass


class _FlowMap(dict):
    pass


# Line breaks other than "\n": only an escape in a double-quoted scalar keeps them as they
# are; literal blocks and plain or single-quoted scalars fold them on loading.
_ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if any(ch in data for ch in _ODD_BREAKS):
        style = '"'
    else:
        style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _FlowList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, True)
)
_Dumper.add_representer(
    _FlowMap, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, True)
)


def dump_yaml(s: Scenario) -> str:
    """The scenario as a DESIGN.md YAML file (the slug is the file name, so not written)."""
    doc: dict[str, Any] = {"version": FORMAT_VERSION, "title": s.title}
    if s.department is not None:
        doc["department"] = s.department
    doc["summary"] = s.summary
    doc["competencies"] = _FlowList(s.competencies)
    doc["start"] = s.start
    doc["nodes"] = {node.key: _node_doc(node) for node in s.nodes.values()}
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)


def _node_doc(node: Node) -> dict[str, Any]:
    doc: dict[str, Any] = {} if node.ending is None else {"ending": node.ending}
    doc["text"] = node.text
    if node.choices:
        doc["choices"] = [_choice_doc(c) for c in node.choices]
    return doc


def _choice_doc(c: Choice) -> dict[str, Any]:
    doc: dict[str, Any] = {"key": c.key, "label": c.label, "goto": c.goto}
    if c.effects:
        doc["effects"] = _FlowMap(c.effects)
    if c.feedback:
        doc["feedback"] = c.feedback
    return doc


# --- traversals ------------------------------------------------------------------------


def successors(s: Scenario) -> dict[str, list[str]]:
    """Node key -> the existing nodes its choices lead to (each once, in choice order)."""
    return {
        key: list(dict.fromkeys(c.goto for c in node.choices if c.goto in s.nodes))
        for key, node in s.nodes.items()
    }


def reachable(s: Scenario) -> set[str]:
    """Keys of the nodes some path from start reaches (empty when start is missing)."""
    return set(_postorder(successors(s), [s.start] if s.start in s.nodes else []))


def topological_order(s: Scenario) -> list[str]:
    """Reachable node keys, each before every node it leads to (for an acyclic graph)."""
    order = _postorder(successors(s), [s.start] if s.start in s.nodes else [])
    return order[::-1]


def _postorder(
    succ: dict[str, list[str]], roots: list[str], seen: set[str] | None = None
) -> list[str]:
    """Iterative depth-first postorder of what `seen` does not hold yet; updates `seen`."""
    seen = set() if seen is None else seen
    order: list[str] = []
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(succ[root]))]
        while stack:
            key, pending = stack[-1]
            nxt = next((k for k in pending if k not in seen), None)
            if nxt is None:
                order.append(stack.pop()[0])
            else:
                seen.add(nxt)
                stack.append((nxt, iter(succ[nxt])))
    return order


def cyclic_components(succ: dict[str, list[str]]) -> list[list[str]]:
    """Groups of node keys that lie on a common cycle (Kosaraju), in node order."""
    rank = {key: i for i, key in enumerate(succ)}
    pred: dict[str, list[str]] = {key: [] for key in succ}
    for key, targets in succ.items():
        for target in targets:
            pred[target].append(key)
    seen: set[str] = set()
    groups = []
    for root in reversed(_postorder(succ, list(succ))):
        if root not in seen:
            group = _postorder(pred, [root], seen)
            if len(group) > 1 or root in succ[root]:
                groups.append(sorted(group, key=rank.__getitem__))
    return sorted(groups, key=lambda group: rank[group[0]])


def find_cycle(group: list[str], succ: dict[str, list[str]]) -> list[str]:
    """A shortest cycle through group[0] inside the group: [a, b, ..., a]."""
    members, first = set(group), group[0]
    parent: dict[str, str | None] = {first: None}
    queue = deque([first])
    while queue:
        key = queue.popleft()
        for target in succ[key]:
            if target == first:
                return _path_to(key, parent) + [first]
            if target in members and target not in parent:
                parent[target] = key
                queue.append(target)
    return [first]


def _path_to(key: str, parent: dict[str, str | None]) -> list[str]:
    path = [key]
    while (up := parent[path[-1]]) is not None:
        path.append(up)
    return path[::-1]
