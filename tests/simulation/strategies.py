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
        # the last node is always a leaf: a success ending, so every scenario has one
        ending = None if choices else ("success" if i == size - 1 else
                                       draw(st.sampled_from(ENDINGS)))
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


def oracle_reference(s: Scenario) -> list[Choice] | None:
    """By brute force: of the paths to a success ending, the one with the highest sum of
    all effects, then the fewest choices, then the choice listed first where they part."""
    def index_path(path: list[Choice]) -> list[int]:
        out, node = [], s.nodes[s.start]
        for c in path:
            out.append(node.choices.index(c))
            node = s.nodes[c.goto]
        return out

    wins = [p for p in all_paths(s) if s.nodes[p[-1].goto].ending == "success"]
    if not wins:
        return None
    total = [sum(sum(c.effects.values()) for c in p) for p in wins]
    best = max(total)
    wins = [p for p, t in zip(wins, total, strict=True) if t == best]
    shortest = min(len(p) for p in wins)
    return min((p for p in wins if len(p) == shortest), key=index_path)


def oracle_names(s: Scenario) -> list[str]:
    """The declared competencies, then any other effect name, in COMPETENCIES order."""
    used = {n for node in s.nodes.values() for c in node.choices for n in c.effects}
    return list(s.competencies) + [n for n in COMPETENCIES if n in used
                                   and n not in s.competencies]


def oracle_worth(s: Scenario, prefix: list[Choice], choice: Choice) -> tuple[int, Fraction]:
    """By brute force: the best (outcome rank, mean percent) of any full path that takes
    `prefix`, then `choice`; the mean is over the competencies the reference path raises
    above 0, each percent of the reference's sum floored at 0 and capped at 1."""
    reference = oracle_reference(s) or []
    best = {n: sum(c.effects.get(n, 0) for c in reference) for n in oracle_names(s)}
    names = [n for n in best if best[n] > 0]

    def worth(path: list[Choice]) -> tuple[int, Fraction]:
        node = s.nodes[path[-1].goto]
        mean = sum((min(Fraction(1), Fraction(max(0, sum(c.effects.get(n, 0) for c in path)),
                                                best[n])) for n in names), Fraction(0))
        return RANK[node.ending], mean / len(names) if names else Fraction(0)

    return max(worth([*prefix, choice, *rest]) for rest in all_paths(s, choice.goto))
