"""DESIGN.md's rules for a scenario graph, whatever file format it came from.

Every problem names the file, the line where it is known and the node (its key and its
shortened text, as the visual editor names it), choice, target or effect at fault, so
that `flask content check` can print one line per problem. The words are Chinese through
gettext (`message`, which also works without an app, e.g. in tests and scripts); each
problem carries a ``code`` for callers that must not depend on the wording. Besides
DESIGN.md's list, the start may not be an ending (a run must offer a first choice), some
node must be a success ending (runs are scored against the best path to one) and an
effect lies within EFFECT_MIN..EFFECT_MAX (so a path's sums stay small, whole numbers).

`validate(..., partial=True)` checks a graph read from a file that already has field
problems: there a blank start, choice key, goto or ending stands for a field the reader
could not read and has reported, so it is not reported again, and unreachable nodes are
only reported when every goto was read. Dangling gotos, dead ends, cycles and the like
are reported alongside the field problems.
"""

from dataclasses import dataclass, field

from trainer.quizzes.parse_messages import message as _

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
    reachable,
    short_text,
    successors,
)

# The English names of the competencies (their msgids in the catalog, org.scope's labels).
_COMPETENCY_LABELS = {"communication": "Communication", "coordination": "Coordination",
                      "mediation": "Dispute mediation", "information": "Information collection",
                      "public_opinion": "Public opinion response"}


def named(key: object, text: str = "") -> str:
    """A key as a problem names it: 「key」, with the shortened text beside it when that
    says more than the key."""
    short = short_text(text)
    if short and short != str(key):
        return _("'%(key)s' (%(text)s)", key=key, text=short)
    return _("'%(key)s'", key=key)


def known_competencies() -> str:
    """The competencies a file may name, each with its Chinese name."""
    return _(", ").join(_("%(code)s (%(name)s)", code=code, name=_(_COMPETENCY_LABELS[code]))
                        for code in COMPETENCIES)


def listing(items) -> str:
    return _(", ").join(str(item) for item in items)


@dataclass
class Report:
    """Collects problems for one file; ``twine`` names passages and links instead of nodes
    and choices. ``texts`` and ``lines`` (node key -> its text, its line in the file) and
    ``choice_lines`` ((node key, position) -> line) make the places precise where known."""

    file: str
    twine: bool = False
    problems: list[Problem] = field(default_factory=list)
    partial: bool = False
    dead_end: str | None = None  # the format's own dead-end message (how to mark an ending)
    texts: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    choice_lines: dict[tuple[str, int], int] = field(default_factory=dict)

    def add(self, where: str, problem: str, code: str = "") -> None:
        """Record a problem at a place (`line()`, `node()`, `field()`; "" for the file)."""
        self.problems.append(Problem(self.file, where, problem, code))

    @property
    def noun(self) -> str:
        return _("passage") if self.twine else _("node")

    @property
    def choice_noun(self) -> str:
        return _("link") if self.twine else _("choice")

    def line(self, number: int) -> str:
        return _("line %(line)s", line=number)

    def at_line(self, number: int | None, place: str) -> str:
        return _("line %(line)s, %(place)s", line=number, place=place) if number else place

    def name(self, key: str) -> str:
        """A node named by its key and shortened text."""
        return named(key, self.texts.get(key, ""))

    def node(self, key: str, line: int | None = None) -> str:
        """The place naming a node (with its line when known)."""
        place = (_("passage %(name)s", name=self.name(key)) if self.twine
                 else _("node %(name)s", name=self.name(key)))
        return self.at_line(line or self.lines.get(key), place)

    def choice(self, key: str, choice: str, label: str = "", position: int | None = None) -> str:
        """The place naming a choice of a node: a link by its text, a choice by its key and
        label (the line is the choice's own when known, else its node's)."""
        line = self.choice_lines.get((key, position)) if position is not None else None
        node = self.node(key, line)
        if self.twine:
            return _("%(node)s, link %(name)s", node=node, name=named(label or choice))
        return _("%(node)s, choice %(name)s", node=node, name=named(choice, label))

    def numbered_choice(self, key: str, number: int) -> str:
        node = self.node(key, self.choice_lines.get((key, number - 1)))
        return _("%(node)s, choice number %(number)s", node=node, number=number)

    def field(self, name: str, place: str = "") -> str:
        if place:
            return _("%(place)s, field %(name)s", place=place, name=named(name))
        return _("field %(name)s", name=named(name))

    def unread(self, value: str) -> bool:
        """A blank value the reader has already reported (only for a partial graph)."""
        return self.partial and value == ""


def validate(
    s: Scenario, file: str, *, twine: bool = False, partial: bool = False,
    dead_end: str | None = None, report: Report | None = None,
) -> list[Problem]:
    """Check DESIGN.md's rules for a scenario graph; [] when it is playable. ``dead_end``
    replaces the dead-end message (a format tells how its endings are marked); ``report``
    lends its line numbers (its problems are not repeated)."""
    lines = report.lines if report else {}
    choice_lines = report.choice_lines if report else {}
    report = Report(file, twine, partial=partial, dead_end=dead_end, lines=lines,
                    choice_lines=choice_lines,
                    texts={key: node.text for key, node in s.nodes.items()})
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
            report.add(report.field("competencies"),
                       _("%(name)s is not a competency; the competencies are %(known)s",
                         name=named(name), known=known_competencies()), "unknown_competency")
    if report.unread(s.start):
        return
    if s.start not in s.nodes:
        where = "" if report.twine else report.field("start")  # Twine: no such field
        report.add(where, _("the start %(noun)s %(name)s does not exist",
                                            noun=report.noun, name=named(s.start)),
                   "missing_start")
    elif s.nodes[s.start].ending is not None:
        report.add(report.node(s.start),
                   _("the start %(noun)s is an ending (%(ending)s); a run must offer a "
                     "first %(choice)s", noun=report.noun, ending=s.nodes[s.start].ending,
                     choice=report.choice_noun), "start_is_ending")


def _check_node(s: Scenario, node: Node, report: Report) -> None:
    where = report.node(node.key)
    ending_read = node.ending is not None and not report.unread(node.ending)
    if ending_read and node.ending not in ENDINGS:
        report.add(where, _("ending %(ending)s is not one of %(known)s",
                            ending=named(node.ending), known=listing(ENDINGS)),
                   "unknown_ending")
    if ending_read and node.choices:
        report.add(where, _("an ending (%(ending)s) has no %(choice)s, but this one has %(n)s",
                            ending=node.ending, choice=report.choice_noun,
                            n=len(node.choices)), "ending_with_choices")
    if node.ending is None and not node.choices:
        report.add(where, report.dead_end or _(
            "dead end: no %(choice)s and no ending. If the scenario ends here, give the "
            "node an ending: success, partial or failure.", choice=report.choice_noun),
            "dead_end")
    seen: set[str] = set()
    for position, choice in enumerate(node.choices):
        _check_choice(s, node.key, position, choice, choice.key in seen, report)
        seen.add(choice.key)


def _check_choice(s: Scenario, key: str, position: int, c: Choice, duplicate: bool,
                  report: Report) -> None:
    where = report.choice(key, c.key, c.label, position)
    if duplicate and not report.unread(c.key):
        report.add(where, _("the key %(key)s is used by another %(choice)s of this %(noun)s",
                            key=named(c.key), choice=report.choice_noun, noun=report.noun),
                   "duplicate_key")
    if c.goto not in s.nodes and not report.unread(c.goto):
        report.add(where, _("it leads to %(target)s, but there is no such %(noun)s",
                            target=named(c.goto), noun=report.noun), "dangling")
    for name, amount in c.effects.items():
        if name not in COMPETENCIES:
            report.add(where, _("effect %(name)s is not a competency; the competencies are "
                                "%(known)s", name=named(name), known=known_competencies()),
                       "unknown_competency")
        elif not EFFECT_MIN <= amount <= EFFECT_MAX:
            report.add(where, _("effect %(name)s must lie between %(low)s and %(high)s, not "
                                "%(value)s", name=named(name), low=EFFECT_MIN,
                                high=EFFECT_MAX, value=_short(amount)), "effect_range")


def _short(amount: int) -> str:
    """A number as written, cut short when it is very long."""
    text = str(amount)
    if len(text) <= 12:
        return text
    return _("%(start)s… (%(n)s digits)", start=text[:8], n=len(text.lstrip("-")))


def _check_graph(s: Scenario, report: Report) -> None:
    gotos_read = not any(report.unread(c.goto) for n in s.nodes.values() for c in n.choices)
    if s.start in s.nodes and gotos_read:
        seen = reachable(s)
        for key in s.nodes:
            if key not in seen:
                report.add(report.node(key), _("cannot be reached from the start %(noun)s %(name)s",
                                               noun=report.noun, name=report.name(s.start)),
                           "unreachable")
    succ = successors(s)
    for group in cyclic_components(succ):
        loop = find_cycle(group, succ)
        path = _(" -> ").join(report.name(k) for k in loop)
        report.add(report.node(loop[0]), _(
            "cycle %(path)s: a run could go round it forever and never reach an ending",
            path=path), "cycle")


def _check_success(s: Scenario, report: Report) -> None:
    """A run is scored against the best path to a success ending: one must exist."""
    endings = [n.ending for n in s.nodes.values() if n.ending is not None]
    if s.nodes and "success" not in endings and "" not in endings:  # "": unread
        report.add("", _("no success ending: at least one %(noun)s must be a success ending "
                         "(runs are scored against the best path to one)", noun=report.noun),
                   "no_success")


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
