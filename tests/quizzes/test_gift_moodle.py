"""GIFT details Moodle reads: the [plain] text format, feedback on short answers and on
any other number, and $CATEGORY paths with Moodle's context and root."""

import pytest

from tests.quizzes.test_gift import only_question
from trainer.quizzes.gift import dump_gift
from trainer.quizzes.items import NumericAnswer, Option, QuestionData


def test_plain_prefix_on_the_question_text_makes_it_plain_text():
    assert only_question("[plain]1*2*3 = 6{T}").markup == "plain"
    assert only_question("[markdown]1*2*3 = 6{T}").markup == "markdown"
    assert only_question("[html]1*2*3 = 6{T}").markup == "markdown"
    assert only_question("1*2*3 = 6{=[markdown]a ~b}").markup == "plain"


def test_moodle_text_is_plain_unless_the_question_says_markdown():
    # as Moodle writes a bank: no format prefix, an option starting with "#" (escaped)
    question = only_question("下列哪项是第一步？\n先确认安全{=\\# 1 拨打110 ~* 自行处置}")
    assert question.markup == "plain"
    assert [o.text for o in question.options] == ["# 1 拨打110", "* 自行处置"]
    from trainer.quizzes.bank import _render

    stem, options, _ = _render(question)
    assert stem == "<p>下列哪项是第一步？<br>先确认安全</p>"
    assert options == ["# 1 拨打110", "* 自行处置"]  # text, not a heading or a list
    assert "<h1" not in "".join(options)


def test_export_keeps_the_format_on_the_question():
    marked = QuestionData("short", "**粗体**", accepted=["x"], markup="markdown")
    plain = QuestionData("short", "# 不是标题", accepted=["x"], markup="plain")
    assert dump_gift([marked]).startswith("[markdown]**粗体**{")
    assert dump_gift([plain]).startswith("\\# 不是标题{")
    assert only_question(dump_gift([plain])).markup == "plain"
    assert only_question(dump_gift([marked])).markup == "markdown"


def test_short_answer_feedback_is_kept_per_answer():
    question = only_question("报警电话？{=110#对，报警打110 =一一零 =幺幺零#也对}")
    assert question.accepted == ["110", "一一零", "幺幺零"]
    assert question.accepted_feedback == ["对，报警打110", "", "也对"]
    assert only_question("报警电话？{=110 =一一零}").accepted_feedback == []


def test_numerical_feedback_for_any_other_number_is_kept():
    question = only_question("一周几天？{#7#对 ~#一周有七天}")
    assert (question.numeric, question.feedback_other) == (
        [NumericAnswer(7.0, 0.0, 1.0, "对")], "一周有七天")


@pytest.mark.parametrize(("line", "category"), [
    ("$course$/top/A", "A"), ("$system$/top/A/B", "A/B"), ("$course$/top", ""),
    ("top/A", "A"), ("$course$/Default for 网格/A", "Default for 网格/A"),
    ("$module$/top/A // B", "A / B"), (" 甲 / 乙 ", "甲/乙"), ("A/top/B", "A/B"),
])
def test_category_path_drops_moodles_context_and_top_as_moodle_does(line, category):
    assert only_question(f"$CATEGORY: {line}\n\n题{{T}}").category == category


def test_dump_writes_categories_under_course_top_and_refuses_the_root_name():
    question = QuestionData("truefalse", "题", truth=True, category="A/B")
    assert dump_gift([question]).startswith("$CATEGORY: $course$/top/A/B\n")
    with pytest.raises(ValueError, match="top"):
        dump_gift([QuestionData("truefalse", "题", truth=True, category="top")])


def test_dump_refuses_short_answer_feedback_that_would_read_as_matching():
    with pytest.raises(ValueError, match="->"):
        dump_gift([QuestionData("short", "题", accepted=["a"], accepted_feedback=["x->y"])])


def test_export_writes_only_weights_moodle_accepts():
    thirds = [Option(key, text, 1 / 3) for key, text in zip("ABC", ["手电", "口罩", "饮用水"],
                                                             strict=True)]
    question = QuestionData("multiple", "哪些是应急物资？",
                            options=[*thirds, Option("D", "玩具", -1 / 3)])
    text = dump_gift([question])
    assert "~%33.33333%手电" in text and "~%-33.33333%玩具" in text
    assert "33.333333333" not in text
    assert only_question(text).options == question.options  # read back as exact thirds
    sixth = QuestionData("numerical", "题", numeric=[NumericAnswer(1.0, 0.0, 1.0),
                                                     NumericAnswer(2.0, 0.0, 1 / 6)])
    assert "=%16.66667%2" in dump_gift([sixth])
    odd = QuestionData("multiple", "题", options=[Option("A", "甲", 0.35), Option("B", "乙", 0.65)])
    with pytest.raises(ValueError, match="不在 Moodle 接受的取值之内"):
        dump_gift([odd])


def test_moodle_weights_are_read_with_their_exact_fraction():
    question = only_question("选？{~%83.33333%甲 ~%16.66667%乙 ~%-100%丙}")
    assert [o.fraction for o in question.options] == [5 / 6, 1 / 6, -1.0]


def test_partial_credit_short_answers_are_read_with_their_credit():
    question = only_question("报警电话是多少？{=%50%一一零#意思对，写数字更好 =%100%110}")
    assert question.accepted == ["一一零", "110"]
    assert question.accepted_credit == [0.5, 1.0]
    assert question.accepted_feedback == ["意思对，写数字更好", ""]
    assert only_question("报警电话？{=110 =%50%幺幺零}").accepted_credit == [1.0, 0.5]
    assert only_question("报警电话？{=110 =一一零}").accepted_credit == []
    # written back with the credit, and read back equal
    assert "=%50%一一零" in dump_gift([question])
    assert only_question(dump_gift([question])) == question


def test_partial_credit_short_answer_is_graded_with_its_credit():
    from trainer.quizzes.grading import correct_answer, grade

    question = only_question("报警电话是多少？{=%50%一一零 =110}")
    assert correct_answer(question) == "110"
    assert grade(question, "110") == 1.0
    assert grade(question, "一一零") == 0.5
    assert grade(question, "120") == 0.0
