"""What a player sees of a run: the current node, the steps taken and the debrief.

Pure (no Flask, no database): the player page, the preview and the JSON API all build
their answers from ``play_state``. ``reveal`` False hides every hint of correctness (the
feedback of choices and the better choice), as a competition round requires until it
closes.
"""

from typing import Any

from . import engine
from .graph import Choice, Node, Scenario


def node_view(node: Node, html: dict[str, str]) -> dict[str, Any]:
    """A node as shown: its sanitised HTML and the choices offered (never their effects)."""
    view: dict[str, Any] = {
        "key": node.key,
        "html": html.get(node.key, ""),
        "choices": [{"key": c.key, "label": c.label} for c in node.choices],
    }
    if node.ending is not None:
        view["ending"] = node.ending
    return view


def _choice_view(choice: Choice | None, reveal: bool) -> dict[str, Any] | None:
    if choice is None:
        return None
    return {"key": choice.key, "label": choice.label,
            "feedback": choice.feedback if reveal else None}


def step_views(s: Scenario, html: dict[str, str], path: list[str],
               reveal: bool) -> list[dict[str, Any]]:
    """Each step taken: the node, the choice, its feedback and a better choice if any."""
    return [
        {
            "node": {"key": step.node_key, "html": html.get(step.node_key, "")},
            "choice": {"key": step.choice.key, "label": step.choice.label},
            "feedback": step.choice.feedback if reveal else None,
            "better": _choice_view(step.better, reveal) if reveal else None,
        }
        for step in engine.debrief(s, path)
    ]


def play_state(s: Scenario, html: dict[str, str], path: list[str],
               reveal: bool = True) -> dict[str, Any]:
    """Where a run stands: node, steps, progress, and outcome and scores once it ended
    (competency -> percent, None when not assessed); once ended and revealed, the
    reference path too (it would tell the model answer in a round still open)."""
    node = engine.current_node(s, path)
    steps = step_views(s, html, path, reveal)
    finished = node.ending is not None
    return {
        "node": node_view(node, html),
        "path": list(path),
        "feedback": [step["feedback"] for step in steps],
        "steps": steps,
        "last": steps[-1] if steps else None,
        "finished": finished,
        "outcome": node.ending,
        "scores": engine.score_path(s, path) if finished else {},
        "step": len(path) + (0 if finished else 1),
        "total": engine.max_depth(s),
        "revealed": reveal,
        "reference": reference_view(s) if finished and reveal else [],
    }


def reference_view(s: Scenario) -> list[dict[str, str]]:
    """The reference path's steps (the model run scored at 100): node key, choice key and
    label; [] when the scenario has no success ending."""
    path, node = engine.reference_path(s) or [], s.start
    steps = []
    for choice in path:
        steps.append({"node": node, "key": choice.key, "label": choice.label})
        node = choice.goto
    return steps
