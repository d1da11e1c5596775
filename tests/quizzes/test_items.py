"""The in-memory question model's helpers used by the database layer and the web form."""

import pytest

from trainer.quizzes.gift import parse_gift
from trainer.quizzes.items import (
    NumericAnswer,
    Option,
    QuestionData,
    from_dict,
    merge_details,
    to_dict,
)
from trainer.quizzes.sheets import answer_text, read_row


def test_every_gift_feature_survives_to_dict_and_back():
    from tests.quizzes.test_gift import EXPECTED_FEATURES

    for question in EXPECTED_FEATURES:
        assert from_dict(to_dict(question)) == question


def test_merge_keeps_weights_and_feedback_when_the_choices_did_not_change():
    (old,), _ = parse_gift("::t::旧{~%70%甲#好 ~%30%乙 ~%-100%丙}")
    new = QuestionData("multiple", "新", partial=True, options=[
        Option("A", "甲", 0.5), Option("B", "乙", 0.5), Option("C", "丙", 0.0)])
    merged = merge_details(old, new)
    assert (merged.stem, merged.title) == ("新", "t")
    assert [(o.fraction, o.feedback) for o in merged.options] == [
        (0.7, "好"), (0.3, ""), (-1.0, "")]


def test_merge_takes_the_form_when_the_right_answers_changed():
    old = QuestionData("single", "q", options=[Option("A", "甲", 1.0, "对"),
                                               Option("B", "乙", 0.0)])
    new = QuestionData("single", "q", options=[Option("A", "甲", 0.0), Option("B", "乙", 1.0)])
    assert merge_details(old, new).options == new.options


def test_merge_keeps_numeric_partial_answers_and_true_false_feedback():
    old = QuestionData("numerical", "n", numeric=[NumericAnswer(7, 0, 1.0, "对"),
                                                  NumericAnswer(6, 0.5, 0.5, "差一点")])
    new = QuestionData("numerical", "n", numeric=[NumericAnswer(7, 0), NumericAnswer(6, 0.5)])
    assert merge_details(old, new).numeric == old.numeric
    old_tf = QuestionData("truefalse", "t", truth=True, feedback_false="不对")
    assert merge_details(old_tf, QuestionData("truefalse", "t", truth=True)).feedback_false \
        == "不对"


@pytest.mark.parametrize("text", ["题{=甲 ~乙}", "题{~%50%甲 ~%50%乙 ~丙}", "题{T}",
                                  "题{=110 =幺幺零}", "题{#3.14:0.01}"])
def test_answer_text_reads_back_through_read_row(text):
    (question,), _ = parse_gift(text)
    cells = {"题型": {"single": "单选", "multiple": "多选", "truefalse": "判断",
                    "short": "填空", "numerical": "数值"}[question.type],
             "题干": question.stem, "答案": answer_text(question)}
    cells |= {f"选项{o.key}": o.text for o in question.options}
    again = read_row(cells)
    assert (again.type, again.stem) == (question.type, question.stem)
    assert answer_text(again) == answer_text(question)


def test_read_row_refuses_with_the_reason():
    with pytest.raises(ValueError, match="答案“C”不是已有的选项"):
        read_row({"题型": "单选", "题干": "题", "选项A": "甲", "选项B": "乙", "答案": "C"})


def test_review_feedback_of_short_answers_and_of_any_other_number():
    from trainer.quizzes.review import feedback_for

    short = QuestionData("short", "题", accepted=["110", "一一零"], accepted_feedback=["", "也对"])
    assert (feedback_for(short, "一一零"), feedback_for(short, "110")) == ("也对", "")
    number = QuestionData("numerical", "题", numeric=[NumericAnswer(7.0, 0.0, 1.0, "对")],
                          feedback_other="一周有七天")
    assert (feedback_for(number, 7.0), feedback_for(number, 6.0)) == ("对", "一周有七天")


def test_merge_keeps_partial_credit_of_a_single_choice():
    (old,), _ = parse_gift("Single partial {=a ~%50%b ~c}")
    new = read_row({"题型": "单选", "题干": "新", "选项A": "a", "选项B": "b", "选项C": "c",
                    "答案": "A", "格式": "Markdown"})
    assert [o.fraction for o in merge_details(old, new).options] == [1.0, 0.5, 0.0]


def test_merge_keeps_the_text_format_and_the_feedback_of_answers_that_stay():
    old = QuestionData("short", "q", accepted=["110", "一一零"], accepted_feedback=["对", ""],
                       markup="plain")
    new = QuestionData("short", "新", accepted=["一一零", "110", "幺幺零"])
    merged = merge_details(old, new)
    assert (merged.accepted_feedback, merged.markup) == (["", "对", ""], "plain")
    number = QuestionData("numerical", "n", numeric=[NumericAnswer(7)], feedback_other="不对")
    assert merge_details(number, QuestionData("numerical", "n", numeric=[NumericAnswer(8)])
                         ).feedback_other == "不对"
