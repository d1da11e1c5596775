from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.quizzes.gift import dump_gift, parse_gift
from trainer.quizzes.items import (
    COMPETENCIES,
    KEYS,
    TYPES,
    NumericAnswer,
    Option,
    QuestionData,
)

FIXTURES = Path(__file__).parent / "fixtures"
BASICS = "基础知识/网格管理"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def only_question(text: str) -> QuestionData:
    questions, problems = parse_gift(text)
    assert problems == []
    assert len(questions) == 1
    return questions[0]


def only_problem(text: str):
    questions, problems = parse_gift(text)
    assert questions == []
    assert len(problems) == 1
    return problems[0]


EXPECTED_FEATURES = [
    QuestionData(
        "single", "网格员**首要**职责是什么？",
        options=[Option("A", "信息采集", 1.0, "正确，信息采集是基础工作。"),
                 Option("B", "执法处罚", 0.0, "网格员没有执法权。"),
                 Option("C", "收取费用", -0.5)],
        explanation="《网格化服务管理规定》第五条。", title="网格员职责", category=BASICS,
        difficulty=2, competencies=["information", "communication"], tags=["入户走访"]),
    QuestionData(
        "multiple", "以下哪些属于网格员日常工作？",
        options=[Option("A", "走访入户", 0.5), Option("B", "上报事件", 0.5, "及时上报"),
                 Option("C", "代缴罚款", -1.0)],
        title="多选", category=BASICS, partial=True),
    QuestionData(
        "multiple", "哪些是应急物资？",
        # Moodle's five-decimal thirds (33.33333, 33.33334) are read as exact thirds
        options=[Option("A", "手电", 1 / 3), Option("B", "口罩", 1 / 3),
                 Option("C", "饮用水", 1 / 3), Option("D", "玩具", 0.0)],
        category=BASICS, tags=["应急"], points=2.0, partial=False),
    QuestionData(
        "truefalse", "网格员可以代替居民签字。", truth=False,
        explanation="居民本人签字才有效。", category=BASICS,
        feedback_true="错了，不能代签。", feedback_false="正确。"),
    QuestionData("truefalse", "社区居委会是基层群众自治组织。", truth=True, category=BASICS),
    QuestionData("truefalse", "居委会成员由居民选举产生", truth=True, category=BASICS),
    QuestionData("short", "报警电话是多少？", accepted=["110", "一一零"], category=BASICS),
    QuestionData("short", "网格员在_____时应出示工作证。", accepted=["入户走访"],
                 category=BASICS),
    QuestionData("numerical", "π保留两位小数是多少？", numeric=[NumericAnswer(3.14, 0.01)],
                 category=BASICS),
    QuestionData("numerical", "一周有几天？", category=BASICS,
                 numeric=[NumericAnswer(7.0, 0.0, 1.0, "对"),
                          NumericAnswer(6.0, 0.5, 0.5, "差一点")], feedback_other="不对"),
    QuestionData("numerical", "合格分数的区间", numeric=[NumericAnswer(80.0, 20.0)],
                 category=BASICS),
    QuestionData(
        "single", "Escapes: ~ = # { } and a line\nbreak, plus a back\\slash.",
        options=[Option("A", "yes=1", 1.0), Option("B", "no#2", 0.0)], category="特殊字符"),
    QuestionData("single", "多行题干的\n第二行\n和第三行",
                 options=[Option("A", "甲", 1.0), Option("B", "乙", 0.0)], category="特殊字符"),
]
# Moodle's text is plain unless the question says [markdown] (or [html])
_MARKED = {"网格员**首要**职责是什么？", "哪些是应急物资？"}
EXPECTED_FEATURES = [question if question.stem in _MARKED else replace(question, markup="plain")
                     for question in EXPECTED_FEATURES]


def test_fixture_with_every_feature_is_read_field_by_field():
    questions, problems = parse_gift(read("all_features.gift"))
    assert problems == []
    assert questions == EXPECTED_FEATURES


def test_fixture_with_every_feature_survives_dump_and_parse():
    questions, _ = parse_gift(read("all_features.gift"))
    assert parse_gift(dump_gift(questions)) == (questions, [])


ERRORS = [
    (3, "不支持的题型：匹配题"),
    (8, "不支持的题型：问答题"),
    (10, "不支持的题型：说明文字"),
    (12, "缺少正确答案"),
    (14, "多选题的权重之和不为100%"),
    (17, "难度应为1到5的整数"),
    (19, "大括号不成对"),
    (21, "缺少题干"),
    (23, "题目名称缺少结尾的“::”"),
    (25, "单选题只能有一个“=”正确答案"),
    (27, "填空题答案的权重不能为负数"),
    (29, "“abc”不是有效的数字"),
    (32, "未知能力“跳舞”"),
]


def test_every_problem_is_reported_at_the_line_where_its_question_starts():
    questions, problems = parse_gift(read("errors.gift"))
    assert [problem.line for problem in problems] == [line for line, _ in ERRORS]
    for problem, (_, message) in zip(problems, ERRORS, strict=True):
        assert message in problem.message
    assert [question.stem for question in questions] == ["有效的题目仍被读出。"]


def test_problem_starts_with_the_first_characters_of_the_question():
    _, problems = parse_gift(read("errors.gift"))
    assert problems[0].start == "::匹配::把部门和职责对应起来。{ =公安->治安 =民政"
    assert problems[5].start == "难度超出范围{T}"
    assert str(problems[1]) == "第8行（::问答::谈谈你对网格化管理的认识。{}）：不支持的题型：问答题"


@pytest.mark.parametrize(("answer", "truth"), [
    ("T", True), ("TRUE", True), ("F", False), ("FALSE", False), ("true", True), (" F ", False),
])
def test_true_false_answers_accept_moodle_spellings(answer, truth):
    assert only_question(f"天是蓝的{{{answer}}}").truth is truth


def test_true_answer_feedback_is_wrong_feedback_then_right_feedback():
    question = only_question("天是蓝的{TRUE#不对#对了}")
    assert (question.feedback_true, question.feedback_false) == ("对了", "不对")


def test_answers_followed_by_text_leave_a_blank_in_the_stem():
    assert only_question("Grant is {~buried =entombed} in the tomb.").stem == (
        "Grant is _____ in the tomb.")


def test_answers_at_the_end_leave_no_blank():
    assert only_question("谁负责？{=网格员 ~没人}").stem == "谁负责？"


@pytest.mark.parametrize("prefix", ["[markdown]", "[html]", "[plain]", "[moodle]"])
def test_text_format_prefix_is_dropped(prefix):
    question = only_question(f"{prefix}题干{{={prefix}对#{prefix}好 ~错}}")
    assert (question.stem, question.options[0].text, question.options[0].feedback) == (
        "题干", "对", "好")


def test_unknown_bracket_prefix_stays_in_the_text():
    assert only_question("[注意]题干{T}").stem == "[注意]题干"


def test_full_weight_may_be_written_on_an_equals_answer():
    question = only_question("题{=%100%甲 ~乙}")
    assert question.type == "single"
    assert question.options[0] == Option("A", "甲", 1.0)


def test_positive_tilde_weights_without_equals_make_multiple_choice_with_partial_credit():
    question = only_question("题{~%70%甲 ~%30%乙 ~%-100%丙}")
    assert (question.type, question.partial) == ("multiple", True)
    assert [option.fraction for option in question.options] == [0.7, 0.3, -1.0]


def test_weight_above_one_hundred_percent_is_a_problem():
    assert "应在-100%到100%之间" in only_problem("题{~%150%甲 ~乙}").message


def test_choice_with_more_than_six_options_is_a_problem():
    assert "最多六个选项" in only_problem("题{=a ~b ~c ~d ~e ~f ~g}").message


def test_choice_with_one_option_is_a_problem():
    assert "至少需要两个选项" in only_problem("题{~%100%a}").message


def test_numerical_range_becomes_midpoint_and_half_width():
    assert only_question("题{#1..5}").numeric == [NumericAnswer(3.0, 2.0)]


def test_numerical_range_with_low_above_high_is_a_problem():
    assert "下限大于上限" in only_problem("题{#5..1}").message


def test_questions_are_separated_by_blank_lines_and_may_span_lines():
    questions, problems = parse_gift("第一题\n续行{T}\n   \n第二题{F}\n")
    assert problems == []
    assert [question.stem for question in questions] == ["第一题\n续行", "第二题"]


def test_windows_line_ends_and_byte_order_mark_are_read():
    questions, problems = parse_gift("\ufeff// c\r\n题一{T}\r\n\r\n题二{F}\r\n")
    assert problems == []
    assert [question.stem for question in questions] == ["题一", "题二"]


def test_tag_comment_separated_by_a_blank_line_is_not_attached_as_in_moodle():
    assert only_question("// [tag:difficulty:5]\n\n题{T}").difficulty == 3


def test_category_applies_until_the_next_category_line():
    questions, _ = parse_gift("$CATEGORY: 甲\n\n一{T}\n\n二{T}\n\n$CATEGORY: 乙\n\n三{T}")
    assert [question.category for question in questions] == ["甲", "甲", "乙"]


def test_problem_line_counts_comment_lines_before_the_question():
    assert only_problem("// one\n// two\n题{}").line == 3


def test_dump_writes_a_category_line_only_when_the_category_changes():
    questions = [QuestionData("truefalse", stem, truth=True, category=category)
                 for stem, category in [("一", "甲"), ("二", "甲"), ("三", ""), ("四", "")]]
    assert dump_gift(questions).count("$CATEGORY:") == 2


def test_dump_escapes_special_characters():
    question = QuestionData("short", "a:b~c=d#e{f}g\\h\ni", accepted=["x"])
    assert dump_gift([question]).startswith("[markdown]a\\:b\\~c\\=d\\#e\\{f\\}g\\\\h\\ni{")


def test_dump_refuses_a_short_answer_that_would_read_as_matching():
    with pytest.raises(ValueError, match="->"):
        dump_gift([QuestionData("short", "题", accepted=["a->b"])])


# Text that stresses GIFT: its special characters, Chinese, Moodle's other markers.
_SPECIAL = list("~=#{}:\\%[]/->$\n 　") + [
    "//", "[html]", "[markdown]", "####", "::", "%50%", "\\n", "TRUE", "_____", "->", "\ufeff"]
_PIECES = st.one_of(
    st.sampled_from(_SPECIAL),
    st.sampled_from(["网格", "居民", "调解", "纠纷", "a", "1"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=3),
)
TEXTS = st.lists(_PIECES, min_size=1, max_size=8).map("".join).map(str.strip).filter(bool)
OPTIONAL = st.one_of(st.just(""), TEXTS)
LINES = TEXTS.map(lambda text: " ".join(text.split("\n")).strip()).filter(bool)
TAGS = LINES.map(lambda text: text.replace("\\", "")).map(str.strip).filter(
    lambda text: text and text.partition(":")[0].strip().lower() not in
    ("difficulty", "competency", "points", "grading"))
FLOATS = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def options(draw, kind: str) -> tuple[list[Option], bool]:
    count = draw(st.integers(2, len(KEYS)))
    right = draw(st.sets(st.integers(0, count - 1), min_size=1,
                         max_size=1 if kind == "single" else count))
    wrong = [0.0, 0.5, 0.1, 1 / 3, -0.5, -1.0] if kind == "single" else [0.0, -0.5, -1 / 3]
    fractions = [(1.0 if kind == "single" else 1 / len(right)) if at in right
                 else draw(st.sampled_from(wrong)) for at in range(count)]
    return [Option(KEYS[at], draw(TEXTS), fraction, draw(OPTIONAL))
            for at, fraction in enumerate(fractions)]


@st.composite
def numeric_answers(draw) -> list[NumericAnswer]:
    fractions = [1.0] + draw(st.lists(st.sampled_from([0.5, 0.25, 1 / 3, 1.0, 0.0]),
                                      max_size=2))
    return [NumericAnswer(draw(FLOATS), draw(st.floats(0, allow_infinity=False)), fraction,
                          draw(OPTIONAL)) for fraction in fractions]


@st.composite
def questions(draw) -> QuestionData:
    kind = draw(st.sampled_from(TYPES))
    question = QuestionData(
        kind, draw(TEXTS), explanation=draw(OPTIONAL), title=draw(OPTIONAL),
        category=draw(st.one_of(st.just(""), LINES.filter(lambda text: text != "top"))),
        difficulty=draw(st.integers(1, 5)), markup=draw(st.sampled_from(["markdown", "plain"])),
        competencies=draw(st.lists(st.sampled_from(list(COMPETENCIES)), unique=True)),
        tags=draw(st.lists(TAGS, unique=True, max_size=3)),
        points=draw(st.sampled_from([1.0, 2.0, 0.5, 1.5, 10.0])))
    if kind in ("single", "multiple"):
        question.options = draw(options(kind))
        question.partial = kind == "multiple" and draw(st.booleans())
    elif kind == "truefalse":
        question.truth = draw(st.booleans())
        question.feedback_true, question.feedback_false = draw(OPTIONAL), draw(OPTIONAL)
    elif kind == "short":
        question.accepted = draw(st.lists(TEXTS.filter(lambda text: "->" not in text),
                                          min_size=1, max_size=3))
        feedback = [draw(OPTIONAL.filter(lambda text: "->" not in text))
                    for _text in question.accepted]
        question.accepted_feedback = feedback if any(feedback) else []
    else:
        question.numeric = draw(numeric_answers())
        question.feedback_other = draw(OPTIONAL)
    return question


@settings(max_examples=200)
@given(st.lists(questions(), max_size=4))
def test_parse_reads_back_exactly_what_dump_wrote(bank):
    assert parse_gift(dump_gift(bank)) == (bank, [])


def test_problem_messages_follow_the_locale_and_default_to_chinese(app):
    """The parsers' messages go through the catalog: Chinese by default, with or without
    an app context, and English when the request's locale is English."""
    from flask_babel import force_locale

    text = "::无答案:: 这一题没有答案部分\n"
    assert "不支持的题型" in parse_gift(text)[1][0].message
    with app.test_request_context():
        assert "不支持的题型" in parse_gift(text)[1][0].message
        with force_locale("en"):
            assert parse_gift(text)[1][0].message.startswith("Unsupported question type")


def test_upload_problems_of_the_file_itself_follow_the_locale_too(app):
    """A file of the wrong kind, or not in UTF-8: Chinese by default, English in English."""
    from flask_babel import force_locale

    from trainer.quizzes.bank import parse_upload

    wrong_kind, not_utf8 = ("题库.doc", b"x"), ("bank.gift", "判断题{T}".encode("gbk"))
    assert parse_upload(*wrong_kind)[1][0].message == "只能导入 .gift、.txt、.xlsx 或 .csv 文件"
    assert parse_upload(*not_utf8)[1][0].message.startswith("文件不是UTF-8编码")
    with app.test_request_context(), force_locale("en"):
        assert parse_upload(*wrong_kind)[1][0].message.startswith("Only .gift")
        assert parse_upload(*not_utf8)[1][0].message.startswith("The file is not UTF-8")
