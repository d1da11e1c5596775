"""The spreadsheet template holds every question the bank can: import(export(x)) == x,
weights, points, tags, titles, feedback and the text format included."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.quizzes.test_sheets import csv_bytes, only_problem, only_question
from trainer.quizzes.gift import parse_gift
from trainer.quizzes.items import COMPETENCIES, KEYS, NumericAnswer, Option, QuestionData
from trainer.quizzes.sheets import dump_csv, dump_xlsx, parse_csv, parse_xlsx

BRIEF = """::圆周率::Num {#=3.14:0.01 =%50%3:0.5}

// [tag:points:2] [tag:安全]
::部分得分::Single {=a#对 ~%50%b#一半 ~c}

多选{~%70%甲 ~%30%乙 ~%-100%丙}

报警电话？{=110#对 =一一零}

几天？{#7 ~#一周七天}
"""


@pytest.mark.parametrize("dump,parse", [(dump_xlsx, parse_xlsx), (dump_csv, parse_csv)])
def test_weights_points_tags_titles_and_feedback_survive_a_sheet(dump, parse):
    bank, problems = parse_gift(BRIEF)
    assert problems == []
    assert parse(dump(bank)) == (bank, [])
    numerical = parse(dump(bank))[0][0]
    assert [a.fraction for a in numerical.numeric] == [1.0, 0.5]  # 3 is not full credit


def test_the_optional_columns_read_as_documented():
    question = only_question(题型="多选", 题干="题", 选项A="甲", 选项B="乙", 选项C="丙",
                             答案="AB", 权重="70%|30|-100", 部分得分="是", 分值="2",
                             标题="多选一", 标签="安全，消防|安全", 反馈="好||不对",
                             格式="Markdown")
    assert question == QuestionData(
        "multiple", "题", title="多选一", tags=["安全", "消防"], points=2.0, partial=True,
        options=[Option("A", "甲", 0.7, "好"), Option("B", "乙", 0.3),
                 Option("C", "丙", -1.0, "不对")])


def test_answers_weights_and_feedback_line_up_for_numbers_and_texts():
    number = only_question(题型="数值", 题干="题", 答案="3.14±0.01|3±0.5", 权重="100|50",
                           反馈="对|差一点", 其他答案反馈="再想想")
    assert (number.numeric, number.feedback_other) == (
        [NumericAnswer(3.14, 0.01, 1.0, "对"), NumericAnswer(3.0, 0.5, 0.5, "差一点")], "再想想")
    text = only_question(题型="填空", 题干="题", 答案="a\\|b|c", 反馈="|对")
    assert (text.accepted, text.accepted_feedback) == (["a|b", "c"], ["", "对"])
    truth = only_question(题型="判断", 题干="题", 答案="对", 反馈="答对了|答错了")
    assert (truth.feedback_true, truth.feedback_false) == ("答对了", "答错了")


@pytest.mark.parametrize(("row", "message"), [
    ({"题型": "单选", "选项A": "a", "选项B": "b", "答案": "A", "权重": "50|100"}, "满分"),
    ({"题型": "多选", "选项A": "a", "选项B": "b", "答案": "A", "权重": "50|50"}, "正是答案"),
    ({"题型": "多选", "选项A": "a", "选项B": "b", "答案": "AB", "权重": "50|40"}, "之和不为100%"),
    ({"题型": "单选", "选项A": "a", "选项B": "b", "答案": "A", "权重": "100|半"}, "百分数"),
    ({"题型": "单选", "选项A": "a", "选项B": "b", "答案": "A", "权重": "100|0|0"}, "比选项"),
    ({"题型": "数值", "答案": "3|4", "权重": "50|50"}, "缺少正确答案"),
    ({"题型": "填空", "答案": "a", "权重": "50"}, "需要一个满分答案"),
    ({"题型": "填空", "答案": "a|b", "权重": "100|-50"}, "不能为负数"),
    ({"题型": "判断", "答案": "对", "反馈": "a|b|c"}, "比判断题"),
    ({"题型": "判断", "答案": "对", "其他答案反馈": "x"}, "只有数值题"),
    ({"题型": "单选", "选项A": "a", "选项B": "b", "答案": "A", "部分得分": "是"}, "只有多选题"),
    ({"题型": "判断", "答案": "对", "分值": "0"}, "分值应为正数"),
    ({"题型": "判断", "答案": "对", "格式": "HTML"}, "格式应为"),
])
def test_bad_optional_cells_are_row_problems(row, message):
    assert message in only_problem(题干="题", **row).message


def test_blank_format_means_plain_text():
    assert only_question(题型="判断", 题干="1*2*3 = 6", 答案="对").markup == "plain"


def test_overlong_csv_cell_is_reported_at_its_own_row():
    good = {"题型": "判断", "题干": "好", "答案": "对"}
    data = csv_bytes(good, good, {**good, "解析": "长" * 140_000}, good)
    questions, problems = parse_csv(data)
    assert [problem.line for problem in problems] == [4]
    assert "131072" in problems[0].message
    assert questions == []  # a file past a limit is refused as a whole


# Text that stresses the template: formula starts, separators, escapes, Chinese, newlines.
_PIECES = st.one_of(
    st.sampled_from(list("=+-@'\"，,、\n ~#{}:|｜;；\\%") + ["'=", "=SUM(A1)", "_x0041_", "\\|"]),
    st.sampled_from(["网格", "居民", "调解", "纠纷", "a", "1", "Markdown", "是"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=3),
)
TEXTS = st.lists(_PIECES, min_size=1, max_size=8).map("".join).map(str.strip).filter(bool)
OPTIONAL = st.one_of(st.just(""), TEXTS)
LINES = OPTIONAL.map(lambda text: text.replace("\n", " "))
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
WRONG = {"single": [0.0, 0.5, 0.1, 1 / 3, -0.5, -1.0], "multiple": [0.0, -0.5, -1 / 3, -1.0]}


@st.composite
def right_fractions(draw, kind: str, count: int) -> list[float]:
    """Full credit for single choice; shares of 100% (equal or not) for multiple."""
    if kind == "single" or count == 1:
        return [1.0] * count
    if draw(st.booleans()):
        return [1 / count] * count
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=count - 1, max_size=count - 1)))
    return [float(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]


@st.composite
def choice_fields(draw, kind: str) -> dict:
    count = draw(st.integers(2, len(KEYS)))
    right = sorted(draw(st.sets(st.integers(0, count - 1), min_size=1,
                                max_size=1 if kind == "single" else count)))
    shares = iter(draw(right_fractions(kind, len(right))))
    options = [Option(KEYS[at], draw(TEXTS),
                      next(shares) if at in right else draw(st.sampled_from(WRONG[kind])),
                      draw(OPTIONAL)) for at in range(count)]
    return {"options": options, "partial": kind == "multiple" and draw(st.booleans())}


@st.composite
def answer_fields(draw, kind: str) -> dict:
    if kind == "truefalse":
        return {"truth": draw(st.booleans()), "feedback_true": draw(OPTIONAL),
                "feedback_false": draw(OPTIONAL)}
    if kind == "short":
        accepted = draw(st.lists(TEXTS, min_size=1, max_size=3))
        notes = [draw(OPTIONAL) for _text in accepted]
        return {"accepted": accepted, "accepted_feedback": notes if any(notes) else []}
    fractions = [1.0] + draw(st.lists(st.sampled_from([0.5, 0.25, 1 / 3, 1.0, 0.0]),
                                      max_size=2))
    numeric = [NumericAnswer(draw(FLOATS), draw(st.floats(0, allow_infinity=False)), fraction,
                             draw(OPTIONAL)) for fraction in fractions]
    return {"numeric": numeric, "feedback_other": draw(OPTIONAL)}


@st.composite
def questions(draw) -> QuestionData:
    kind = draw(st.sampled_from(["single", "multiple", "truefalse", "short", "numerical"]))
    fields = draw(choice_fields(kind) if kind in ("single", "multiple") else answer_fields(kind))
    return QuestionData(
        kind, draw(TEXTS), explanation=draw(OPTIONAL), category=draw(LINES),
        title=draw(OPTIONAL), difficulty=draw(st.integers(1, 5)),
        competencies=draw(st.lists(st.sampled_from(list(COMPETENCIES)), unique=True)),
        tags=draw(st.lists(TEXTS, unique=True, max_size=3)),
        points=draw(st.sampled_from([1.0, 2.0, 0.5, 1.5, 10.0, 0.1, 1 / 3])),
        markup=draw(st.sampled_from(["markdown", "plain"])), **fields)


@settings(max_examples=200, deadline=None)
@given(st.lists(questions(), max_size=4))
def test_csv_reads_back_exactly_what_dump_wrote(bank):
    assert parse_csv(dump_csv(bank)) == (bank, [])


@settings(max_examples=200, deadline=None)
@given(st.lists(questions(), max_size=4))
def test_xlsx_reads_back_exactly_what_dump_wrote(bank):
    assert parse_xlsx(dump_xlsx(bank)) == (bank, [])


def test_dump_keeps_the_design_columns_first_and_unchanged():
    header = next(csv.reader(io.StringIO(dump_csv([]).decode("utf-8-sig"))))
    assert header[:13] == ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F",
                           "答案", "解析", "难度", "分类", "能力"]


def test_partial_credit_short_answers_survive_the_spreadsheet():
    from trainer.quizzes.items import QuestionData
    from trainer.quizzes.sheets import dump_xlsx, parse_xlsx

    question = QuestionData("short", "报警电话是多少？", accepted=["110", "一一零"],
                            accepted_credit=[1.0, 0.5], markup="plain")
    questions, problems = parse_xlsx(dump_xlsx([question]))
    assert problems == [] and questions[0].accepted_credit == [1.0, 0.5]
