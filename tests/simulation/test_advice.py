"""Scoring warnings of `flask content check`: small fixtures, one warning each."""

from hypothesis import given, settings

from trainer.simulation.advice import scoring_warnings
from trainer.simulation.graph import Choice, Node, Scenario

from .strategies import all_paths, oracle_names, oracle_reference, scenarios


def graph(nodes: dict[str, Node], competencies: tuple[str, ...] = ()) -> Scenario:
    return Scenario("s", "S", None, "", competencies, "a", nodes)


def lines(s: Scenario) -> list[str]:
    return [str(w) for w in scoring_warnings(s, "s.yml")]


WON, LOST = Node("won", "", (), "success"), Node("lost", "", (), "failure")


def test_a_clean_scenario_has_no_warning():
    s = graph({
        "a": Node("a", "", (Choice("listen", "L", "b", {"communication": 2}),
                            Choice("scold", "S", "b", {"communication": -1}))),
        "b": Node("b", "", (Choice("agree", "A", "won", {"mediation": 2}),
                            Choice("leave", "L", "lost", {}))),
        "won": WON, "lost": LOST,
    })
    assert lines(s) == []


def test_a_path_through_a_negative_choice_that_beats_the_reference_is_named():
    s = graph({
        "a": Node("a", "", (Choice("listen", "L", "b", {"communication": 2, "mediation": 2}),
                            Choice("scold", "S", "sorry", {"communication": -1}))),
        "sorry": Node("sorry", "", (Choice("apologise", "A", "b", {"communication": 4}),)),
        "b": Node("b", "", (Choice("agree", "A", "won", {"mediation": 2}),)),
        "won": WON,
    })
    assert lines(s) == [
        "s.yml：能力「communication」：路径 scold → apologise → agree 经过扣分的选项 "
        "节点「a」的「scold」（S），总分却有 3，高于参考路径的 2"
    ]
    assert [w.code for w in scoring_warnings(s, "s.yml")] == ["negative_path_wins"]


def test_equal_to_the_reference_is_no_warning():
    s = graph({
        "a": Node("a", "", (Choice("listen", "L", "won", {"communication": 2}),
                            Choice("scold", "S", "sorry", {"communication": -1}))),
        "sorry": Node("sorry", "", (Choice("apologise", "A", "won", {"communication": 3}),)),
        "won": WON,
    })
    assert lines(s) == []


def test_a_failure_path_counts_too_and_names_every_negative_choice():
    s = graph({
        "a": Node("a", "", (Choice("ok", "O", "won", {"information": 1}),
                            Choice("rush", "R", "b", {"mediation": -2}))),
        "b": Node("b", "", (Choice("snoop", "S", "lost", {"information": 3,
                                                          "communication": -1}),)),
        "won": WON, "lost": LOST,
    })
    [path] = [w for w in lines(s) if "能力「" in w]
    assert path == ("s.yml：能力「information」：路径 rush → snoop 经过扣分的选项 "
                    "节点「a」的「rush」（R）、节点「b」的「snoop」（S），"
                    "总分却有 3，高于参考路径的 1")


def test_a_choice_that_loses_and_gains_points_is_a_bad_move():
    s = graph({
        "a": Node("a", "", (Choice("photo_only", "P", "won",
                                   {"coordination": -2, "information": 1}),
                            Choice("act", "A", "won", {"coordination": 2, "information": 1}))),
        "won": WON,
    })
    assert lines(s) == ["s.yml：节点「a」的选项「photo_only」（P）：错误的选择却得分：它扣分"
                        "（coordination -2），却又加分 information +1"]


def test_a_choice_that_leads_only_to_failure_yet_gains_is_a_bad_move():
    s = graph({
        "a": Node("a", "", (Choice("act", "A", "won", {"coordination": 3}),
                            Choice("wait", "W", "b", {"coordination": 1}))),
        "b": Node("b", "", (Choice("x", "X", "lost", {}), Choice("y", "Y", "lost2", {}))),
        "won": WON, "lost": LOST, "lost2": Node("lost2", "", (), "failure"),
    })
    assert lines(s) == ["s.yml：节点「a」的选项「wait」（W）：错误的选择却得分：它只通向失败结局，"
                        "却加分 coordination +1"]


def test_a_choice_that_may_still_end_well_or_gains_nothing_is_no_bad_move():
    s = graph({
        "a": Node("a", "", (Choice("act", "A", "won", {"coordination": 3}),
                            Choice("risky", "R", "b", {"coordination": 1}),
                            Choice("give_up", "G", "lost", {"coordination": -1}))),
        "b": Node("b", "", (Choice("x", "X", "won", {}), Choice("y", "Y", "lost", {}))),
        "won": WON, "lost": LOST,
    })
    assert lines(s) == []


def test_no_warning_without_a_reference_path():
    s = graph({"a": Node("a", "", (Choice("x", "X", "lost", {"mediation": 1,
                                                             "information": -1}),)),
               "lost": LOST})
    assert lines(s) == []


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_the_negative_path_warning_matches_brute_force(s):
    reference = oracle_reference(s)
    flagged = {w.where for w in scoring_warnings(s, "s.yml") if w.code == "negative_path_wins"}
    expected = set()
    for name in oracle_names(s):
        best = sum(c.effects.get(name, 0) for c in reference)
        dirty = [sum(c.effects.get(name, 0) for c in p) for p in all_paths(s)
                 if any(v < 0 for c in p for v in c.effects.values())]
        if dirty and max(dirty) > best:
            expected.add(f"能力「{name}」")
    assert flagged == expected
