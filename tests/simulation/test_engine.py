from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trainer.simulation.engine import (
    InvalidChoice,
    RunFinished,
    Step,
    advance,
    best_sums,
    current_node,
    debrief,
    max_depth,
    mean_percent,
    outcome,
    paths_to_endings,
    score_path,
    scored_competencies,
)
from trainer.simulation.graph import Choice, Node, Scenario
from trainer.simulation.validate import parse_yaml

from .strategies import all_paths, oracle_worth, scenarios

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def noise() -> Scenario:
    scenario, problems = parse_yaml(
        (FIXTURES / "noise.yml").read_text(encoding="utf-8"), "noise.yml", "noise"
    )
    assert problems == []
    return scenario


def test_run_starts_at_the_start_node(noise):
    assert current_node(noise, []).key == "arrive"
    assert outcome(noise, []) is None


def test_choice_moves_to_next_node_and_returns_the_choice(noise):
    node, choice = advance(noise, [], "scold")
    assert node.key == "escalate"
    assert choice.feedback == "命令式的语气容易激化矛盾。"


def test_replayed_choices_lead_to_the_same_node(noise):
    assert current_node(noise, ["scold", "apologise"]).key == "listen"


def test_outcome_is_the_ending_reached(noise):
    assert outcome(noise, ["listen", "agree"]) == "success"
    assert outcome(noise, ["scold", "leave"]) == "partial"


def test_choice_not_offered_here_is_refused(noise):
    with pytest.raises(InvalidChoice, match="'agree' is not offered at node 'arrive'"):
        advance(noise, [], "agree")
    with pytest.raises(InvalidChoice):
        current_node(noise, ["listen", "nonsense"])


def test_choice_after_an_ending_is_refused(noise):
    with pytest.raises(RunFinished):
        advance(noise, ["listen", "agree"], "listen")
    with pytest.raises(RunFinished):
        score_path(noise, ["listen", "agree", "listen"])


def test_best_sums_take_the_best_path_per_competency(noise):
    assert best_sums(noise) == {"communication": 2, "mediation": 4}


def test_best_path_scores_full_marks(noise):
    assert score_path(noise, ["listen", "agree"]) == {"communication": 100.0, "mediation": 100.0}


def test_score_is_a_percent_of_the_best_sum(noise):
    assert score_path(noise, ["scold", "apologise", "agree"]) == {
        "communication": 0.0,
        "mediation": 75.0,
    }


def test_negative_sum_is_floored_at_zero(noise):
    assert score_path(noise, ["scold", "leave"]) == {"communication": 0.0, "mediation": 0.0}


def line(*effects: dict[str, int], ending: str = "success") -> Scenario:
    """A one-path scenario n0 -> n1 -> ... whose choices carry these effects."""
    nodes = {
        f"n{i}": Node(f"n{i}", "", (Choice("go", "go", f"n{i + 1}", e),))
        for i, e in enumerate(effects)
    }
    last = f"n{len(effects)}"
    nodes[last] = Node(last, "", (), ending)
    return Scenario("line", "Line", None, "", (), "n0", nodes)


def fork(left: dict[str, int], right: dict[str, int]) -> Scenario:
    nodes = {
        "a": Node("a", "", (Choice("l", "L", "z", left), Choice("r", "R", "z", right))),
        "z": Node("z", "", (), "success"),
    }
    return Scenario("fork", "Fork", None, "", (), "a", nodes)


def test_percent_is_rounded_to_one_decimal():
    s = fork({"mediation": 1}, {"mediation": 3})
    assert score_path(s, ["l"]) == {"mediation": 33.3}


def test_competency_no_path_can_raise_is_left_out():
    s = line({"public_opinion": -2, "mediation": 1})
    assert best_sums(s) == {"mediation": 1, "public_opinion": -2}
    assert score_path(s, ["go"]) == {"mediation": 100.0}


def test_unfinished_run_ahead_of_later_losses_is_capped_at_100():
    s = line({"mediation": 5}, {"mediation": -3})
    assert score_path(s, ["go"]) == {"mediation": 100.0}
    assert score_path(s, ["go", "go"]) == {"mediation": 100.0}


def test_max_depth_is_the_longest_path(noise):
    assert max_depth(noise) == 3
    assert max_depth(line({}, {}, {}, {})) == 4


def test_debrief_names_the_better_choice_at_each_step(noise):
    steps = debrief(noise, ["scold", "leave"])
    assert [(s.node_key, s.choice.key, s.better and s.better.key) for s in steps] == [
        ("arrive", "scold", "listen"),
        ("escalate", "leave", "apologise"),
    ]
    assert steps[0].node_text.startswith("晚上十点")


def test_debrief_of_the_best_run_has_no_better_choice(noise):
    assert [s.better for s in debrief(noise, ["listen", "agree"])] == [None, None]


def test_debrief_counts_what_a_choice_leads_to_not_only_its_effects():
    s = Scenario(
        "s",
        "S",
        None,
        "",
        (),
        "a",
        {
            "a": Node(
                "a",
                "",
                (
                    Choice("greedy", "G", "bad", {"mediation": 2}),
                    Choice("patient", "P", "good", {"mediation": 1}),
                ),
            ),
            "bad": Node("bad", "", (Choice("x", "X", "z", {"mediation": -3}),)),
            "good": Node("good", "", (Choice("y", "Y", "z", {"communication": 2}),)),
            "z": Node("z", "", (), "success"),
        },
    )
    step = debrief(s, ["greedy"])[0]
    assert step == Step("a", "", s.nodes["a"].choices[0], s.nodes["a"].choices[1])


def test_debrief_tie_is_not_a_better_choice():
    s = fork({"mediation": 2}, {"communication": 2})
    assert debrief(s, ["r"])[0].better is None


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.lists(st.integers(0, 10), max_size=20))
def test_any_run_ends_within_as_many_steps_as_nodes(s, picks):
    keys: list[str] = []
    for pick in picks + [0] * len(s.nodes):
        node = current_node(s, keys)
        if node.ending is not None:
            break
        keys.append(node.choices[pick % len(node.choices)].key)
    assert outcome(s, keys) is not None
    assert len(keys) < len(s.nodes)
    assert len(keys) <= max_depth(s)


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.lists(st.integers(0, 10), max_size=10))
def test_scores_stay_between_0_and_100_at_every_step(s, picks):
    keys: list[str] = []
    for pick in picks:
        node = current_node(s, keys)
        if node.ending is not None:
            break
        keys.append(node.choices[pick % len(node.choices)].key)
        assert all(0 <= v <= 100 for v in score_path(s, keys).values())


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_best_sums_match_brute_force_over_every_path(s):
    paths = all_paths(s)
    names = {n for node in s.nodes.values() for c in node.choices for n in c.effects}
    assert best_sums(s) == {
        n: max(sum(c.effects.get(n, 0) for c in p) for p in paths) for n in names
    }
    assert max_depth(s) == max(len(p) for p in paths)


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.data())
def test_path_maximising_a_competency_scores_100_in_it(s, data):
    best = {n: v for n, v in best_sums(s).items() if v > 0}
    assume(best)
    name = data.draw(st.sampled_from(sorted(best)))
    path = max(all_paths(s), key=lambda p: sum(c.effects.get(name, 0) for c in p))
    assert score_path(s, [c.key for c in path])[name] == 100.0


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.data())
def test_better_choice_is_the_best_by_outcome_then_mean_percent(s, data):
    path = data.draw(st.sampled_from(all_paths(s)))
    for i, step in enumerate(debrief(s, [c.key for c in path])):
        offered = s.nodes[step.node_key].choices
        worth = [oracle_worth(s, path[:i], c) for c in offered]
        taken = oracle_worth(s, path[:i], step.choice)
        if step.better is None:
            assert taken == max(worth)
        else:
            assert oracle_worth(s, path[:i], step.better) == max(worth) > taken
            assert offered.index(step.better) == worth.index(max(worth))  # the first
            # never a worse best outcome than the choice taken
            assert worth[offered.index(step.better)][0] >= taken[0]


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_a_run_that_took_the_debriefs_advice_has_nothing_better(s):
    keys: list[str] = []
    while current_node(s, keys).ending is None:
        node = current_node(s, keys)
        step = debrief(s, [*keys, node.choices[0].key])[-1]
        keys.append((step.better or step.choice).key)
    assert all(step.better is None for step in debrief(s, keys))


def test_better_choice_puts_the_outcome_before_the_effects():
    s = Scenario("s", "S", None, "", ("communication", "mediation"), "a", {
        "a": Node("a", "", (Choice("flashy", "F", "lost", {"communication": 5, "mediation": 5}),
                            Choice("steady", "S", "won", {"communication": 1}))),
        "won": Node("won", "", (), "success"),
        "lost": Node("lost", "", (), "failure"),
    })
    assert debrief(s, ["steady"])[0].better is None
    assert debrief(s, ["flashy"])[0].better == s.nodes["a"].choices[1]


def test_better_choice_is_scored_as_on_the_chart_floored_at_zero():
    """A loss below 0 costs no more on the chart than 0: these two paths score the same."""
    s = Scenario("s", "S", None, "", (), "a", {
        "a": Node("a", "", (Choice("x", "X", "z", {"communication": 1}),
                            Choice("y", "Y", "z", {"mediation": 1, "communication": -5}))),
        "z": Node("z", "", (), "success"),
    })
    assert score_path(s, ["y"]) == {"communication": 0.0, "mediation": 100.0}
    assert debrief(s, ["y"])[0].better is None


def test_mean_percent_is_over_the_declared_competencies_that_can_score(noise):
    assert scored_competencies(noise) == ["communication", "mediation"]
    assert mean_percent(noise, ["listen", "agree"]) == 100.0
    assert mean_percent(noise, ["scold", "apologise", "agree"]) == 37.5
    s = line({"public_opinion": -2, "mediation": 1}, {"information": 1})
    assert scored_competencies(s) == ["mediation", "information"]
    assert mean_percent(s, ["go"]) == 50.0


def test_paths_to_endings_reach_every_ending_by_a_shortest_path(noise):
    assert paths_to_endings(noise) == {"resolved": ["listen", "agree"],
                                       "unresolved": ["listen", "report"]}


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_every_ending_has_a_path_that_ends_there(s):
    paths = paths_to_endings(s)
    assert set(paths) == {k for k, n in s.nodes.items() if n.ending is not None}
    for key, path in paths.items():
        assert current_node(s, path).key == key
