"""Feedback of several chosen options reads as Chinese sentences, each said once."""

from trainer.quizzes.review import join_sentences


def test_sentences_with_their_own_full_stop_are_not_glued_with_a_semicolon():
    assert join_sentences(["对。", "对。"]) == "对。"
    assert join_sentences(["选项A正确。", "选项C也正确！"]) == "选项A正确。选项C也正确！"


def test_phrases_without_punctuation_are_closed_by_a_semicolon():
    assert join_sentences(["先核实身份", "再登记"]) == "先核实身份；再登记"
    assert join_sentences(["", None, "  ", "只此一句"]) == "只此一句"
