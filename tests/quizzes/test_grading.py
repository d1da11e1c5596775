import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.quizzes.test_gift import questions
from trainer.quizzes.grading import (
    BadAnswer,
    coerce_answer,
    correct_answer,
    grade,
    normalise_text,
)
from trainer.quizzes.items import NumericAnswer, Option, QuestionData

SINGLE = QuestionData("single", "题", options=[
    Option("A", "对", 1.0), Option("B", "半对", 0.5), Option("C", "错", 0.0),
    Option("D", "大错", -0.5)])
WEIGHTED = QuestionData("multiple", "题", partial=True, options=[
    Option("A", "甲", 0.5), Option("B", "乙", 0.5), Option("C", "丙", -1.0),
    Option("D", "丁", 0.0)])
ALL_OR_NOTHING = QuestionData("multiple", "题", partial=False, options=[
    Option("A", "甲", 0.5), Option("B", "乙", 0.5), Option("C", "丙", 0.0)])
THIRDS = QuestionData("multiple", "题", partial=True, options=[
    Option(key, key, 0.3333333) for key in "ABC"] + [Option("D", "D", 0.0)])
TRUE = QuestionData("truefalse", "题", truth=True)
SHORT = QuestionData("short", "题", accepted=["110报警", "Call Police"])
NUMBER = QuestionData("numerical", "题", numeric=[
    NumericAnswer(3.14, 0.01), NumericAnswer(3.0, 0.2, 0.5)])


@pytest.mark.parametrize(("text", "expected"), [
    ("ＡＢＣ１２３", "abc123"),
    ("  Call \t\n  Police ", "call police"),
    ("110 报警", "110报警"),
    ("居民 信息 采集", "居民信息采集"),
    ("Straße", "strasse"),
])
def test_normalise_text_folds_width_space_and_case(text, expected):
    assert normalise_text(text) == expected


@pytest.mark.parametrize(("question", "raw", "expected"), [
    (SINGLE, "B", "B"),
    (SINGLE, " b ", "B"),
    (SINGLE, "Ｂ", "B"),
    (WEIGHTED, ["C", "A", "A"], ["A", "C"]),
    (WEIGHTED, "CA", ["A", "C"]),
    (WEIGHTED, "a, c", ["A", "C"]),
    (TRUE, True, True),
    (TRUE, "false", False),
    (TRUE, "对", True),
    (TRUE, "错", False),
    (TRUE, "T", True),
    (TRUE, "F", False),
    (SHORT, "  110报警 ", "110报警"),
    (NUMBER, 3, 3.0),
    (NUMBER, 3.14, 3.14),
    (NUMBER, " 3.14 ", 3.14),
    (NUMBER, "３．１４", 3.14),
    (NUMBER, "-1e3", -1000.0),
])
def test_coerce_answer_returns_the_canonical_form(question, raw, expected):
    assert coerce_answer(question, raw) == expected


@pytest.mark.parametrize("question", [SINGLE, WEIGHTED, TRUE, SHORT, NUMBER])
@pytest.mark.parametrize("raw", [None, "", "   ", []])
def test_empty_answer_means_cleared(question, raw):
    assert coerce_answer(question, raw) is None


@pytest.mark.parametrize(("question", "raw"), [
    (SINGLE, "E"),
    (SINGLE, ["A"]),
    (SINGLE, 1),
    (WEIGHTED, ["A", "X"]),
    (WEIGHTED, "AX"),
    (WEIGHTED, [1, 2]),
    (WEIGHTED, {"A": True}),
    (TRUE, "maybe"),
    (TRUE, 1),
    (SHORT, 110),
    (SHORT, "字" * 501),
    (NUMBER, "abc"),
    (NUMBER, "nan"),
    (NUMBER, "inf"),
    (NUMBER, float("nan")),
    (NUMBER, float("inf")),
    (NUMBER, 10**400),
    (NUMBER, True),
    (NUMBER, "1_000"),
])
def test_coerce_answer_rejects_a_wrong_shape_with_a_chinese_message(app, question, raw):
    with app.test_request_context("/"), pytest.raises(BadAnswer) as error:
        coerce_answer(question, raw)
    assert any("\u4e00" <= char <= "\u9fff" for char in str(error.value))
    # the message goes through gettext: in English for a user who chose English
    with app.test_request_context("/", headers={"Cookie": "lang=en"}), \
            pytest.raises(BadAnswer) as error:
        coerce_answer(question, raw)
    english = str(error.value)
    assert not any("\u4e00" <= char <= "\u9fff" for char in english) and len(english) > 10


@pytest.mark.parametrize(("question", "raw", "zh", "en"), [
    (SINGLE, "Z", "没有选项“Z”", "There is no option “Z”."),
    (SINGLE, 1, "单选题的答案应为一个选项字母", "one option letter"),
    (WEIGHTED, 5, "多选题的答案应为选项字母的列表", "a list of option letters"),
    (TRUE, "maybe", "判断题的答案应为 true 或 false", "true or false"),
    (SHORT, "字" * 501, "答案不能超过500个字", "500 characters"),
    (SHORT, 5, "填空题的答案应为文字", "should be text"),
    (NUMBER, "abc", "数值题的答案应为一个数字", "should be a number"),
])
def test_grading_messages_follow_the_locale(app, question, raw, zh, en):
    with app.test_request_context("/"), pytest.raises(BadAnswer) as chinese:
        coerce_answer(question, raw)
    assert zh in str(chinese.value)
    with app.test_request_context("/", headers={"Cookie": "lang=en"}), \
            pytest.raises(BadAnswer) as english:
        coerce_answer(question, raw)
    assert en in str(english.value)


@pytest.mark.parametrize(("question", "answer", "credit"), [
    (SINGLE, "A", 1.0),
    (SINGLE, "B", 0.5),
    (SINGLE, "C", 0.0),
    (SINGLE, "D", 0.0),
    (WEIGHTED, ["A", "B"], 1.0),
    (WEIGHTED, ["A"], 0.5),
    (WEIGHTED, ["A", "D"], 0.5),
    (WEIGHTED, ["A", "C"], 0.0),
    (WEIGHTED, ["A", "B", "C"], 0.0),
    (WEIGHTED, ["A", "B", "D"], 1.0),
    (ALL_OR_NOTHING, ["A", "B"], 1.0),
    (ALL_OR_NOTHING, ["A"], 0.0),
    (ALL_OR_NOTHING, ["A", "B", "C"], 0.0),
    (THIRDS, ["A", "B", "C"], 1.0),
    (TRUE, True, 1.0),
    (TRUE, False, 0.0),
    (SHORT, "110 报警", 1.0),
    (SHORT, "ＣＡＬＬ  police", 1.0),
    (SHORT, "119", 0.0),
    (NUMBER, 3.14, 1.0),
    (NUMBER, 3.15, 1.0),
    (NUMBER, 3.13, 1.0),
    (NUMBER, 3.16, 0.5),
    (NUMBER, 3.3, 0.0),
    (NUMBER, 2.9, 0.5),
    (NUMBER, "3.15", 1.0),
])
def test_grade_gives_the_credit_of_the_answer(question, answer, credit):
    assert grade(question, answer) == credit


@pytest.mark.parametrize("question", [SINGLE, WEIGHTED, TRUE, SHORT, NUMBER])
def test_no_answer_scores_zero(question):
    assert grade(question, None) == 0.0


def test_answer_that_no_longer_fits_the_question_scores_zero():
    assert grade(SINGLE, "F") == 0.0


@pytest.mark.parametrize(("question", "expected"), [
    (SINGLE, "A"), (WEIGHTED, ["A", "B"]), (TRUE, True), (SHORT, "110报警"), (NUMBER, 3.14),
])
def test_correct_answer_is_the_canonical_right_answer(question, expected):
    assert correct_answer(question) == expected


@given(questions())
def test_correct_answer_is_canonical_and_earns_full_credit(question):
    answer = correct_answer(question)
    assert coerce_answer(question, answer) == answer
    assert grade(question, answer) == 1.0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=8)


@given(questions(), JSON)
def test_any_json_answer_is_coerced_or_rejected_and_graded_between_zero_and_one(question, raw):
    try:
        coerce_answer(question, raw)
    except BadAnswer:
        pass
    assert 0.0 <= grade(question, raw) <= 1.0
