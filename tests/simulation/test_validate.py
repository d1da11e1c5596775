import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings

from trainer.simulation.graph import (
    Choice,
    Node,
    Problem,
    Scenario,
    dump_yaml,
    scenario_from_dict,
    scenario_to_dict,
)
from trainer.simulation.validate import graph_problems, parse_yaml, validate

from .strategies import DEPARTMENTS, scenarios

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str, departments: set[str] | None = None):
    path = FIXTURES / name
    return parse_yaml(path.read_text(encoding="utf-8"), name, path.stem, departments)


def messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_valid_scenario_loads_with_every_field():
    scenario, problems = load("noise.yml", set(DEPARTMENTS))
    assert problems == []
    assert scenario.slug == "noise"
    assert scenario.department == "civil-affairs"
    assert scenario.competencies == ("communication", "mediation")
    assert scenario.start == "arrive"
    assert list(scenario.nodes) == ["arrive", "listen", "escalate", "resolved", "unresolved"]
    listen = scenario.nodes["arrive"].choices[0]
    assert listen == Choice(
        "listen",
        "先分别听双方说清楚",
        "listen",
        {"communication": 2, "mediation": 1},
        "先让双方把话说完，情绪才会降下来。",
    )
    assert scenario.nodes["resolved"].ending == "success"
    assert scenario.nodes["arrive"].text.startswith("晚上十点")


BROKEN = {
    "cycle.yml": "node 'a' -> 'b' -> 'a': cycle",
    "dangling.yml": "node 'arrive', choice 'scold': goto 'nowhere' is not a node",
    "unreachable.yml": "node 'orphan': unreachable from start 'arrive'",
    "dead_end.yml": "node 'stuck': dead end: no choices and no ending",
    "duplicate_key.yml": "node 'arrive', choice 'listen': duplicate key 'listen' in this node",
    "unknown_effect.yml": "node 'arrive', choice 'smile': effect 'charm' is not a competency",
}


@pytest.mark.parametrize(("name", "expected"), BROKEN.items())
def test_broken_file_reports_one_problem_naming_node_and_culprit(name, expected):
    scenario, problems = load(name)
    assert scenario is None
    assert messages(problems) == [f"{name}: {expected}"]


def test_invalid_yaml_reports_its_line():
    scenario, problems = load("bad_yaml.yml")
    assert scenario is None
    assert len(problems) == 1
    assert problems[0].where == "line 11"
    assert problems[0].message.startswith("invalid YAML")


def test_key_given_twice_in_a_mapping_is_reported_with_its_line():
    original = (FIXTURES / "noise.yml").read_text(encoding="utf-8")
    text = original + "  resolved:\n    ending: failure\n    text: again\n"
    _, problems = parse_yaml(text, "f.yml", "f")
    line = len(original.splitlines()) + 1
    assert messages(problems) == [f"f.yml: line {line}: invalid YAML: duplicate key 'resolved'"]


MINIMAL = {
    "version": 1,
    "title": "T",
    "department": "civil-affairs",
    "start": "a",
    "nodes": {
        "a": {"text": "A", "choices": [{"key": "go", "label": "Go", "goto": "z"}]},
        "z": {"text": "Z", "ending": "success"},
    },
}


def parse_doc(doc, departments=None):
    return parse_yaml(json.dumps(doc, ensure_ascii=False), "f.yml", "f", departments)


def test_minimal_scenario_defaults_optional_fields():
    scenario, problems = parse_doc(MINIMAL)
    assert problems == []
    assert scenario.summary == ""
    assert scenario.competencies == ()
    assert scenario.nodes["a"].choices[0] == Choice("go", "Go", "z", {}, "")


def with_(path: tuple, value):
    doc = json.loads(json.dumps(MINIMAL))
    *parents, last = path
    target = doc
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return doc


A, GO = ("nodes", "a"), ("nodes", "a", "choices", 0)
MALFORMED = [
    (("version",), 2, "field 'version': must be 1"),
    (("version",), None, "field 'version': must be 1"),
    (("title",), None, "field 'title': missing"),
    (("title",), " ", "field 'title': must not be blank"),
    (("title",), ["x"], "field 'title': must be text, not a list"),
    (("start",), None, "field 'start': missing"),
    (("nodes",), None, "field 'nodes': missing"),
    (("nodes",), {}, "field 'nodes': must not be empty"),
    (("nodes",), ["a"], "field 'nodes': must be a mapping, not a list"),
    (("department",), " ", "field 'department': must not be blank"),
    (("competencies",), "mediation", "field 'competencies': must be a list, not text"),
    (("competencies",), [1], "field 'competencies': must be a list of competency names"),
    (("competencies",), ["charm"], "field 'competencies': 'charm' is not a competency"),
    (("colour",), "red", "field 'colour': unknown field; expected version, title, department, "
     "summary, competencies, start, nodes"),
    ((*A, "text"), None, "node 'a', field 'text': missing"),
    ((*A, "choices"), {"go": "z"}, "node 'a', field 'choices': must be a list, not a mapping"),
    ((*GO, "goto"), None, "node 'a', choice 'go', field 'goto': missing"),
    ((*GO, "label"), None, "node 'a', choice 'go', field 'label': missing"),
    ((*GO, "key"), None, "node 'a', choice #1, field 'key': missing"),
    ((*GO, "goto"), 7, "node 'a', choice 'go', field 'goto': must be text, not a number"),
    ((*GO, "effects"), {"mediation": 1.5}, "node 'a', choice 'go', field 'effects': "
     "effect 'mediation' must be a whole number, not a number"),
    ((*GO, "effects"), {"mediation": "2"}, "node 'a', choice 'go', field 'effects': "
     "effect 'mediation' must be a whole number, not text"),
    (GO, "go", "node 'a', choice #1: must be a mapping with key, label and goto, not text"),
    (("nodes", "z", "ending"), "win", "node 'z': ending 'win' is not one of success, partial, "
     "failure"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "expected"), MALFORMED)
def test_malformed_field_is_reported_where_it_is(path, value, expected):
    scenario, problems = parse_doc(with_(path, value))
    assert scenario is None
    assert messages(problems) == [f"f.yml: {expected}"]  # and no echo from the graph rules


def test_effect_given_as_true_is_not_a_number():
    doc = with_(("nodes", "a", "choices", 0, "effects"), {"mediation": True})
    _, problems = parse_doc(doc)
    assert [p.message for p in problems] == [
        "effect 'mediation' must be a whole number, not true/false"
    ]


def test_node_key_that_yaml_reads_as_boolean_asks_for_quotes():
    text = json.dumps(MINIMAL).replace('"z"', '"yes"')
    _, problems = parse_yaml(text.replace('"yes":', "yes:"), "f.yml", "f")
    assert "node key True must be text (put it in quotes)" in [p.message for p in problems]


def test_department_must_be_known_when_departments_are_given():
    _, problems = parse_doc(MINIMAL, {"health", "fire"})
    assert messages(problems) == [
        "f.yml: field 'department': unknown department 'civil-affairs'; known: fire, health"
    ]


def test_document_that_is_not_a_mapping_is_reported():
    scenario, problems = parse_yaml("- just\n- a list\n", "f.yml", "f")
    assert scenario is None
    assert problems[0].where == "file"


def scenario_with(**nodes: Node) -> Scenario:
    return Scenario("s", "T", None, "", (), "a", dict(nodes))


def node(key, *gotos, ending=None, effects=None):
    choices = tuple(Choice(g, g, g, effects or {}) for g in gotos)
    return Node(key, key, choices, ending)


def test_ending_with_choices_is_a_problem():
    s = scenario_with(a=node("a", "b"), b=node("b", "z", ending="success"),
                      z=node("z", ending="failure"))
    assert messages(validate(s, "f")) == [
        "f: node 'b': ending 'success' has choices; an ending has none"
    ]


def test_start_node_that_is_an_ending_is_refused():
    s = scenario_with(a=node("a", ending="success"))
    assert messages(validate(s, "f")) == [
        "f: node 'a': the start node is an ending ('success'); a run must offer a first choice"
    ]
    doc = with_(("start",), "z")
    del doc["nodes"]["a"]
    assert messages(parse_doc(doc)[1]) == [
        "f.yml: node 'z': the start node is an ending ('success'); a run must offer a first "
        "choice"
    ]


def test_missing_start_is_reported_on_the_start_field():
    s = replace(scenario_with(a=node("a", ending="success")), start="nope")
    assert messages(validate(s, "f")) == ["f: field 'start': start 'nope' is not a node"]


def test_self_loop_is_a_cycle():
    s = scenario_with(a=node("a", "a", "z"), z=node("z", ending="success"))
    assert messages(validate(s, "f")) == ["f: node 'a' -> 'a': cycle"]


def test_two_separate_cycles_are_each_reported_once():
    s = scenario_with(
        a=node("a", "b", "c"),
        b=node("b", "b2"),
        b2=node("b2", "b", "z"),
        c=node("c", "c2"),
        c2=node("c2", "c", "z"),
        z=node("z", ending="partial"),
    )
    assert messages(validate(s, "f")) == [
        "f: node 'b' -> 'b2' -> 'b': cycle",
        "f: node 'c' -> 'c2' -> 'c': cycle",
    ]


def test_graph_problems_flag_each_kind_on_its_node():
    s = scenario_with(
        a=node("a", "b", "gone", "dead"),
        b=node("b", "a"),
        dead=node("dead"),
        lost=node("lost", ending="success"),
    )
    assert graph_problems(s) == {
        "a": ["dangling", "cycle"],
        "b": ["cycle"],
        "dead": ["dead_end"],
        "lost": ["unreachable"],
    }


def test_graph_problems_empty_for_valid_scenario():
    scenario, _ = load("noise.yml")
    assert graph_problems(scenario) == {}


def test_problem_prints_as_one_line():
    assert str(Problem("s.yml", "field 'start'", "missing")) == "s.yml: field 'start': missing"


def test_dump_writes_the_design_layout():
    scenario, _ = load("noise.yml")
    text = dump_yaml(scenario)
    assert text.startswith("version: 1\ntitle: 深夜噪音引发的邻里纠纷\n")
    assert "    text: |\n      晚上十点" in text
    assert "      effects: {communication: 2, mediation: 1}\n" in text


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_generated_scenario_is_valid(s):
    assert validate(s, "g") == []
    assert graph_problems(s) == {}


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_dict_round_trip_is_lossless_through_json(s):
    stored = json.loads(json.dumps(scenario_to_dict(s)))
    assert scenario_from_dict(stored) == s
    assert list(scenario_from_dict(stored).nodes) == list(s.nodes)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_yaml_round_trip_is_lossless(s):
    assert parse_yaml(dump_yaml(s), "g.yml", s.slug, set(DEPARTMENTS)) == (s, [])


def test_graph_problems_are_reported_beside_a_field_typo():
    doc = json.loads(json.dumps(MINIMAL))
    doc["titel"] = "typo"
    doc["nodes"]["a"]["choices"].append({"key": "lost", "label": "L", "goto": "nowhere"})
    doc["nodes"]["a"]["choices"].append({"key": "loop", "label": "L", "goto": "b"})
    doc["nodes"]["b"] = {"text": "B", "choices": [{"key": "back", "label": "B", "goto": "a"}]}
    doc["nodes"]["stuck"] = {"text": "S"}
    scenario, problems = parse_doc(doc)
    assert scenario is None
    assert messages(problems) == [
        "f.yml: field 'titel': unknown field; expected version, title, department, summary, "
        "competencies, start, nodes",
        "f.yml: node 'a', choice 'lost': goto 'nowhere' is not a node",
        "f.yml: node 'stuck': dead end: no choices and no ending",
        "f.yml: node 'stuck': unreachable from start 'a'",
        "f.yml: node 'a' -> 'b' -> 'a': cycle",
    ]


def test_graph_problems_beside_unreadable_fields_do_not_echo_them():
    doc = json.loads(json.dumps(MINIMAL))
    doc["nodes"]["a"]["choices"].append("oops")  # unreadable choice: no dangling '' goto
    doc["nodes"]["b"] = 7  # unreadable node: gotos to it resolve, no dead end
    doc["nodes"]["a"]["choices"].append({"key": "b", "label": "B", "goto": "b"})
    doc["nodes"]["c"] = {"text": "C", "choices": [{"key": "x", "label": "X", "goto": "gone"}]}
    _, problems = parse_doc(doc)
    assert messages(problems) == [
        "f.yml: node 'a', choice #2: must be a mapping with key, label and goto, not text",
        "f.yml: node 'b': must be a mapping, not a number",
        "f.yml: node 'c', choice 'x': goto 'gone' is not a node",
    ]


DEEP_BLOCK = "\n".join(" " * i + "a:" for i in range(3000))


@pytest.mark.parametrize("text", ["[" * 5000, "title: " + "{a: " * 2000, DEEP_BLOCK])
def test_deeply_nested_yaml_is_one_problem_not_a_crash(text):
    scenario, problems = parse_yaml(text, "deep.yml", "deep")
    assert scenario is None
    assert len(problems) == 1 and str(problems[0]).startswith("deep.yml: ")
    assert "invalid YAML" in problems[0].message


def test_integer_too_long_for_python_is_one_problem_not_a_crash():
    text = json.dumps(MINIMAL).replace('"label": "Go"',
                                       '"label": "Go", "effects": {"mediation": %s}' % ("9" * 5000))
    scenario, problems = parse_yaml(text, "f.yml", "f")
    assert scenario is None
    assert messages(problems) == [
        "f.yml: file: invalid YAML: a value cannot be read (a number with too many digits, "
        "or an impossible date)"
    ]


@pytest.mark.parametrize(("amount", "shown"), [(11, "11"), (-11, "-11"),
                                               (10**400, "10000000… (401 digits)")],
                         ids=["11", "-11", "401-digits"])
def test_effect_out_of_range_names_file_node_choice_and_effect(amount, shown):
    doc = with_((*GO, "effects"), {"mediation": amount, "communication": 10})
    scenario, problems = parse_doc(doc)
    assert scenario is None
    assert messages(problems) == [
        f"f.yml: node 'a', choice 'go': effect 'mediation' must be between -10 and 10, not {shown}"
    ]
    assert parse_doc(with_((*GO, "effects"), {"mediation": -10}))[1] == []


def test_department_may_be_left_out_like_a_twee_file():
    scenario, problems = parse_doc(with_(("department",), None), {"civil-affairs"})
    assert problems == [] and scenario.department is None
    assert "department" not in dump_yaml(scenario)
    assert parse_yaml(dump_yaml(scenario), "f.yml", "f", {"civil-affairs"}) == (scenario, [])


def test_twee_import_exports_to_yaml_that_loads_again():
    from trainer.simulation.twee import parse_twee

    story, problems = parse_twee((FIXTURES / "parking.twee").read_text(encoding="utf-8"),
                                 "parking.twee", "parking")
    assert problems == [] and story.department is None
    again, problems = parse_yaml(dump_yaml(story), "parking.yml", "parking", set(DEPARTMENTS))
    assert problems == []
    assert again == story


def test_a_scenario_without_a_success_ending_is_refused():
    s = scenario_with(a=node("a", "b", "c"), b=node("b", ending="partial"),
                      c=node("c", ending="failure"))
    assert messages(validate(s, "f")) == [
        "f: file: no success ending: at least one node must end with ending 'success' (runs "
        "are scored against the best path to one)"
    ]
    doc = with_(("nodes", "z", "ending"), "partial")
    assert "f.yml: file: no success ending" in "\n".join(messages(parse_doc(doc)[1]))
