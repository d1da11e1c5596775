"""The query's words and their safe forms (pure: no Flask, no database)."""

import pytest

from trainer.search.text import (
    MAX_QUERY,
    QueryTooLong,
    fts_query,
    highlight,
    like_pattern,
    snippet,
    terms_of,
)


@pytest.mark.parametrize(("text", "words"), [
    ("充电", ["充电"]),
    ("  充电　安全 ", ["充电", "安全"]),  # a full-width space separates words too
    ("欠薪 欠薪 ABC abc", ["欠薪", "ABC"]),
    ("a\x00b\tc", ["a", "b", "c"]),
    ("", []),
    (None, []),
])
def test_words_of_a_query(text, words):
    assert terms_of(text) == words


def test_a_query_longer_than_the_limit_is_refused():
    assert terms_of("字" * MAX_QUERY) == ["字" * MAX_QUERY]
    with pytest.raises(QueryTooLong):
        terms_of("字" * (MAX_QUERY + 1))


@pytest.mark.parametrize(("terms", "expr"), [
    (["充电桩"], '"充电桩"'),
    (['"*AND-'], '"""*AND-"'),
    (["NEAR(a", "b)c*"], '"NEAR(a" AND "b)c*"'),
    (["充电", "title:x"], '"title:x"'),  # two characters: left to LIKE
    (["充电"], ""),
])
def test_every_word_becomes_one_quoted_phrase(terms, expr):
    assert fts_query(terms) == expr


def test_like_patterns_escape_wildcards_and_the_escape_character():
    assert like_pattern("100%_\\") == "%100\\%\\_\\\\%"


def test_highlight_escapes_html_and_marks_every_word():
    html = highlight("<b>充电</b>时不要充电", ["充电"])
    assert str(html) == "&lt;b&gt;<mark>充电</mark>&lt;/b&gt;时不要<mark>充电</mark>"


def test_highlight_marks_words_case_insensitively_and_escapes_them():
    assert str(highlight("Fire & fire", ["FIRE", "&"])) == (
        "<mark>Fire</mark> <mark>&amp;</mark> <mark>fire</mark>")


def test_snippet_shows_the_text_around_the_first_match_with_ellipses():
    body = "开头" * 40 + "发现飞线充电及时劝导" + "结尾" * 40
    text = str(snippet(body, ["飞线充电"]))
    assert text.startswith("…") and text.endswith("…")
    assert "<mark>飞线充电</mark>" in text and len(text) < 140


def test_snippet_without_a_match_in_the_body_starts_at_the_beginning():
    assert str(snippet("短文本", ["标题词"])) == "短文本"
