"""Warnings about a valid scenario's scoring, for `flask content check`.

Pure. A run is scored against the reference path (engine.reference_path), so effects
that reward a mistake undermine the debrief. Two warnings, each a Problem printed after
"warning: " (they do not fail the check unless `--strict`):

1. A path through a negative choice beats the reference path in a competency: some path
   from start to any ending that takes at least one *negative choice* (a choice with any
   effect below 0) has a higher sum in a competency than the reference path has there.
   A run along it would score as much there as the model run (the percent is capped at
   100) despite the mistake. One warning per competency, naming the path with the
   highest such sum (ties: the choice listed first) and its negative choices.

2. A bad move earns points: a choice with an effect above 0 that is a *bad move*, that is
   it also has an effect below 0 (the author marked it a mistake in one competency yet
   pays for it in another), or every ending reachable from its target is a failure (it
   dooms the run). Good moves that cost something are written as positive effects only,
   with the cost told in the feedback; a mistake carries no positive effect.
"""

from dataclasses import dataclass

from trainer.quizzes.parse_messages import message as _

from .engine import competency_names, reference_path, reference_sums
from .graph import Choice, Problem, Scenario, topological_order
from .rules import Report, listing, named


def scoring_warnings(s: Scenario, file: str) -> list[Problem]:
    """Both warnings for a scenario that passed validation; [] without a reference path."""
    if reference_path(s) is None:
        return []
    return _negative_paths(s, file) + _bad_moves(s, file)


def _negative(c: Choice) -> bool:
    return any(v < 0 for v in c.effects.values())


def _gains(c: Choice) -> str:
    return listing(f"{name} +{v}" for name, v in c.effects.items() if v > 0)


# --- 1. a path through a negative choice beats the reference path ----------------------


@dataclass(frozen=True)
class _Best:
    """The best sum in one competency from a node to an ending, its first choice, and
    whether the rest of the path after that choice is a clean one (no negative choice)."""

    total: int
    via: Choice | None = None
    then_clean: bool = True


def _better(table: dict[str, _Best], key: str, candidate: _Best) -> None:
    """Keep `candidate` at `key` when it is strictly higher (so the first listed wins)."""
    if key not in table or candidate.total > table[key].total:
        table[key] = candidate


def _best_paths(s: Scenario, name: str) -> tuple[dict[str, _Best], dict[str, _Best]]:
    """Node -> best path to an ending in competency `name`: (among paths with no negative
    choice, among paths with at least one). One pass in reverse topological order."""
    clean: dict[str, _Best] = {}
    dirty: dict[str, _Best] = {}
    for key in reversed(topological_order(s)):
        if s.nodes[key].ending is not None:
            clean[key] = _Best(0)
        for c in s.nodes[key].choices:
            gain = c.effects.get(name, 0)
            if c.goto in clean:  # first, so that a tie names fewer negative choices
                table = dirty if _negative(c) else clean
                _better(table, key, _Best(gain + clean[c.goto].total, c, True))
            if c.goto in dirty:
                _better(dirty, key, _Best(gain + dirty[c.goto].total, c, False))
    return clean, dirty


def _follow(s: Scenario, clean: dict[str, _Best],
            dirty: dict[str, _Best]) -> list[tuple[str, Choice]]:
    """The (node key, choice) steps of the best path from start with a negative choice."""
    steps, key, table = [], s.start, dirty
    while (best := table[key]).via is not None:
        steps.append((key, best.via))
        key, table = best.via.goto, clean if best.then_clean else dirty
    return steps


def _negative_paths(s: Scenario, file: str) -> list[Problem]:
    reference = reference_sums(s)
    report = _report(s, file)
    for name in competency_names(s):
        clean, dirty = _best_paths(s, name)
        if s.start not in dirty or dirty[s.start].total <= reference[name]:
            continue
        steps = _follow(s, clean, dirty)
        path = _(" > ").join(c.key for _key, c in steps)
        negatives = listing(_("%(choice)s at %(node)s", choice=named(c.key, c.label),
                              node=report.name(k)) for k, c in steps if _negative(c))
        report.add(_("competency %(name)s", name=named(name)), _(
            "the path %(path)s takes the negative choices %(negatives)s yet sums %(total)s, "
            "more than the reference path's %(reference)s", path=path, negatives=negatives,
            total=dirty[s.start].total, reference=reference[name]), "negative_path_wins")
    return report.problems


def _report(s: Scenario, file: str) -> Report:
    return Report(file, texts={key: node.text for key, node in s.nodes.items()})


# --- 2. a bad move earns points ---------------------------------------------------------


def _failure_only(s: Scenario) -> set[str]:
    """Node keys from which every ending reachable is a failure."""
    doomed: dict[str, bool] = {}
    for key in reversed(topological_order(s)):
        node = s.nodes[key]
        doomed[key] = node.ending == "failure" if node.ending is not None else \
            all(doomed.get(c.goto, False) for c in node.choices)
    return {key for key, bad in doomed.items() if bad}


def _bad_moves(s: Scenario, file: str) -> list[Problem]:
    doomed = _failure_only(s)
    report = _report(s, file)
    for key, node in s.nodes.items():
        for c in node.choices:
            if not _gains(c):
                continue
            where = report.choice(key, c.key, c.label)
            if _negative(c):
                losses = listing(f"{n} {v}" for n, v in c.effects.items() if v < 0)
                report.add(where, _("a bad move earns points: it loses points (%(losses)s) "
                                    "yet gains %(gains)s", losses=losses, gains=_gains(c)),
                           "bad_move")
            elif c.goto in doomed:
                report.add(where, _("a bad move earns points: it leads only to failure "
                                    "endings yet gains %(gains)s", gains=_gains(c)), "bad_move")
    return report.problems
