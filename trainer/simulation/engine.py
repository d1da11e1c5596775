"""Playing a scenario: replaying a run's choices, scoring it and explaining it.

A run is just the list of choice keys taken from `start`; every function replays it, so
the engine holds no state. Scenarios are assumed to have passed `validate` (acyclic, every
goto resolves); all graph sums are one pass over a topological order, O(nodes + edges).
"""

from collections.abc import Callable
from dataclasses import dataclass

from .graph import COMPETENCIES, Choice, Node, Scenario, quote, topological_order


class RunError(Exception):
    """A choice the run cannot take."""


class InvalidChoice(RunError):
    """The key is not one of the choices offered at the current node."""


class RunFinished(RunError):
    """The run has reached an ending; no further choice is possible."""


@dataclass(frozen=True)
class Step:
    """One step of a debrief: where the player was, what they chose, what was better."""

    node_key: str
    node_text: str
    choice: Choice
    better: Choice | None


def _best_from(s: Scenario, worth: Callable[[Choice], int]) -> dict[str, int]:
    """Node key -> the highest total of `worth` over the choices of any path to an ending."""
    best: dict[str, int] = {}
    for key in reversed(topological_order(s)):
        choices = [c for c in s.nodes[key].choices if c.goto in best]
        best[key] = max((worth(c) + best[c.goto] for c in choices), default=0)
    return best


def _effect_names(s: Scenario) -> list[str]:
    found = {name for node in s.nodes.values() for c in node.choices for name in c.effects}
    return [n for n in COMPETENCIES if n in found] + sorted(found - set(COMPETENCIES))


def best_sums(s: Scenario) -> dict[str, int]:
    """Competency -> the best sum of its effects any path from start to an ending reaches."""
    sums = {}
    for name in _effect_names(s):
        sums[name] = _best_from(s, lambda c, name=name: c.effects.get(name, 0)).get(s.start, 0)
    return sums


def max_depth(s: Scenario) -> int:
    """The number of choices on the longest path from start to an ending."""
    return _best_from(s, lambda c: 1).get(s.start, 0)


def _take(node: Node, key: str) -> Choice:
    if node.ending is not None:
        raise RunFinished(f"the run ended at {quote(node.key)}; no choice {quote(key)}")
    choice = node.choice(key)
    if choice is None:
        raise InvalidChoice(f"choice {quote(key)} is not offered at node {quote(node.key)}")
    return choice


def _replay(s: Scenario, choice_keys: list[str]) -> tuple[list[tuple[Node, Choice]], Node]:
    """The (node, choice) steps of a run and the node it stands at now."""
    node, steps = s.nodes[s.start], []
    for key in choice_keys:
        choice = _take(node, key)
        steps.append((node, choice))
        node = s.nodes[choice.goto]
    return steps, node


def current_node(s: Scenario, choice_keys: list[str]) -> Node:
    """The node a run stands at after these choices."""
    return _replay(s, choice_keys)[1]


def advance(s: Scenario, choice_keys: list[str], key: str) -> tuple[Node, Choice]:
    """Take choice `key` after `choice_keys`: the next node and the choice taken."""
    choice = _take(current_node(s, choice_keys), key)
    return s.nodes[choice.goto], choice


def outcome(s: Scenario, choice_keys: list[str]) -> str | None:
    """The ending reached (success, partial, failure), or None while the run goes on."""
    return current_node(s, choice_keys).ending


def score_path(s: Scenario, choice_keys: list[str]) -> dict[str, float]:
    """Competency -> percent of its best sum, floored at 0, capped at 100, 1 decimal.

    Competencies no path can raise above 0 are left out (no meaningful percent).
    """
    totals: dict[str, int] = {}
    for _, choice in _replay(s, choice_keys)[0]:
        for name, amount in choice.effects.items():
            totals[name] = totals.get(name, 0) + amount
    return {
        name: _percent(totals.get(name, 0), best) for name, best in best_sums(s).items() if best > 0
    }


def _percent(total: int, best: int) -> float:
    # An unfinished run may be ahead of a path's later losses, hence the cap.
    return round(min(100.0, max(0, total) / best * 100), 1)


def _total(choice: Choice) -> int:
    return sum(choice.effects.values())


def debrief(s: Scenario, choice_keys: list[str]) -> list[Step]:
    """Each step of the run with the better choice, if one could have reached a higher total.

    A choice's worth is its own effects summed over all competencies plus the best total
    reachable from where it leads; `better` is the first choice of highest worth when that
    is strictly above the worth of the choice taken.
    """
    ahead = _best_from(s, _total)
    steps = _replay(s, choice_keys)[0]
    return [
        Step(node.key, node.text, choice, _better(node, choice, ahead)) for node, choice in steps
    ]


def _better(node: Node, taken: Choice, ahead: dict[str, int]) -> Choice | None:
    def worth(c: Choice) -> int:
        return _total(c) + ahead.get(c.goto, 0)

    best = max(node.choices, key=worth)
    return best if worth(best) > worth(taken) else None


def paths_to_endings(s: Scenario) -> dict[str, list[str]]:
    """Ending node key -> the choice keys of a shortest path from start that reaches it."""
    paths: dict[str, list[str]] = {s.start: []}
    queue = [s.start]
    for key in queue:  # breadth first: the queue grows while it is read
        for choice in s.nodes[key].choices:
            if choice.goto not in paths:
                paths[choice.goto] = [*paths[key], choice.key]
                queue.append(choice.goto)
    return {key: path for key, path in paths.items() if s.nodes[key].ending is not None}
