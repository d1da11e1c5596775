"""DESIGN.md's rules for a scenario graph, whatever file format it came from.

Every problem names the file and the node, choice, target or effect at fault, so that
`flask content check` can print one line per problem. Besides DESIGN.md's list, the start
may not be an ending (a run must offer a first choice), some node must be a success
ending (runs are scored against the best path to one) and an effect lies within
EFFECT_MIN..EFFECT_MAX (so a path's sums stay small, whole numbers).

`validate(..., partial=True)` checks a graph read from a file that already has field
problems: there a blank start, choice key, goto or ending stands for a field the reader
could not read and has reported, so it is not reported again, and unreachable nodes are
only reported when every goto was read. Dangling gotos, dead ends, cycles and the like
are reported alongside the field problems.
"""

from dataclasses import dataclass, field

from .graph import (
    COMPETENCIES,
    EFFECT_MAX,
    EFFECT_MIN,
    ENDINGS,
    Choice,
    Node,
    Problem,
    Scenario,
    cyclic_components,
    find_cycle,
    quote,
    reachable,
    successors,
)


@dataclass
class Report:
    """Collects problems for one file; `noun`/`choice_noun` let Twee say passage/link."""

    file: str
    noun: str = "node"
    choice_noun: str = "choice"
    problems: list[Problem] = field(default_factory=list)
    partial: bool = False
    dead_end: str | None = None  # the format's own dead-end message (how to mark an ending)

    def add(self, where: str, message: str) -> None:
        """Record a problem at a free-form place (`line 3`, `field 'start'`)."""
        self.problems.append(Problem(self.file, where, message))

    def node(self, key: str) -> str:
        """The place naming a node."""
        return f"{self.noun} {quote(key)}"

    def choice(self, key: str, choice: str) -> str:
        """The place naming a choice of a node."""
        return f"{self.node(key)}, {self.choice_noun} {quote(choice)}"

    def unread(self, value: str) -> bool:
        """A blank value the reader has already reported (only for a partial graph)."""
        return self.partial and value == ""


def validate(
    s: Scenario, file: str, *, noun: str = "node", choice_noun: str = "choice",
    partial: bool = False, dead_end: str | None = None,
) -> list[Problem]:
    """Check DESIGN.md's rules for a scenario graph; [] when it is playable. ``dead_end``
    replaces the dead-end message (a format tells how its endings are marked)."""
    report = Report(file, noun, choice_noun, partial=partial, dead_end=dead_end)
    _check_header(s, report)
    for node in s.nodes.values():
        _check_node(s, node, report)
    _check_graph(s, report)
    if not report.problems:  # a typo'd ending or a broken graph is told first
        _check_success(s, report)
    return report.problems


def _check_header(s: Scenario, report: Report) -> None:
    for name in s.competencies:
        if name not in COMPETENCIES:
            report.add("field 'competencies'", f"{quote(name)} is not a competency")
    if report.unread(s.start):
        return
    if s.start not in s.nodes:
        report.add("field 'start'", f"start {quote(s.start)} is not a {report.noun}")
    elif s.nodes[s.start].ending is not None:
        report.add(report.node(s.start), f"the start {report.noun} is an ending "
                   f"({quote(s.nodes[s.start].ending)}); a run must offer a first "
                   f"{report.choice_noun}")


def _check_node(s: Scenario, node: Node, report: Report) -> None:
    where = report.node(node.key)
    ending_read = node.ending is not None and not report.unread(node.ending)
    if ending_read and node.ending not in ENDINGS:
        report.add(where, f"ending {quote(node.ending)} is not one of {', '.join(ENDINGS)}")
    if ending_read and node.choices:
        report.add(
            where, f"ending {quote(node.ending)} has {report.choice_noun}s; an ending has none"
        )
    if node.ending is None and not node.choices:
        report.add(where, report.dead_end or f"dead end: no {report.choice_noun}s and no ending")
    seen: set[str] = set()
    for choice in node.choices:
        _check_choice(s, node.key, choice, choice.key in seen, report)
        seen.add(choice.key)


def _check_choice(s: Scenario, key: str, c: Choice, duplicate: bool, report: Report) -> None:
    where = report.choice(key, c.key)
    if duplicate and not report.unread(c.key):
        report.add(where, f"duplicate key {quote(c.key)} in this {report.noun}")
    if c.goto not in s.nodes and not report.unread(c.goto):
        report.add(where, f"goto {quote(c.goto)} is not a {report.noun}")
    for name, amount in c.effects.items():
        if name not in COMPETENCIES:
            report.add(where, f"effect {quote(name)} is not a competency")
        elif not EFFECT_MIN <= amount <= EFFECT_MAX:
            report.add(where, f"effect {quote(name)} must be between {EFFECT_MIN} and "
                       f"{EFFECT_MAX}, not {_short(amount)}")


def _short(amount: int) -> str:
    """A number as written, cut short when it is very long."""
    text = str(amount)
    return text if len(text) <= 12 else f"{text[:8]}… ({len(text.lstrip('-'))} digits)"


def _check_graph(s: Scenario, report: Report) -> None:
    gotos_read = not any(report.unread(c.goto) for n in s.nodes.values() for c in n.choices)
    if s.start in s.nodes and gotos_read:
        seen = reachable(s)
        for key in s.nodes:
            if key not in seen:
                report.add(report.node(key), f"unreachable from start {quote(s.start)}")
    succ = successors(s)
    for group in cyclic_components(succ):
        path = " -> ".join(quote(k) for k in find_cycle(group, succ))
        report.add(f"{report.noun} {path}", "cycle")


def _check_success(s: Scenario, report: Report) -> None:
    """A run is scored against the best path to a success ending: one must exist."""
    endings = [n.ending for n in s.nodes.values() if n.ending is not None]
    if s.nodes and "success" not in endings and "" not in endings:  # "": unread
        report.add("file", f"no success ending: at least one {report.noun} must end with "
                   f"ending 'success' (runs are scored against the best path to one)")


def graph_problems(s: Scenario) -> dict[str, list[str]]:
    """Node key -> problem kinds (unreachable, dead_end, dangling, cycle); clean nodes omitted."""
    seen = reachable(s)
    on_cycle = {key for group in cyclic_components(successors(s)) for key in group}
    kinds: dict[str, list[str]] = {}
    for key, node in s.nodes.items():
        flags = {
            "unreachable": key not in seen,
            "dead_end": node.ending is None and not node.choices,
            "dangling": any(c.goto not in s.nodes for c in node.choices),
            "cycle": key in on_cycle,
        }
        if found := [kind for kind, bad in flags.items() if bad]:
            kinds[key] = found
    return kinds
