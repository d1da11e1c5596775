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


COMPETENCIES = ("可用的能力有：communication（语言沟通）、coordination（协调处理）、"
                "mediation（化解纠纷）、information（信息采集分析）、public_opinion（舆情应对）")
BROKEN = {  # in Chinese, naming the line, the node by key and shortened text, the culprit
    "cycle.yml": ("cycle", "第 7 行，节点「a」（A）：构成循环 「a」（A） → 「b」（B） → "
                  "「a」（A）：学员会一直绕圈，走不到结局"),
    "dangling.yml": ("dangling", "第 11 行，节点「arrive」（到达现场。）的选项「scold」（训斥）："
                     "指向的节点「nowhere」不存在"),
    "unreachable.yml": ("unreachable", "第 11 行，节点「orphan」（没有任何选项通向这里。）："
                        "从起始节点「arrive」（到达现场。）无法到达"),
    "dead_end.yml": ("dead_end", "第 12 行，节点「stuck」（既没有选项，也不是结局。）：死胡同："
                     "既没有选项，也没有标记为结局。若情景在此结束，请写上 ending: success、"
                     "partial 或 failure。"),
    "duplicate_key.yml": ("duplicate_key", "第 11 行，节点「arrive」（到达现场。）的选项「listen」"
                          "（再听一遍）：编号「listen」与这个节点的另一个选项重复"),
    "unknown_effect.yml": ("unknown_competency", "第 10 行，节点「arrive」（到达现场。）的选项"
                           f"「smile」（微笑）：效果「charm」不是能力名称，{COMPETENCIES}"),
}


@pytest.mark.parametrize(("name", "expected"), BROKEN.items())
def test_broken_file_reports_one_problem_naming_node_and_culprit(name, expected):
    code, text = expected
    scenario, problems = load(name)
    assert scenario is None
    assert messages(problems) == [f"{name}：{text}"]
    assert [p.code for p in problems] == [code]


def test_invalid_yaml_reports_its_line():
    scenario, problems = load("bad_yaml.yml")
    assert scenario is None
    assert len(problems) == 1
    assert problems[0].where == "第 11 行"
    assert problems[0].message.startswith("YAML 格式有误：")
    assert problems[0].code == "invalid_yaml"


def test_key_given_twice_in_a_mapping_is_reported_with_its_line():
    original = (FIXTURES / "noise.yml").read_text(encoding="utf-8")
    text = original + "  resolved:\n    ending: failure\n    text: again\n"
    _, problems = parse_yaml(text, "f.yml", "f")
    line = len(original.splitlines()) + 1
    assert messages(problems) == [f"f.yml：第 {line} 行：YAML 格式有误：键「resolved」出现了两次"]


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
NODE_A, CHOICE_GO = "第 1 行，节点「a」（A）", "第 1 行，节点「a」（A）的选项「go」（Go）"
MALFORMED = [
    (("version",), 2, "字段「version」：必须是 1"),
    (("version",), None, "字段「version」：必须是 1"),
    (("title",), None, "字段「title」：缺少这个字段"),
    (("title",), " ", "字段「title」：不能为空白"),
    (("title",), ["x"], "字段「title」：应是文字，而不是列表"),
    (("start",), None, "字段「start」：缺少这个字段"),
    (("nodes",), None, "字段「nodes」：缺少这个字段"),
    (("nodes",), {}, "字段「nodes」：不能为空"),
    (("nodes",), ["a"], "字段「nodes」：应是映射，而不是列表"),
    (("department",), " ", "字段「department」：不能为空白"),
    (("competencies",), "mediation", "字段「competencies」：应是列表，而不是文字"),
    (("competencies",), [1], "字段「competencies」：应是能力名称的列表"),
    (("competencies",), ["charm"], f"字段「competencies」：「charm」不是能力名称，{COMPETENCIES}"),
    (("colour",), "red", "字段「colour」：没有这个字段，请检查拼写；可用的字段有：version、title、"
     "department、summary、competencies、start、nodes"),
    ((*A, "text"), None, "第 1 行，节点「a」的字段「text」：缺少这个字段"),
    ((*A, "choices"), {"go": "z"}, f"{NODE_A}的字段「choices」：应是列表，而不是映射"),
    ((*GO, "goto"), None, f"{CHOICE_GO}的字段「goto」：缺少这个字段"),
    ((*GO, "label"), None, f"{NODE_A}的选项「go」的字段「label」：缺少这个字段"),
    ((*GO, "key"), None, f"{NODE_A}的第 1 个选项的字段「key」：缺少这个字段"),
    ((*GO, "goto"), 7, f"{CHOICE_GO}的字段「goto」：应是文字，而不是数字"),
    ((*GO, "effects"), {"mediation": 1.5}, f"{CHOICE_GO}的字段「effects」："
     "效果「mediation」的分值必须是整数，而不是数字"),
    ((*GO, "effects"), {"mediation": "2"}, f"{CHOICE_GO}的字段「effects」："
     "效果「mediation」的分值必须是整数，而不是文字"),
    (GO, "go", f"{NODE_A}的第 1 个选项：应是包含 key、label 和 goto 的映射，而不是文字"),
    (("nodes", "z", "ending"), "win", "第 1 行，节点「z」（Z）：结局「win」无效，只能是 success、"
     "partial、failure 之一"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "expected"), MALFORMED)
def test_malformed_field_is_reported_where_it_is(path, value, expected):
    scenario, problems = parse_doc(with_(path, value))
    assert scenario is None
    assert messages(problems) == [f"f.yml：{expected}"]  # and no echo from the graph rules


def test_effect_given_as_true_is_not_a_number():
    doc = with_(("nodes", "a", "choices", 0, "effects"), {"mediation": True})
    _, problems = parse_doc(doc)
    assert [p.message for p in problems] == [
        "效果「mediation」的分值必须是整数，而不是真假值（true/false）"
    ]


def test_node_key_that_yaml_reads_as_boolean_asks_for_quotes():
    text = json.dumps(MINIMAL).replace('"z"', '"yes"')
    _, problems = parse_yaml(text.replace('"yes":', "yes:"), "f.yml", "f")
    assert "节点名 True 必须是文字（请加上引号）" in [p.message for p in problems]


def test_department_must_be_known_when_departments_are_given():
    _, problems = parse_doc(MINIMAL, {"health", "fire"})
    assert messages(problems) == [
        "f.yml：字段「department」：未知的部门「civil-affairs」，可用的部门有：fire、health"
    ]


def test_document_that_is_not_a_mapping_is_reported():
    scenario, problems = parse_yaml("- just\n- a list\n", "f.yml", "f")
    assert scenario is None
    assert problems[0].where == "" and problems[0].code == "not_a_mapping"
    assert str(problems[0]) == "f.yml：整个文件应是“字段: 值”的映射，而不是列表"


def test_each_node_and_choice_is_named_by_its_own_line():
    text = (FIXTURES / "noise.yml").read_text(encoding="utf-8").replace(
        "goto: escalate", "goto: nowhere")
    lines = text.splitlines()
    _, problems = parse_yaml(text, "noise.yml", "noise")
    dangling = next(p for p in problems if p.code == "dangling")
    line = int(dangling.where.split(" ")[1])
    assert lines[line - 1].lstrip().startswith("- key: scold")
    unreachable = next(p for p in problems if p.code == "unreachable")
    escalate = lines.index("  escalate:") + 1
    assert unreachable.where.startswith(f"第 {escalate} 行，节点「escalate」")


def scenario_with(**nodes: Node) -> Scenario:
    return Scenario("s", "T", None, "", (), "a", dict(nodes))


def node(key, *gotos, ending=None, effects=None):
    choices = tuple(Choice(g, g, g, effects or {}) for g in gotos)
    return Node(key, key, choices, ending)


def test_ending_with_choices_is_a_problem():
    s = scenario_with(a=node("a", "b"), b=node("b", "z", ending="success"),
                      z=node("z", ending="failure"))
    assert messages(validate(s, "f")) == ["f：节点「b」：结局（success）不能有选项，这里却有 1 个"]


def test_start_node_that_is_an_ending_is_refused():
    s = scenario_with(a=node("a", ending="success"))
    assert messages(validate(s, "f")) == [
        "f：节点「a」：起始节点不能是结局（success）：学员一开始就需要有选项可选"
    ]
    doc = with_(("start",), "z")
    del doc["nodes"]["a"]
    assert messages(parse_doc(doc)[1]) == [
        "f.yml：第 1 行，节点「z」（Z）：起始节点不能是结局（success）：学员一开始就需要有选项可选"
    ]


def test_missing_start_is_reported_on_the_start_field():
    s = replace(scenario_with(a=node("a", ending="success")), start="nope")
    assert messages(validate(s, "f")) == ["f：字段「start」：起始节点「nope」不存在"]


def test_self_loop_is_a_cycle():
    s = scenario_with(a=node("a", "a", "z"), z=node("z", ending="success"))
    assert messages(validate(s, "f")) == [
        "f：节点「a」：构成循环 「a」 → 「a」：学员会一直绕圈，走不到结局"]


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
        "f：节点「b」：构成循环 「b」 → 「b2」 → 「b」：学员会一直绕圈，走不到结局",
        "f：节点「c」：构成循环 「c」 → 「c2」 → 「c」：学员会一直绕圈，走不到结局",
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
    assert str(Problem("s.yml", "字段「start」", "缺少这个字段")) == \
        "s.yml：字段「start」：缺少这个字段"
    assert str(Problem("s.yml", "", "不是 UTF-8 文本")) == "s.yml：不是 UTF-8 文本"


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
        "f.yml：字段「titel」：没有这个字段，请检查拼写；可用的字段有：version、title、department、"
        "summary、competencies、start、nodes",
        "f.yml：第 1 行，节点「a」（A）的选项「lost」（L）：指向的节点「nowhere」不存在",
        "f.yml：第 1 行，节点「stuck」（S）：死胡同：既没有选项，也没有标记为结局。若情景在此结束，"
        "请写上 ending: success、partial 或 failure。",
        "f.yml：第 1 行，节点「stuck」（S）：从起始节点「a」（A）无法到达",
        "f.yml：第 1 行，节点「a」（A）：构成循环 「a」（A） → 「b」（B） → 「a」（A）："
        "学员会一直绕圈，走不到结局",
    ]
    assert [p.code for p in problems] == ["unknown_field", "dangling", "dead_end",
                                          "unreachable", "cycle"]


def test_graph_problems_beside_unreadable_fields_do_not_echo_them():
    doc = json.loads(json.dumps(MINIMAL))
    doc["nodes"]["a"]["choices"].append("oops")  # unreadable choice: no dangling '' goto
    doc["nodes"]["b"] = 7  # unreadable node: gotos to it resolve, no dead end
    doc["nodes"]["a"]["choices"].append({"key": "b", "label": "B", "goto": "b"})
    doc["nodes"]["c"] = {"text": "C", "choices": [{"key": "x", "label": "X", "goto": "gone"}]}
    _, problems = parse_doc(doc)
    assert messages(problems) == [
        "f.yml：第 1 行，节点「a」（A）的第 2 个选项：应是包含 key、label 和 goto 的映射，"
        "而不是文字",
        "f.yml：第 1 行，节点「b」：应是“字段: 值”的映射，而不是数字",
        "f.yml：第 1 行，节点「c」（C）的选项「x」（X）：指向的节点「gone」不存在",
    ]


DEEP_BLOCK = "\n".join(" " * i + "a:" for i in range(3000))


@pytest.mark.parametrize("text", ["[" * 5000, "title: " + "{a: " * 2000, DEEP_BLOCK])
def test_deeply_nested_yaml_is_one_problem_not_a_crash(text):
    scenario, problems = parse_yaml(text, "deep.yml", "deep")
    assert scenario is None
    assert [str(p) for p in problems] == ["deep.yml：YAML 格式有误：列表或映射嵌套太深"]


def test_integer_too_long_for_python_is_one_problem_not_a_crash():
    text = json.dumps(MINIMAL).replace('"label": "Go"',
                                       '"label": "Go", "effects": {"mediation": %s}' % ("9" * 5000))
    scenario, problems = parse_yaml(text, "f.yml", "f")
    assert scenario is None
    assert messages(problems) == [
        "f.yml：YAML 格式有误：有一个值无法读取（数字位数太多，或日期不存在）"
    ]


@pytest.mark.parametrize(("amount", "shown"), [(11, "11"), (-11, "-11"),
                                               (10**400, "10000000…（共 401 位）")],
                         ids=["11", "-11", "401-digits"])
def test_effect_out_of_range_names_file_node_choice_and_effect(amount, shown):
    doc = with_((*GO, "effects"), {"mediation": amount, "communication": 10})
    scenario, problems = parse_doc(doc)
    assert scenario is None
    assert messages(problems) == [
        f"f.yml：{CHOICE_GO}：效果「mediation」的分值须在 -10 到 10 之间，这里是 {shown}"
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
        "f：没有成功结局：至少要有一个节点是成功结局（得分以通向成功结局的最佳路径为准）"
    ]
    doc = with_(("nodes", "z", "ending"), "partial")
    assert [p.code for p in parse_doc(doc)[1]] == ["no_success"]
