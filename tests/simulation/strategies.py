"""Hypothesis strategies: random valid scenarios and an independent path oracle."""

from fractions import Fraction

from hypothesis import strategies as st

from trainer.simulation.graph import COMPETENCIES, ENDINGS, Choice, Node, Scenario

DEPARTMENTS = (
    "organisation",
    "public-security",
    "civil-affairs",
    "law-enforcement",
    "emergency",
    "health",
    "environment",
    "market-regulation",
    "human-resources",
    "fire",
)

words = st.text(min_size=1, max_size=12).filter(lambda t: t.strip() != "")
prose = st.text(max_size=40)
effects = st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(-5, 5), max_size=3)


@st.composite
def edges(draw: st.DrawFn, size: int) -> dict[int, list[int]]:
    """Forward-only edges where every node after the first has a parent before it."""
    out: dict[int, list[int]] = {i: [] for i in range(size)}
    for child in range(1, size):
        out[draw(st.integers(0, child - 1))].append(child)
    for i in range(size - 1):
        out[i] += draw(st.lists(st.integers(i + 1, size - 1), max_size=2))
        out[i] = draw(st.permutations(out[i]))
    return out


@st.composite
def scenarios(draw: st.DrawFn, max_nodes: int = 8) -> Scenario:
    """A valid scenario: nodes in topological order, every node reachable from the first."""
    size = draw(st.integers(2, max_nodes))  # the start is never an ending
    keys = draw(st.lists(words, min_size=size, max_size=size, unique=True))
    graph = draw(edges(size))
    nodes = {}
    for i, key in enumerate(keys):
        n = len(graph[i])
        choice_keys = draw(st.lists(words, min_size=n, max_size=n, unique=True))
        choices = tuple(
            Choice(ck, draw(words), keys[j], draw(effects), draw(prose))
            for ck, j in zip(choice_keys, graph[i], strict=True)
        )
        ending = None if choices else draw(st.sampled_from(ENDINGS))
        nodes[key] = Node(key, draw(prose), choices, ending)
    return Scenario(
        slug="generated",
        title=draw(words),
        department=draw(st.none() | st.sampled_from(DEPARTMENTS)),
        summary=draw(prose),
        competencies=tuple(draw(st.lists(st.sampled_from(COMPETENCIES), unique=True))),
        start=keys[0],
        nodes=nodes,
    )


def all_paths(s: Scenario, key: str | None = None) -> list[list[Choice]]:
    """Every path from `key` (default start) to an ending, by brute force."""
    node = s.nodes[key or s.start]
    if node.ending is not None:
        return [[]]
    return [[c, *rest] for c in node.choices for rest in all_paths(s, c.goto)]


RANK = {"failure": 0, "partial": 1, "success": 2}


def oracle_worth(s: Scenario, prefix: list[Choice], choice: Choice) -> tuple[int, Fraction]:
    """By brute force: the best (outcome rank, mean percent) of any full path that takes
    `prefix`, then `choice`; the mean is over the declared competencies (every effect name
    when none) that some path raises above 0, each floored at 0 as on the chart."""
    paths = all_paths(s)
    names = s.competencies or tuple({n for p in paths for c in p for n in c.effects})
    best = {n: max(sum(c.effects.get(n, 0) for c in p) for p in paths) for n in names}
    names = [n for n in names if best[n] > 0]

    def worth(path: list[Choice]) -> tuple[int, Fraction]:
        node = s.nodes[path[-1].goto]
        mean = sum((Fraction(max(0, sum(c.effects.get(n, 0) for c in path)), best[n])
                    for n in names), Fraction(0))
        return RANK[node.ending], mean / len(names) if names else Fraction(0)

    return max(worth([*prefix, choice, *rest]) for rest in all_paths(s, choice.goto))
