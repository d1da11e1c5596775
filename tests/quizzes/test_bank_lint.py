"""bank_lint: the `flask content check` warnings about questions that test judgement."""

from trainer.quizzes.bank_lint import bank_warnings, key_is_longest, longest_key_share
from trainer.quizzes.gift import parse_gift


def _bank(text: str):
    questions, problems = parse_gift(text)
    assert problems == []
    return questions


def _single(title: str, key: str, wrong: list[str], explained: bool = True) -> str:
    options = "\n".join([f"={key}"] + [f"~{w}" for w in wrong])
    note = "\n####解析：理由。" if explained else ""
    return f"::{title}::发现问题先怎么办？{{\n{options}{note}\n}}\n"


SHORT_KEY = ["报告社区", "自己先去处理掉", "发到楼栋群里问问"]  # key shorter than two
LONG_KEY = ["先报告社区并说明事实", "自己处理", "不管"]  # key longest
TIE = ["报告社区", "拨打电话", "不予理会"]  # key ties for longest


def test_key_is_longest_counts_ties():
    assert key_is_longest(_bank(_single("a", LONG_KEY[0], LONG_KEY[1:]))[0])
    assert key_is_longest(_bank(_single("a", TIE[0], TIE[1:]))[0])
    assert not key_is_longest(_bank(_single("a", SHORT_KEY[0], SHORT_KEY[1:]))[0])


def test_bank_with_longest_keys_in_most_single_choice_questions_warns():
    # 3 of 5 keys longest (one a tie) = 60 %: warned, with the file and the percentage.
    text = "\n".join([_single("q1", LONG_KEY[0], LONG_KEY[1:]), _single("q2", TIE[0], TIE[1:]),
                      _single("q3", LONG_KEY[0], LONG_KEY[1:]),
                      _single("q4", SHORT_KEY[0], SHORT_KEY[1:]),
                      _single("q5", SHORT_KEY[0], SHORT_KEY[1:])])
    questions = _bank(text)
    assert longest_key_share(questions) == (3, 5)
    lines = bank_warnings("demo/questions.gift", questions)
    assert len(lines) == 1
    assert lines[0].startswith("warning: demo/questions.gift")
    assert "60%" in lines[0] and "3" in lines[0] and "5" in lines[0]


def test_bank_at_forty_percent_longest_keys_does_not_warn():
    text = "\n".join([_single("q1", LONG_KEY[0], LONG_KEY[1:]), _single("q2", TIE[0], TIE[1:])]
                     + [_single(f"q{i}", SHORT_KEY[0], SHORT_KEY[1:]) for i in (3, 4, 5)])
    questions = _bank(text)
    assert longest_key_share(questions) == (2, 5)
    assert bank_warnings("demo/questions.gift", questions) == []


MULTIPLE = """::m1::哪些情况要当天报告？（多选）{
~%50%多户居民同时腹泻
~%50%聚餐后多人不适
~%-100%一人感冒在家休息
####解析：多户多人类似不适要报告。
}

::m2::哪些做法保护居民信息？（多选）{
~%50%只记录工作需要的内容
~%50%表格只存在工作平台
~%-100%在群里点名提醒复查
~%-100%把名单发给物业方便通知
####解析：最少够用、专用专管。
}
"""


def test_multiple_choice_with_one_wrong_option_warns_by_title():
    lines = bank_warnings("demo/questions.gift", _bank(MULTIPLE))
    assert len(lines) == 1
    assert lines[0].startswith("warning: demo/questions.gift") and "m1" in lines[0]
    assert "m2" not in lines[0]


def test_multiple_choice_with_two_wrong_options_does_not_warn():
    assert bank_warnings("demo/questions.gift", _bank(MULTIPLE.split("\n\n", 1)[1])) == []


def test_questions_without_explanation_are_named():
    text = "\n".join([_single("q1", SHORT_KEY[0], SHORT_KEY[1:], explained=False),
                      _single("q2", SHORT_KEY[0], SHORT_KEY[1:]),
                      "::q3::居民突发急症拨打什么电话？{=120}\n",
                      "::q4::网格员可以替居民签字。{F####解析：不能代签。}\n"])
    lines = bank_warnings("demo/questions.gift", _bank(text))
    assert len(lines) == 1
    assert lines[0].startswith("warning: demo/questions.gift")
    assert "q1" in lines[0] and "q3" in lines[0] and "q2" not in lines[0]
    assert "q4" not in lines[0]


def test_many_questions_without_explanation_are_counted():
    text = "\n".join(f"::t{i}::说法{i}。{{T}}\n" for i in range(1, 11))
    lines = bank_warnings("demo/questions.gift", _bank(text))
    assert len(lines) == 1 and "10" in lines[0] and "t1、" not in lines[0]


def test_explained_bank_does_not_warn():
    text = "\n".join(f"::t{i}::说法{i}。{{T####解析：理由{i}。}}\n" for i in range(1, 11))
    assert bank_warnings("demo/questions.gift", _bank(text)) == []


def test_warnings_are_in_chinese_outside_an_app_context():
    lines = bank_warnings("demo/questions.gift", _bank(MULTIPLE))
    assert "多选题m1" in lines[0]
