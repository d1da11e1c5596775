"""The visual scenario editor: a draft graph edited node by node through plain forms.

The draft is the scenario's structured data (graph.scenario_to_dict, the model the loader
validates) kept on ``Scenario.draft`` even while it has problems, so nothing a trainer
typed is lost. Every save bumps ``Scenario.draft_rev``; a form carries the revision it
was read at, and a save from a stale form is refused (someone saved first) so the second
trainer keeps their text and sees the newer draft. A save whose draft has no problems also
pins it as the scenario's new version (versions.add_version), so publishing needs a clean
draft. Node keys are generated (n1, n2, …): trainers never type one.

Problems are told in Chinese through gettext and name the node by its (shortened) text.

The draft may also hold ``layout``: node key -> [x, y], where the trainer dragged a node
in the graph (graphsvg draws those nodes there). It is the editor's own: never part of a
pinned version, so moving a node changes nothing a learner plays.
"""

import math
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.audit import events as audit
from trainer.errors import Conflict, Invalid
from trainer.extensions import db
from trainer.org.scope import district_id_of, street_id_of
from trainer.simulation.graph import (
    COMPETENCIES,
    EFFECT_MAX,
    EFFECT_MIN,
    ENDINGS,
    cyclic_components,
    find_cycle,
    reachable,
    scenario_from_dict,
    short_text,
    successors,
)
from trainer.simulation.graph import (
    Scenario as Graph,
)
from trainer.simulation.models import Scenario
from trainer.simulation.versions import add_version, apply_meta, graph_data, graph_of
from trainer.slugs import first_free

NEW_NODE = "__new__"
KEEP = "__keep__"  # on deleting a node: leave the choice pointing at it, to fix later
_KEY = re.compile(r"n(\d+)")
# Story-format macros (Harlowe (set:)/(if:), SugarCube <<set>>): never run, never shown.
MACRO = re.compile(r"\((?:set|if|else-if|else|unless|put|move|link|goto|display|print|"
                   r"either|cond|for|live|history|visited|click|replace|append|prepend|"
                   r"a|dm|ds|array|datamap|dataset)\s*:|<<[/a-zA-Z]")


@dataclass(frozen=True)
class EditorProblem:
    """One problem of a draft: the node at fault (None: the whole scenario), why, and the
    kind of problem (the codes of rules.py, plus ``macro`` and ``blank_label``)."""

    node: str | None
    message: str
    code: str = ""

    def __str__(self) -> str:
        return self.message


class StaleDraft(Conflict):
    """Someone saved the draft after this form was read; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(_("已有他人先保存了这份草稿，您的修改没有保存。您填写的内容保留在下面，"
                           "请对照最新草稿核对后再保存。"))


# --- reading and naming ----------------------------------------------------------------


def draft_of(scenario: Scenario) -> dict[str, Any]:
    """The draft being edited: the stored draft, else the current version's graph."""
    if scenario.draft is not None:
        return scenario.draft
    if scenario.current_version is not None:
        return dict(scenario.current_version.data)
    return empty_draft(scenario.slug, scenario.title,
                       scenario.department.code if scenario.department else None)


def empty_draft(slug: str, title: str, department: str | None, summary: str = "",
                competencies: list[str] | None = None) -> dict[str, Any]:
    """A new draft: one start node with no text yet."""
    return {"version": 1, "slug": slug, "title": title, "department": department,
            "summary": summary, "competencies": list(competencies or []), "start": "n1",
            "nodes": [{"key": "n1", "text": "", "ending": None, "choices": []}]}


def node_name(draft: dict[str, Any], key: str) -> str:
    """How a trainer knows a node: its shortened text, else its number."""
    node = find_node(draft, key)
    text = short_text(node["text"]) if node else ""
    return text or _("（空白节点 %(key)s）", key=key)


def node_names(draft: dict[str, Any]) -> dict[str, str]:
    return {n["key"]: node_name(draft, n["key"]) for n in draft["nodes"]}


def find_node(draft: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((n for n in draft["nodes"] if n["key"] == key), None)


def next_key(draft: dict[str, Any]) -> str:
    used = [int(m.group(1)) for n in draft["nodes"] if (m := _KEY.fullmatch(n["key"]))]
    return f"n{max(used, default=0) + 1}"


# --- problems ---------------------------------------------------------------------------


def problems(draft: dict[str, Any]) -> list[EditorProblem]:
    """Every DESIGN.md rule the draft breaks, in Chinese, naming the node by its text."""
    graph = scenario_from_dict(draft)
    name = node_names(draft)
    out: list[EditorProblem] = []

    def add(node: str | None, message: str, code: str) -> None:
        out.append(EditorProblem(node, message, code))

    if not draft["title"].strip():
        add(None, _("情景标题不能为空。"), "title")
    if graph.start not in graph.nodes:
        add(None, _("还没有设置起始节点。"), "missing_start")
    elif graph.nodes[graph.start].ending is not None:
        add(graph.start, _("节点「%(node)s」：起始节点不能是结局，学员需要先作出选择。",
                           node=name[graph.start]), "start_is_ending")
    for key, node in graph.nodes.items():
        if node.ending is not None and node.ending not in ENDINGS:
            add(key, _("节点「%(node)s」：结局类型「%(ending)s」无效。", node=name[key],
                       ending=node.ending), "unknown_ending")
        if node.ending is not None and node.choices:
            add(key, _("节点「%(node)s」：结局节点不能有选项。", node=name[key]),
                "ending_with_choices")
        if node.ending is None and not node.choices:
            add(key, _("节点「%(node)s」：死胡同——既没有选项，也没有标记为结局。",
                       node=name[key]), "dead_end")
        if macro := MACRO.search(node.text):
            add(key, _("节点「%(node)s」：含有 Twine 故事格式的宏「%(macro)s…」，本平台不支持，"
                       "学员看不到它的效果；请删除或改写成普通文字。", node=name[key],
                       macro=macro.group(0)), "macro")
        seen: set[str] = set()
        for c in node.choices:
            label = short_text(c.label) or c.key
            if c.key in seen:
                add(key, _("节点「%(node)s」：选项编号「%(key)s」重复。", node=name[key],
                           key=c.key), "duplicate_key")
            seen.add(c.key)
            if not c.label.strip():
                add(key, _("节点「%(node)s」：有一个选项没有文字。", node=name[key]),
                    "blank_label")
            if c.goto not in graph.nodes:
                add(key, _("节点「%(node)s」：选项「%(choice)s」指向的节点不存在。",
                           node=name[key], choice=label), "dangling")
            for competency, amount in c.effects.items():
                if competency not in COMPETENCIES:
                    add(key, _("节点「%(node)s」：选项「%(choice)s」的能力「%(name)s」未知。",
                               node=name[key], choice=label, name=competency),
                        "unknown_competency")
                elif not EFFECT_MIN <= amount <= EFFECT_MAX:
                    add(key, _("节点「%(node)s」：选项「%(choice)s」的分值必须在 %(lo)s 到 "
                               "%(hi)s 之间。", node=name[key], choice=label,
                               lo=EFFECT_MIN, hi=EFFECT_MAX), "effect_range")
    if graph.start in graph.nodes:
        seen_keys = reachable(graph)
        for key in graph.nodes:
            if key not in seen_keys:
                add(key, _("节点「%(node)s」：从起始节点无法到达。", node=name[key]),
                    "unreachable")
    succ = successors(graph)
    for group in cyclic_components(succ):
        loop = " → ".join(f"「{name.get(k, k)}」" for k in find_cycle(group, succ))
        add(group[0], _("节点 %(loop)s 构成循环，学员会一直走不到结局。", loop=loop), "cycle")
    if graph.nodes and not any(n.ending == "success" for n in graph.nodes.values()):
        add(None, _("还没有“成功”结局：至少要有一个节点标记为成功结局。"), "no_success")
    return out


def problem_nodes(found: list[EditorProblem]) -> set[str]:
    return {p.node for p in found if p.node}


# --- saving -----------------------------------------------------------------------------


def _check_rev(scenario: Scenario, rev: int | None) -> None:
    if rev is None or rev != scenario.draft_rev:
        raise StaleDraft()


def store(user, scenario: Scenario, draft: dict[str, Any]) -> list[EditorProblem]:
    """Keep the draft (problems or not); pin it as a new version when it has none."""
    scenario.draft = draft
    scenario.draft_rev = (scenario.draft_rev or 0) + 1
    found = problems(draft)
    if not found:
        graph = scenario_from_dict(draft)
        apply_meta(scenario, graph)
        if add_version(scenario, graph, user.id) is not None:
            scenario.source = "web"
            audit.record_object("scenario_edited", scenario, "scenario", scenario.title,
                                actor=user)
    else:
        scenario.title = draft["title"].strip()[:200] or scenario.title
    db.session.flush()
    return found


def slug_for(title: str) -> str:
    """A short name for links from a Chinese title: its pinyin, made unique."""
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(title)
    base = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")[:60] or "scenario"
    if len(base) < 2:
        base = f"scenario-{base}"
    return first_free(base, lambda slug: db.session.scalar(
        sa.select(Scenario.id).where(Scenario.slug == slug)))


def create_draft(user, title: str, summary: str, competencies: list[str],
                 draft: dict[str, Any] | None = None, slug: str | None = None) -> Scenario:
    """A new draft scenario in the author's department (a street trainer's: that street's)."""
    from trainer.simulation.authoring import SLUG

    title = title.strip()
    if not title:
        raise Invalid(_("请填写情景标题。"), field="title")
    slug = (slug or "").strip() or slug_for(title)
    if not SLUG.fullmatch(slug):
        raise Invalid(_("The short name uses lowercase letters, digits, '-' and '_' "
                        "(2 to 80 characters)."), field="slug")
    if db.session.scalar(sa.select(Scenario.id).where(Scenario.slug == slug)):
        raise Invalid(_("This short name is already used."), field="slug")
    department = user.department.code if user.department else None
    unknown = [c for c in competencies if c not in COMPETENCIES]
    if unknown:
        raise Invalid(_("未知的能力：%(names)s", names="、".join(unknown)), field="competencies")
    if draft is None:
        draft = empty_draft(slug, title, department, summary.strip(), competencies)
    else:
        draft = {**draft, "slug": slug, "title": title}
        if user.role == "trainer":
            draft["department"] = department
    scenario = Scenario(slug=slug, title=title[:200], summary=summary.strip(),
                        competencies=list(draft["competencies"]), status="draft",
                        source="web",
                        street_id=street_id_of(user) if user.role == "trainer" else None,
                        district_id=district_id_of(user))
    apply_meta(scenario, scenario_from_dict(draft))
    db.session.add(scenario)
    db.session.flush()
    store(user, scenario, draft)
    return scenario


def save_meta(user, scenario: Scenario, rev: int | None, title: str, summary: str,
              competencies: list[str], start: str) -> list[EditorProblem]:
    _check_rev(scenario, rev)
    draft = dict(draft_of(scenario))
    draft.update(title=title.strip(), summary=summary.strip(),
                 competencies=[c for c in COMPETENCIES if c in competencies])
    if find_node(draft, start):
        draft["start"] = start
    # Effects of competencies no longer declared are dropped from every choice.
    kept = set(draft["competencies"])
    draft["nodes"] = [{**n, "choices": [{**c, "effects": {k: v for k, v in c["effects"].items()
                                                          if k in kept}}
                                        for c in n["choices"]]} for n in draft["nodes"]]
    return store(user, scenario, draft)


def add_node(user, scenario: Scenario, rev: int | None) -> str:
    _check_rev(scenario, rev)
    draft = dict(draft_of(scenario))
    key = next_key(draft)
    draft["nodes"] = [*draft["nodes"], {"key": key, "text": "", "ending": None,
                                         "choices": []}]
    store(user, scenario, draft)
    return key


@dataclass
class ChoiceInput:
    key: str
    label: str
    goto: str
    effects: dict[str, int]
    feedback: str


def save_node(user, scenario: Scenario, rev: int | None, key: str, text: str,
              ending: str | None, choices: list[ChoiceInput]) -> list[EditorProblem]:
    """Replace one node's text, ending and choices; a choice aimed at "new node" creates an
    empty node to write next. An ending keeps no choices."""
    _check_rev(scenario, rev)
    draft = dict(draft_of(scenario))
    if find_node(draft, key) is None:
        raise Invalid(_("这个节点已不存在。"))
    if ending not in (None, *ENDINGS):
        raise Invalid(_("Unknown status."), field="ending")
    nodes = [dict(n) for n in draft["nodes"]]
    used = {c.key for c in choices if c.key}
    counter = 0
    out = []
    for c in ([] if ending else choices):
        ckey = c.key
        if not ckey:
            while f"c{counter + 1}" in used:
                counter += 1
            counter += 1
            ckey = f"c{counter}"
            used.add(ckey)
        goto = c.goto
        if goto == NEW_NODE:
            goto = next_key({"nodes": nodes})
            nodes.append({"key": goto, "text": "", "ending": None, "choices": []})
        out.append({"key": ckey, "label": c.label.strip(), "goto": goto,
                    "effects": {k: v for k, v in c.effects.items() if v},
                    "feedback": c.feedback.strip()})
    for n in nodes:
        if n["key"] == key:
            n.update(text=text.replace("\r\n", "\n").strip(), ending=ending or None,
                     choices=out)
    draft["nodes"] = nodes
    return store(user, scenario, draft)


def layout_of(draft: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The dragged positions of the draft's nodes that still exist."""
    keys = {n["key"] for n in draft["nodes"]}
    return {k: (int(v[0]), int(v[1])) for k, v in (draft.get("layout") or {}).items()
            if k in keys}


LAYOUT_MAX = 20_000  # the farthest a node may be dragged, in graph units


def _coordinate(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not 0 <= value <= LAYOUT_MAX:
        return None
    return round(value)


def save_layout(user, scenario: Scenario, rev: int | None,
                positions: Any) -> list[EditorProblem]:
    """Keep where the trainer dragged nodes: ``positions`` maps node keys to [x, y]
    (numbers from 0 to LAYOUT_MAX). Anything else is refused whole, nothing kept."""
    _check_rev(scenario, rev)
    draft = dict(draft_of(scenario))
    if not isinstance(positions, dict) or not positions:
        raise Invalid(_("没有收到节点位置，布局没有保存。"), field="positions")
    layout = dict(layout_of(draft))
    for key, where in positions.items():
        if find_node(draft, key) is None:
            raise Invalid(_("节点位置无效：这个节点已不存在，布局没有保存。"),
                          field="positions")
        if not isinstance(where, list | tuple) or len(where) != 2:
            raise Invalid(_("节点「%(node)s」的位置无效，布局没有保存。",
                            node=node_name(draft, key)), field="positions")
        x, y = (_coordinate(v) for v in where)
        if x is None or y is None:
            raise Invalid(_("节点「%(node)s」的位置必须是 0 到 %(max)s 之间的数，"
                            "布局没有保存。", node=node_name(draft, key), max=LAYOUT_MAX),
                          field="positions")
        layout[key] = (x, y)
    draft["layout"] = {k: [x, y] for k, (x, y) in layout.items()}
    return store(user, scenario, draft)


def retarget_choice(user, scenario: Scenario, rev: int | None, key: str, choice: str,
                    goto: Any) -> list[EditorProblem]:
    """Point one choice of node ``key`` at node ``goto`` (dragging the arrow's end onto
    it), through save_node like the node form: the node's text, ending and other choices
    stay as they are and the check reruns."""
    _check_rev(scenario, rev)
    draft = draft_of(scenario)
    node = find_node(draft, key)
    if node is None:
        raise Invalid(_("这个节点已不存在。"))
    if not any(c["key"] == choice for c in node["choices"]):
        raise Invalid(_("这个选项已不存在。"), field="choice")
    if not isinstance(goto, str) or find_node(draft, goto) is None:
        raise Invalid(_("请把箭头拖到一个已有的节点上。"), field="goto")
    if goto == key:
        raise Invalid(_("选项不能指向它所在的节点，学员会原地打转。"), field="goto")
    choices = [ChoiceInput(c["key"], c["label"], goto if c["key"] == choice else c["goto"],
                           dict(c["effects"]), c["feedback"]) for c in node["choices"]]
    return save_node(user, scenario, rev, key, node["text"], node["ending"], choices)


def edit_in_place(user, scenario: Scenario, rev: int | None, key: str, text: Any,
                  labels: Any) -> list[EditorProblem]:
    """The graph's inline editor: a node's text and its choices' labels (choice key ->
    label), through save_node; targets, effects, feedback and the ending stay."""
    _check_rev(scenario, rev)
    draft = draft_of(scenario)
    node = find_node(draft, key)
    if node is None:
        raise Invalid(_("这个节点已不存在。"))
    if not isinstance(text, str) or len(text) > 20_000:
        raise Invalid(_("节点文字无效（最多 20000 字）。"), field="text")
    labels = labels if labels is not None else {}
    if not isinstance(labels, dict) or any(
            not isinstance(v, str) or len(v) > 500 for v in labels.values()):
        raise Invalid(_("选项文字无效（每个最多 500 字）。"), field="labels")
    known = {c["key"] for c in node["choices"]}
    if set(labels) - known:
        raise Invalid(_("这个选项已不存在。"), field="labels")
    choices = [ChoiceInput(c["key"], labels.get(c["key"], c["label"]), c["goto"],
                           dict(c["effects"]), c["feedback"]) for c in node["choices"]]
    return save_node(user, scenario, rev, key, text, node["ending"], choices)


def pointing_at(draft: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    """(node key, choice) of every choice leading to ``key``."""
    return [(n["key"], c) for n in draft["nodes"] for c in n["choices"]
            if c["goto"] == key and n["key"] != key]


def delete_node(user, scenario: Scenario, rev: int | None, key: str,
                retarget: dict[tuple[str, str], str]) -> list[EditorProblem]:
    """Remove a node; each choice that led to it goes where ``retarget`` says ("" drops
    the choice, KEEP leaves it dangling for the check to name). The start cannot be
    deleted."""
    _check_rev(scenario, rev)
    draft = dict(draft_of(scenario))
    if find_node(draft, key) is None:
        raise Invalid(_("这个节点已不存在。"))
    if draft["start"] == key:
        raise Invalid(_("起始节点不能删除：请先把另一个节点设为起始节点。"))
    nodes = []
    for n in draft["nodes"]:
        if n["key"] == key:
            continue
        choices = []
        for c in n["choices"]:
            if c["goto"] == key:
                target = retarget.get((n["key"], c["key"]), "")
                if not target:
                    continue
                if target == KEEP:  # dangling now: the check names it until fixed
                    choices.append(c)
                    continue
                if target == key or find_node(draft, target) is None:
                    raise Invalid(_("请为每个指向该节点的选项选择新的目标。"))
                c = {**c, "goto": target}
            choices.append(c)
        nodes.append({**n, "choices": choices})
    draft["nodes"] = nodes
    if "layout" in draft:
        draft["layout"] = {k: v for k, v in draft["layout"].items() if k != key}
    return store(user, scenario, draft)


def draft_problems_block_publish(scenario: Scenario) -> list[EditorProblem]:
    """Problems of the draft when it differs from the current version (publish waits)."""
    if scenario.draft is None:
        return []
    return problems(scenario.draft)


def playtest_graph(scenario: Scenario, start: str | None) -> Graph | None:
    """The draft as a playable graph starting at ``start`` (default: the draft's start),
    or None when the part reachable from there has a problem that stops play."""
    draft = draft_of(scenario)
    graph = scenario_from_dict(draft)
    start = start or graph.start
    if start not in graph.nodes:
        return None
    graph = Graph(graph.slug, graph.title, graph.department, graph.summary,
                  graph.competencies, start, graph.nodes)
    keys = reachable(graph)
    part = Graph(graph.slug, graph.title, graph.department, graph.summary,
                 graph.competencies, start, {k: graph.nodes[k] for k in graph.nodes
                                             if k in keys})
    if cyclic_components(successors(part)):
        return None
    for node in part.nodes.values():
        if node.ending is None and not node.choices:
            return None
        if any(c.goto not in part.nodes for c in node.choices):
            return None
    return part


__all__ = ["NEW_NODE", "StaleDraft", "draft_of", "graph_data", "graph_of", "problems"]
