import csv
import io
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from trainer.quizzes.items import NumericAnswer, Option, QuestionData
from trainer.quizzes.sheets import (
    ALL_HEADERS,
    HEADERS,
    dump_csv,
    dump_xlsx,
    parse_csv,
    parse_xlsx,
)

FIXTURES = Path(__file__).parent / "fixtures"


def csv_bytes(*rows: dict, header=ALL_HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(*rows: list, sheet_title="题目") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def only_question(**row) -> QuestionData:
    questions, problems = parse_csv(csv_bytes(row))
    assert problems == []
    return questions[0]


def only_problem(**row):
    questions, problems = parse_csv(csv_bytes(row))
    assert questions == []
    assert len(problems) == 1
    return problems[0]


def plain(*questions: QuestionData) -> list[QuestionData]:
    """Sheet texts are plain text unless the 格式 column says Markdown."""
    return [replace(question, markup="plain") for question in questions]


EXPECTED_GOOD = plain(
    QuestionData("single", "网格员的首要职责是？",
                 options=[Option("A", "信息采集", 1.0), Option("B", "执法处罚", 0.0),
                          Option("C", "收取费用", 0.0)],
                 explanation="信息采集是基础工作。", difficulty=2, category="网格管理",
                 competencies=["information"]),
    QuestionData("multiple", "哪些属于日常工作？",
                 options=[Option("A", "走访入户", 0.5), Option("B", "上报事件", 0.5),
                          Option("C", "代缴罚款", 0.0)],
                 category="网格管理", competencies=["communication", "coordination"]),
    QuestionData("truefalse", "网格员可以代替居民签字。", truth=False,
                 explanation="居民本人签字才有效。", difficulty=1),
    QuestionData("short", "报警电话是多少？", accepted=["110", "一一零", "幺幺零"]),
    QuestionData("numerical", "π保留两位小数是多少？", numeric=[NumericAnswer(3.14, 0.01)],
                 difficulty=5),
    QuestionData("truefalse", "=1+1 会被当作公式吗？\n第二行", truth=True),
)


def test_good_csv_with_bom_is_read_row_by_row():
    data = (FIXTURES / "good.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert parse_csv(data) == (EXPECTED_GOOD, [])


def test_csv_without_bom_is_read_the_same():
    data = (FIXTURES / "good.csv").read_bytes().removeprefix(b"\xef\xbb\xbf")
    assert parse_csv(data) == (EXPECTED_GOOD, [])


BAD_ROWS = [
    (2, "未知题型“排序”"),
    (3, "答案“G”不是已有的选项"),
    (4, "缺少题干"),
    (5, "难度应为1到5的整数"),
    (6, "选项B为空"),
    (7, "判断题的答案应为“对”或“错”"),
    (8, "缺少答案"),
    (9, "单选题只能有一个答案"),
    (10, "“abc”不是有效的数字"),
    (11, "未知能力“跳舞”"),
]


def test_every_bad_row_is_reported_with_its_row_number():
    questions, problems = parse_csv((FIXTURES / "bad.csv").read_bytes())
    assert [problem.line for problem in problems] == [row for row, _ in BAD_ROWS]
    for problem, (_, message) in zip(problems, BAD_ROWS, strict=True):
        assert message in problem.message
    assert [question.stem for question in questions] == ["这一行是好的"]


def test_problem_reads_as_row_then_message():
    _, problems = parse_csv((FIXTURES / "bad.csv").read_bytes())
    assert str(problems[1]) == "第3行（哪个部门负责治安？）：答案“G”不是已有的选项"


def test_csv_in_gbk_is_read_as_chinese_excel_saves_it():
    text = (FIXTURES / "good.csv").read_text(encoding="utf-8-sig")
    questions, problems = parse_csv(text.encode("gbk"))
    assert problems == []
    assert questions == parse_csv(text.encode("utf-8"))[0] and questions


def test_encoding_problem_names_the_row_of_the_first_bad_byte():
    good = csv_bytes({"题型": "判断", "题干": "好", "答案": "对"})
    data = good + "判断,坏,,,,,,,对\n".encode("gbk")
    assert [problem.line for problem in parse_csv(data)[1]] == [3]


def test_csv_in_utf16_is_rejected():
    data = (FIXTURES / "good.csv").read_text(encoding="utf-8-sig").encode("utf-16")
    assert "UTF-8" in parse_csv(data)[1][0].message


@pytest.mark.parametrize("data", [b"", "题干,答案\n".encode()])
def test_sheet_without_the_required_columns_is_a_problem_on_row_one(data):
    questions, problems = parse_csv(data)
    assert questions == []
    assert problems[0].line == 1
    assert "缺少列" in problems[0].message


def test_duplicate_column_is_a_problem():
    assert "重复" in parse_csv("题型,题干,答案,答案\n".encode())[1][0].message


@pytest.mark.parametrize("name", ["单选", "单选题", "单项选择题", "single", " 单选 "])
def test_type_column_accepts_common_spellings(name):
    assert only_question(题型=name, 题干="题", 选项A="甲", 选项B="乙", 答案="a").type == "single"


@pytest.mark.parametrize(("word", "truth"), [
    ("对", True), ("正确", True), ("√", True), ("T", True), ("true", True),
    ("错", False), ("错误", False), ("×", False), ("F", False), ("FALSE", False),
])
def test_true_false_answer_accepts_chinese_and_symbol_words(word, truth):
    assert only_question(题型="判断", 题干="题", 答案=word).truth is truth


def test_multiple_choice_from_a_sheet_is_all_or_nothing_with_equal_weights():
    question = only_question(题型="多选", 题干="题", 选项A="甲", 选项B="乙", 选项C="丙",
                             选项D="丁", 答案="A、C，D")
    assert question.partial is False
    assert [option.fraction for option in question.options] == [1 / 3, 0.0, 1 / 3, 1 / 3]


@pytest.mark.parametrize(("answer", "expected"), [
    ("3.14", NumericAnswer(3.14)),
    ("3.14±0.01", NumericAnswer(3.14, 0.01)),
    ("3.14:0.01", NumericAnswer(3.14, 0.01)),
    ("３．１４：０．０１", NumericAnswer(3.14, 0.01)),
    ("1..5", NumericAnswer(3.0, 2.0)),
    ("-2", NumericAnswer(-2.0)),
])
def test_numeric_answer_accepts_value_tolerance_and_range(answer, expected):
    assert only_question(题型="数值", 题干="题", 答案=answer).numeric == [expected]


def test_competencies_accept_codes_and_chinese_names_with_any_separator():
    question = only_question(题型="判断", 题干="题", 答案="对",
                             能力="舆情应对，mediation、语言沟通")
    assert question.competencies == ["public_opinion", "mediation", "communication"]


def test_blank_difficulty_means_three():
    assert only_question(题型="判断", 题干="题", 答案="对", 难度="").difficulty == 3


def test_option_column_beyond_the_answer_is_not_an_answer():
    assert "答案“C”不是已有的选项" in only_problem(
        题型="单选", 题干="题", 选项A="甲", 选项B="乙", 答案="C").message


def test_xlsx_is_read_with_any_column_order_number_cells_and_blank_rows():
    header = ["答案", "题干", "难度", "题型", "选项B", "选项A", "备注"]
    data = xlsx_bytes(
        header,
        ["B", "哪个部门负责治安？", 4, "单选题", "公安", "民政", "不导入"],
        [3.14, "π约等于？", None, "数值", None, None, None],
        [True, "网格员要持证上岗。", 2.0, "判断", None, None, None],
        [None, None, None, None, None, None, None],
        ["G", "坏行", None, "单选", "甲", "乙", None],
        [None] * 7,
        ["  ", None, None, None, None, None, None],
    )
    questions, problems = parse_xlsx(data)
    assert questions == plain(
        QuestionData("single", "哪个部门负责治安？", difficulty=4,
                     options=[Option("A", "民政", 0.0), Option("B", "公安", 1.0)]),
        QuestionData("numerical", "π约等于？", numeric=[NumericAnswer(3.14)]),
        QuestionData("truefalse", "网格员要持证上岗。", truth=True, difficulty=2),
    )
    assert [(problem.line, problem.message) for problem in problems] == [
        (6, "答案“G”不是已有的选项")]


def test_xlsx_reads_only_the_first_sheet():
    workbook = openpyxl.Workbook()
    workbook.active.append(["题型", "题干", "答案"])
    workbook.active.append(["判断", "第一张表", "对"])
    workbook.create_sheet("其他").append(["题型", "题干", "答案"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    questions, _ = parse_xlsx(buffer.getvalue())
    assert [question.stem for question in questions] == ["第一张表"]


@pytest.mark.parametrize("data", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_damaged_xlsx_is_a_problem_not_an_exception(data):
    questions, problems = parse_xlsx(data)
    assert questions == []
    assert "xlsx" in problems[0].message


FORMULAS = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2", "@SUM(A1)", "'=already quoted",
            "=cmd|' /C calc'!A0", "＝1+1", "＋1", "－2", "＠SUM(A1)"]


def formula_questions() -> list[QuestionData]:
    return [QuestionData("short", text, accepted=[text], explanation=text, category=text)
            for text in FORMULAS]


def test_dump_xlsx_writes_no_live_formula_and_reads_back_the_text():
    data = dump_xlsx(formula_questions())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    cells = [row[1] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(
        min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    # text cells as written; only an apostrophe already in front gets one more
    assert [cell.value for cell in cells] == [
        "'" + text if text.startswith("'") else text for text in FORMULAS]
    assert parse_xlsx(data) == (formula_questions(), [])


def test_dump_csv_has_a_bom_and_quotes_formula_cells():
    data = dump_csv(formula_questions())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(ALL_HEADERS) and rows[0][: len(HEADERS)] == list(HEADERS)
    assert [row[1] for row in rows[1:]] == ["'" + text for text in FORMULAS]
    assert parse_csv(data) == (formula_questions(), [])
