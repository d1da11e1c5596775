"""Moodle's question ID number in GIFT: read from the "// [id:...]" comment Moodle writes
(and from "[id:...]" after the title), kept in the question's data and written back."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.quizzes.bank import question_data
from trainer.quizzes.gift import dump_gift, parse_gift
from trainer.quizzes.items import from_dict, merge_details, to_dict
from trainer.quizzes.models import Question

# As Moodle 3.6+ exports: the ID number first in the comment line, then the tags.
MOODLE = """// question: 1234  name: 报告时限
// [id:GRID-001] [tag:安全]
::报告时限::[markdown]发现燃气泄漏后，网格员首先应当？{
\t=远离现场并拨打119
\t~自行关闭阀门后开灯检查
}

// [id:Q\\]2]
::判断::[plain]走访时可以向邻居透露居民的病情。{FALSE}

::内联::[id:Q-3][markdown]内联写法的题目{=对 ~错}

::内联二::[html] [id:Q-4] 格式在前的写法{=对 ~错}
"""


def test_moodle_id_numbers_are_read_and_kept_out_of_the_text():
    questions, problems = parse_gift(MOODLE)
    assert problems == []
    assert [q.idnumber for q in questions] == ["GRID-001", "Q]2", "Q-3", "Q-4"]
    assert [q.markup for q in questions] == ["markdown", "plain", "markdown", "markdown"]
    assert questions[0].tags == ["安全"]
    for question in questions:
        assert "[id:" not in question.stem and "[" not in question.stem[:1]


def test_id_numbers_round_trip_as_moodle_writes_them():
    questions, _ = parse_gift(MOODLE)
    text = dump_gift(questions)
    assert "// [id:GRID-001] [tag:安全]\n::报告时限::[markdown]" in text
    assert "// [id:Q\\]2]\n" in text and "// [id:Q-3]\n::内联::" in text
    again, problems = parse_gift(text)
    assert problems == [] and again == questions


def test_a_question_without_id_number_writes_no_id():
    questions, _ = parse_gift("::甲::题干{=对 ~错}")
    assert questions[0].idnumber == "" and "[id:" not in dump_gift(questions)


def test_malformed_id_numbers_are_reported_in_chinese_with_their_line():
    text = ("::好::题{T}\n\n::坏::[id:Q1 题干{=对 ~错}\n\n// [id:Q2\n::坏二::题干{T}\n\n"
            f"::长::[id:{'x' * 101}]题干{{T}}\n\n::空::[id: ]题干{{T}}")
    questions, problems = parse_gift(text)
    assert [q.title for q in questions] == ["好"]
    assert [(p.line, p.message) for p in problems] == [
        (3, "ID 编号“[id:…”缺少结尾的“]”"), (6, "ID 编号“[id:…”缺少结尾的“]”"),
        (8, "ID 编号超过 100 个字符"), (10, "“[id:…]”中的 ID 编号为空")]
    assert parse_gift(f"::长::[id:{'x' * 100}]题干{{T}}")[0][0].idnumber == "x" * 100


def test_id_number_lives_in_the_data_and_survives_a_form_edit():
    question = parse_gift(MOODLE)[0][0]
    assert from_dict(to_dict(question)).idnumber == "GRID-001"
    edited = from_dict({**to_dict(question), "idnumber": "", "stem": "改过的题干"})
    assert merge_details(question, edited).idnumber == "GRID-001"


def test_imported_id_number_is_stored_and_exported(app, client, auth, users, runner, org,
                                                   tmp_path):
    path = tmp_path / "moodle.gift"
    path.write_text(MOODLE, "utf-8")
    result = runner.invoke(args=["questions", "import", str(path), "--bank", "编号"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = {q.title: q for q in db.session.scalars(sa.select(Question))}
        assert stored["报告时限"].body["idnumber"] == "GRID-001"
        assert question_data(stored["判断"]).idnumber == "Q]2"
        assert "[id:" not in stored["内联"].stem
    auth.login("trainer")
    exported = client.get("/bank/export?format=gift").get_data(as_text=True)
    assert "// [id:GRID-001] [tag:安全]" in exported
    again, problems = parse_gift(exported)
    original, _ = parse_gift(MOODLE)
    assert problems == []
    assert sorted(again, key=lambda q: q.stem) == sorted(original, key=lambda q: q.stem)
