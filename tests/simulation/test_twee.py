from pathlib import Path

import pytest

from trainer.simulation.engine import reference_sums, score_path
from trainer.simulation.graph import Choice
from trainer.simulation.twee import parse_twee, parse_twine_html

FIXTURES = Path(__file__).parent / "fixtures"


def twee(text: str):
    return parse_twee(text, "s.twee", "s")


def problems_of(text: str) -> list[str]:
    scenario, problems = twee(text)
    assert scenario is None
    return [str(p) for p in problems]


COMPETENCIES = ("可用的能力有：communication（语言沟通）、coordination（协调处理）、"
                "mediation（化解纠纷）、information（信息采集分析）、public_opinion（舆情应对）")
DEAD_END = ("死胡同：这个段落既没有链接，也没有结局。若故事在此结束，请给段落加上标签 "
            "ending:success、ending:partial 或 ending:failure。")


@pytest.fixture
def parking():
    scenario, problems = parse_twee(
        (FIXTURES / "parking.twee").read_text(encoding="utf-8"), "parking.twee", "parking"
    )
    assert problems == []
    return scenario


def test_story_passages_become_nodes_and_special_ones_do_not(parking):
    assert list(parking.nodes) == ["Arrive", "Calm down", "Look up the plate", "Owner {VIP}", "Tow"]
    assert parking.title == "小区停车纠纷"
    assert parking.slug == "parking"
    assert parking.department is None
    assert parking.summary == ""


def test_storydata_start_names_the_start_passage(parking):
    assert parking.start == "Arrive"


def test_every_link_form_becomes_a_choice(parking):
    assert [(c.key, c.label, c.goto) for c in parking.nodes["Arrive"].choices] == [
        ("calm-down", "先安抚张先生", "Calm down"),
        ("look-up-the-plate", "查询车牌信息", "Look up the plate"),
        ("tow", "叫拖车", "Tow"),
    ]
    plain = parking.nodes["Calm down"].choices[0]
    assert (plain.label, plain.goto) == ("Look up the plate", "Look up the plate")


def test_tags_on_a_passage_are_the_effects_of_arriving_there(parking):
    calm, _, tow = parking.nodes["Arrive"].choices
    assert calm == Choice(
        "calm-down", "先安抚张先生", "Calm down", {"communication": 2, "mediation": 1}, ""
    )
    assert tow.effects == {"public_opinion": -2, "communication": -1}
    assert parking.competencies == (
        "communication",
        "coordination",
        "mediation",
        "information",
        "public_opinion",
    )


def test_ending_tag_makes_an_ending(parking):
    assert parking.nodes["Owner {VIP}"].ending == "success"
    assert parking.nodes["Tow"].ending == "failure"
    assert parking.nodes["Arrive"].ending is None


def test_node_text_drops_links_and_keeps_macros_as_text(parking):
    assert parking.nodes["Arrive"].text == (
        "(set: $calm to 0)\n业主张先生的车位被一辆外地车占了，他在物业门口大吵。"
    )
    assert parking.nodes["Calm down"].text.endswith("<<set $calm to 1>>")


def test_imported_story_can_be_scored(parking):
    assert reference_sums(parking)["communication"] == 2
    assert score_path(parking, ["calm-down", "owner-vip"])["communication"] == 100.0


def test_escapes_in_passage_names_are_decoded():
    scenario, problems = twee(
        ":: Start\n[[a [1] {x} b\\c]]\n\n:: a \\[1\\] \\{x\\} b\\\\c [ending:success]\nDone\n"
    )
    assert problems == []
    assert list(scenario.nodes) == ["Start", "a [1] {x} b\\c"]


def test_start_passage_is_the_default_start():
    scenario, problems = twee(":: Start\n[[Go->End]]\n:: End [ending:success]\nBye\n")
    assert problems == []
    assert scenario.start == "Start"
    assert scenario.title == "s"


def test_choice_keys_are_unique_ascii_slugs_with_a_fallback():
    scenario, problems = twee(
        ":: Start\n[[走->回家]]\n[[Go home->Home]]\n[[Run->Home]]\n"
        "[[跑->回家]]\n:: Home [ending:success]\n:: 回家 [ending:failure]\n"
    )
    assert problems == []
    assert [c.key for c in scenario.nodes["Start"].choices] == ["c1", "home", "home-2", "c4"]


def test_setter_and_external_links_are_handled_like_twine():
    scenario, _ = twee(
        ":: Start\n[[Go|End][$x to 1]]\n[[https://example.org]]\n:: End [ending:success]\n"
    )
    assert [(c.label, c.goto) for c in scenario.nodes["Start"].choices] == [("Go", "End")]


def test_unknown_tag_is_a_problem_named_by_passage():
    assert problems_of(":: Start [scary]\n[[End]]\n:: End [ending:success]\n") == [
        "s.twee：第 1 行，段落「Start」：未知的标签「scary」（标签可以是结局，如 ending:success；"
        "或效果，如 communication+2）"
    ]


def test_effect_tag_for_unknown_competency_is_a_problem():
    assert problems_of(":: Start\n[[End]]\n:: End [charm+2 ending:success]\n") == [
        f"s.twee：第 3 行，段落「End」：标签「charm+2」：「charm」不是能力名称，{COMPETENCIES}"
    ]


def test_links_from_an_ending_are_a_problem():
    assert problems_of(":: Start\n[[End]]\n:: End [ending:success]\n[[End]]\n") == [
        "s.twee：第 3 行，段落「End」：结局（success）不能有链接，这里却有 1 个",
        "s.twee：第 3 行，段落「End」：构成循环 「End」 → 「End」：学员会一直绕圈，走不到结局",
    ]


def test_start_passage_that_is_an_ending_is_refused():
    assert problems_of(":: Start [ending:success]\nDone already.\n") == [
        "s.twee：第 1 行，段落「Start」（Done already.）：起始段落不能是结局（success）："
        "学员一开始就需要有链接可选"
    ]


def test_effect_tag_out_of_range_is_refused_without_a_crash():
    huge = "9" * 5000
    assert problems_of(f":: Start\n[[End]]\n:: End [mediation+{huge} ending:success]\n") == [
        f"s.twee：第 3 行，段落「End」：标签「mediation+{huge[:30]}…」：效果值须在 -10 到 10 之间。"
    ]


def test_effect_tag_out_of_range_is_told_at_the_passage_carrying_it():
    text = (":: Start\n[[调解->Mediate]]\n[[回避->Mediate]]\n"
            ":: Mediate [mediation+15]\n[[End]]\n:: End [ending:success]\n")
    assert problems_of(text) == [
        "s.twee：第 4 行，段落「Mediate」：标签「mediation+15」：效果值须在 -10 到 10 之间。"
    ]
    assert problems_of(":: Start\n[[End]]\n:: End [mediation-11 ending:success]\n") == [
        "s.twee：第 3 行，段落「End」：标签「mediation-11」：效果值须在 -10 到 10 之间。"
    ]
    assert twee(":: Start\n[[End]]\n:: End [mediation-10 ending:success]\n")[1] == []


def test_missing_link_target_is_reported_by_passage():
    assert problems_of(":: Start\n[[Go->Nowhere]]\n[[End]]\n:: End [ending:success]\n") == [
        "s.twee：第 2 行，段落「Start」的链接「Go」：指向的段落「Nowhere」不存在"
    ]
    text = ":: Start\n先看看。\n\n[[End]]\n[[走->不存在]]\n:: End [ending:success]\n"
    [problem] = twee(text)[1]
    assert (problem.where, problem.code) == ("第 5 行，段落「Start」（先看看。）的链接「走」",
                                             "dangling")


def test_cycle_and_dead_end_are_reported_by_passage():
    assert problems_of(":: Start\n[[A]]\n:: A\n[[Start]]\n[[B]]\n:: B\nstuck\n") == [
        f"s.twee：第 6 行，段落「B」（stuck）：{DEAD_END}",
        "s.twee：第 1 行，段落「Start」：构成循环 「Start」 → 「A」 → 「Start」：学员会一直绕圈，"
        "走不到结局",
    ]


def test_missing_start_passage_is_reported():
    assert problems_of(":: Begin [ending:success]\n") == [
        "s.twee：起始段落「Start」不存在",
    ]


def test_invalid_storydata_is_reported():
    text = ':: StoryData\n{"start": "A",}\n:: A [ending:success]\n'
    assert problems_of(text)[0] == (
        "s.twee：第 2 行，段落「StoryData」：JSON 格式有误："
        "Expecting property name enclosed in double quotes"
    )


def test_duplicate_passage_name_is_reported():
    text = ":: Start\n[[End]]\n:: End [ending:success]\n:: End [ending:failure]\n"
    assert problems_of(text) == [
        "s.twee：第 4 行，段落「End」：段落名重复（第 3 行已有同名段落），这一段不会导入"]


def test_effects_on_the_start_passage_are_a_problem():
    assert problems_of(":: Start [mediation+1]\n[[End]]\n:: End [ending:success]\n") == [
        "s.twee：第 1 行，段落「Start」：起始段落上的效果标签不会生效（效果在到达某个段落时才计入）"
    ]


def test_twine_html_imports_like_twee():
    text = (FIXTURES / "parking.html").read_text(encoding="utf-8")
    scenario, problems = parse_twine_html(text, "parking.html", "parking")
    assert problems == []
    assert scenario.title == "小区停车纠纷 & 协调"
    assert scenario.start == "Arrive"
    assert list(scenario.nodes) == ["Arrive", "Calm down", "Owner <A>", "Tow"]
    assert scenario.nodes["Arrive"].text == (
        "业主张先生的车位被占了 & 他在物业门口大吵。\n<<if $calm > 0>>他稍微冷静了些。<</if>>"
    )
    contact = scenario.nodes["Calm down"].choices[0]
    assert (contact.key, contact.label, contact.goto) == ("owner-a", "联系车主", "Owner <A>")
    assert contact.effects == {"coordination": 1}
    assert scenario.nodes["Tow"].ending == "failure"


def test_html_without_story_data_is_reported():
    scenario, problems = parse_twine_html("<html><body>hi</body></html>", "x.html", "x")
    assert scenario is None
    assert [str(p) for p in problems] == [
        "x.html：找不到 <tw-storydata> 元素：这不是 Twine 2 发布的故事文件"
    ]


def test_html_startnode_matching_no_passage_is_reported():
    text = (
        '<tw-storydata name="S" startnode="9">'
        '<tw-passagedata pid="1" name="A" tags="ending:success">a</tw-passagedata>'
        "</tw-storydata>"
    )
    _, problems = parse_twine_html(text, "x.html", "x")
    assert "x.html：起始段落「startnode 9」不存在" in map(str, problems)


def test_html_start_passage_that_is_an_ending_is_refused():
    text = (
        '<tw-storydata name="S" startnode="1">'
        '<tw-passagedata pid="1" name="A" tags="ending:success">a</tw-passagedata>'
        "</tw-storydata>"
    )
    scenario, problems = parse_twine_html(text, "x.html", "x")
    assert scenario is None
    assert [str(p) for p in problems] == [
        "x.html：第 1 行，段落「A」（a）：起始段落不能是结局（success）：学员一开始就需要有链接可选"
    ]


def test_twine_html_dead_end_names_the_ending_tag():
    html = (
        '<tw-storydata name="走访" startnode="1" format="Harlowe" format-version="3.3.8">'
        '<tw-passagedata pid="1" name="入户" tags="" position="100,100" size="100,100">'
        "敲门无人应答。[[留下联系卡]]</tw-passagedata>"
        '<tw-passagedata pid="2" name="留下联系卡" tags="" position="250,100" size="100,100">'
        "卡片塞进门缝。</tw-passagedata>"
        "</tw-storydata>"
    )
    scenario, problems = parse_twine_html(html, "visit.html", "visit")
    assert scenario is None
    assert [str(p) for p in problems] == [
        f"visit.html：第 1 行，段落「留下联系卡」（卡片塞进门缝。）：{DEAD_END}"
    ]


def test_a_story_with_rule_problems_still_reads_as_a_draft():
    """read_twee gives the story as far as it reads beside its problems (the web import
    keeps it as a draft); parse_twee, for the loader, gives it only when it has none."""
    from trainer.simulation.twee import read_twee, read_twine_html

    text = ":: Start\n[[Go->Nowhere]]\n[[End]]\n:: End [ending:success]\n:: Lost\n"
    story, problems = read_twee(text, "s.twee", "s")
    assert list(story.nodes) == ["Start", "End", "Lost"]
    assert story.nodes["Start"].choices[0].goto == "Nowhere"
    assert sorted(p.code for p in problems) == ["dangling", "dead_end", "unreachable"]
    assert twee(text) == (None, problems)
    assert read_twee("just some notes\n", "s.twee", "s")[0] is None
    assert read_twine_html("<p>no story</p>", "x.html", "x")[0] is None
