"""Playing a scenario: replaying a run's choices, scoring it and explaining it.

A run is just the list of choice keys taken from `start`; every function replays it, so
the engine holds no state. Scenarios are assumed to have passed `validate` (acyclic, every
goto resolves); all graph sums are one pass over a topological order, O(nodes + edges);
the debrief's better choices carry a small Pareto frontier of sums along that pass.

Scoring (DESIGN.md, "Scoring against the model path"): the reference path is the path
from start to a success ending with the highest sum of all its effects; a run's percent
in a competency is its sum there over the reference path's, floored at 0 and capped at
100; a competency the reference path does not raise above 0 is not assessed (None).
"""

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

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


def competency_names(s: Scenario) -> list[str]:
    """What a run is scored in: the declared competencies, then any other effect name the
    choices use (so nothing an author scores is hidden), in COMPETENCIES order."""
    found = {name for node in s.nodes.values() for c in node.choices for name in c.effects}
    extra = [n for n in COMPETENCIES if n in found] + sorted(found - set(COMPETENCIES))
    return list(s.competencies) + [n for n in extra if n not in s.competencies]


def _total(choice: Choice) -> int:
    return sum(choice.effects.values())


def reference_path(s: Scenario) -> list[Choice] | None:
    """The model path: from start to a `success` ending with the highest sum of all its
    effects; ties go to fewer choices, then to the choice listed first where the paths
    part. None when no success ending can be reached.

    One pass in reverse topological order: each node keeps the best (sum, -length) to a
    success ending and the first choice reaching it, so the path read forward from start
    is the lexicographically first of the best ones.
    """
    best: dict[str, tuple[int, int]] = {}
    via: dict[str, Choice] = {}
    for key in reversed(topological_order(s)):
        node = s.nodes[key]
        if node.ending == "success":
            best[key] = (0, 0)
        for c in node.choices:
            if c.goto in best and c.goto != key:  # a broken draft may loop on itself
                value = (_total(c) + best[c.goto][0], best[c.goto][1] - 1)
                if key not in best or value > best[key]:
                    best[key], via[key] = value, c
    if s.start not in via:
        return None
    path, key = [], s.start
    while key in via:
        path.append(via[key])
        key = via[key].goto
    return path


def _sums(choices: list[Choice], names: list[str]) -> dict[str, int]:
    return {name: sum(c.effects.get(name, 0) for c in choices) for name in names}


def reference_sums(s: Scenario) -> dict[str, int]:
    """Competency -> the sum of its effects along the reference path (all 0 without one)."""
    return _sums(reference_path(s) or [], competency_names(s))


def assessed(s: Scenario) -> list[str]:
    """The competencies a run is assessed in: those the reference path raises above 0."""
    return [name for name, total in reference_sums(s).items() if total > 0]


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


def path_sums(s: Scenario, choice_keys: list[str]) -> dict[str, int]:
    """Competency -> the sum of its effects along a run's choices so far."""
    return _sums([choice for _, choice in _replay(s, choice_keys)[0]], competency_names(s))


def score_path(s: Scenario, choice_keys: list[str]) -> dict[str, float | None]:
    """Competency -> percent of the reference path's sum in it, floored at 0, capped at
    100, one decimal; None for a competency that is not assessed (reference sum <= 0)."""
    reference = reference_sums(s)
    totals = path_sums(s, choice_keys)
    return {name: _percent(totals[name], best) if best > 0 else None
            for name, best in reference.items()}


def _percent(total: int, best: int) -> float:
    # A path may beat the reference in one competency (it is the best in the sum of all),
    # and an unfinished run may be ahead of later losses: hence the cap.
    return round(min(100.0, max(0, total) / best * 100), 1)


def mean_of(scores: dict[str, float | None]) -> float | None:
    """The mean of the assessed percents (None values left out), one decimal; None when
    no competency is assessed."""
    values = [v for v in scores.values() if v is not None]
    return round(sum(values) / len(values), 1) if values else None


OUTCOME_RANK = {"failure": 0, "partial": 1, "success": 2}
# A node keeps at most this many suffix sums (a Pareto frontier); exact below it, which
# every realistic scenario stays (the shipped ones need under 10).
FRONTIER_CAP = 256

Vector = tuple[int, ...]


def _vector(choice: Choice, names: list[str]) -> Vector:
    return tuple(choice.effects.get(name, 0) for name in names)


def _add(a: Vector, b: Vector) -> Vector:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _worth(totals: Vector, best: Vector) -> Fraction:
    """The sum of the path's percents (as fractions of 1, floored at 0, capped at 1)."""
    return sum((min(Fraction(1), Fraction(max(0, t), b)) for t, b in zip(totals, best,
                                                                          strict=True)),
               Fraction(0))


def _pareto(vectors: list[Vector], best: Vector) -> list[Vector]:
    """The vectors no other one matches or beats in every competency, best first."""
    order = sorted(set(vectors), key=lambda v: sum(Fraction(x, b) for x, b in
                                                   zip(v, best, strict=True)), reverse=True)
    kept: list[Vector] = []
    for v in order:  # a vector that dominates v sorts before it
        if not any(all(a >= b for a, b in zip(w, v, strict=True)) for w in kept):
            kept.append(v)
    return kept[:FRONTIER_CAP]


def _frontiers(s: Scenario, names: list[str], best: Vector) -> dict[str, tuple[int,
                                                                          list[Vector]]]:
    """Node key -> (the best outcome rank a path from there reaches, the Pareto frontier of
    the effect sums of the paths from there that reach it). The mean percent only grows
    with each sum, so a dominated path can never be the best continuation."""
    out: dict[str, tuple[int, list[Vector]]] = {}
    for key in reversed(topological_order(s)):
        node = s.nodes[key]
        if node.ending is not None:
            out[key] = (OUTCOME_RANK.get(node.ending, 0), [tuple([0] * len(names))])
            continue
        options = [(out[c.goto], c) for c in node.choices if c.goto in out]
        rank = max((r for (r, _), _ in options), default=0)
        sums = [_add(_vector(c, names), v) for (r, vs), c in options if r == rank for v in vs]
        out[key] = (rank, _pareto(sums, best))
    return out


def debrief(s: Scenario, choice_keys: list[str]) -> list[Step]:
    """Each step of the run with the better choice, if one existed.

    A choice is worth what the best path through it (after the steps already taken) is
    scored on: first its outcome (success > partial > failure), then the mean of its
    percents over the assessed competencies, with the chart's rules. `better` is the first
    choice of highest worth when that is strictly above the worth of the choice taken.
    """
    names = assessed(s)
    reference = reference_sums(s)
    best = tuple(reference[n] for n in names)
    fronts = _frontiers(s, names, best)
    totals = tuple([0] * len(names))
    steps = []
    for node, choice in _replay(s, choice_keys)[0]:
        better = _better(node, choice, totals, fronts, names, best)
        steps.append(Step(node.key, node.text, choice, better))
        totals = _add(totals, _vector(choice, names))
    return steps


def _better(node: Node, taken: Choice, totals: Vector,
            fronts: dict[str, tuple[int, list[Vector]]], names: list[str],
            best: Vector) -> Choice | None:
    def worth(c: Choice) -> tuple[int, Fraction]:
        rank, ahead = fronts[c.goto]
        here = _add(totals, _vector(c, names))
        return rank, max(_worth(_add(here, v), best) for v in ahead)

    values = [worth(c) for c in node.choices]
    top = max(values)
    return node.choices[values.index(top)] if top > worth(taken) else None


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
