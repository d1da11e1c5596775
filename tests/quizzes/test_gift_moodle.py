"""GIFT details Moodle reads: the [plain] text format, feedback on short answers and on
any other number, and $CATEGORY paths with Moodle's context and root."""

import pytest

from tests.quizzes.test_gift import only_question
from trainer.quizzes.gift import dump_gift
from trainer.quizzes.items import NumericAnswer, QuestionData


def test_plain_prefix_on_the_question_text_makes_it_plain_text():
    assert only_question("[plain]1*2*3 = 6{T}").markup == "plain"
    assert only_question("[markdown]1*2*3 = 6{T}").markup == "markdown"
    assert only_question("1*2*3 = 6{=[plain]a ~b}").markup == "markdown"


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
