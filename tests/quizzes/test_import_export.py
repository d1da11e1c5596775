"""Importing question files (CLI and browser, with exact problem reports; nothing stored
until clean) and exporting the bank so that import(export(x)) == x."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.quizzes.test_gift import ERRORS
from trainer.extensions import db
from trainer.quizzes.bank import question_data
from trainer.quizzes.gift import parse_gift
from trainer.quizzes.models import ImportDraft, Question, QuestionBank
from trainer.quizzes.sheets import parse_xlsx

FIXTURES = Path(__file__).parent / "fixtures"
CSV_PROBLEMS = [(2, "未知题型“排序”"), (3, "答案“G”不是已有的选项"), (4, "缺少题干"),
                (5, "难度应为1到5的整数"), (6, "选项B为空"), (7, "判断题的答案应为“对”或“错”"),
                (8, "缺少答案"), (9, "单选题只能有一个答案"), (10, "不是有效的数字"),
                (11, "未知能力“跳舞”")]


def count(app, model=Question):
    with app_ctx(app):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def bad_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["题型", "题干", "选项A", "选项B", "答案", "难度"])
    sheet.append(["单选", "好题", "甲", "乙", "A", 2])
    sheet.append(["单选", "坏题", "甲", "乙", "C", 2])
    sheet.append(["连线", "不支持的题型", "", "", "A", ""])
    book.save(path)
    return path


def test_cli_prints_every_gift_problem_with_its_line_and_stores_nothing(app, runner, org):
    result = runner.invoke(args=["questions", "import", str(FIXTURES / "errors.gift")])
    assert result.exit_code != 0
    for line, message in ERRORS:
        assert re.search(rf"errors\.gift：第{line}行.*{re.escape(message)}", result.output)
    assert "有 10 个问题，没有导入任何题目" in result.output
    assert count(app) == 0 and count(app, QuestionBank) == 0


def test_cli_prints_every_csv_problem_with_its_row(app, runner, org):
    result = runner.invoke(args=["questions", "import", str(FIXTURES / "bad.csv")])
    assert result.exit_code != 0
    for row, message in CSV_PROBLEMS:
        assert re.search(rf"bad\.csv：第{row}行.*{re.escape(message)}", result.output)
    assert count(app) == 0


def test_cli_reports_xlsx_rows(app, runner, org, tmp_path):
    result = runner.invoke(args=["questions", "import", str(bad_xlsx(tmp_path / "b.xlsx"))])
    assert result.exit_code != 0
    assert "第3行（坏题）：答案“C”不是已有的选项" in result.output
    assert "第4行（不支持的题型）：未知题型“连线”" in result.output
    assert count(app) == 0


def test_cli_imports_a_clean_file_once(app, runner, org):
    args = ["questions", "import", str(FIXTURES / "good.csv"), "--bank", "网格基础",
            "--department", "organisation"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "已导入 6 道题" in first.output
    again = runner.invoke(args=args)
    assert "已导入 0 道题" in again.output and "（6 道已在题库中）" in again.output
    with app.app_context():
        question = db.session.scalar(sa.select(Question).order_by(Question.id))
        assert question.bank.name == "网格基础" and question.department.code == "organisation"
        assert question.stem_html == "<p>网格员的首要职责是？</p>"


def test_cli_refuses_an_unknown_department(runner, org):
    result = runner.invoke(args=["questions", "import", str(FIXTURES / "good.csv"),
                                 "--department", "police"])
    assert result.exit_code != 0 and "没有代码为 police 的部门" in result.output


def upload(auth, path: Path, name: str | None = None, **fields):
    data = {"file": (io.BytesIO(path.read_bytes()), name or path.name), **fields}
    return auth.post("/bank/import", data=data, content_type="multipart/form-data")


def test_browser_import_lists_every_problem_and_stores_nothing(app, client, auth, users):
    auth.login("trainer")
    resp = upload(auth, FIXTURES / "errors.gift")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    cells = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>", html)
    assert [int(line) for line, _s, _m in cells] == [line for line, _ in ERRORS]
    for (_line, _start, message), (_n, expected) in zip(cells, ERRORS, strict=True):
        assert expected in message.replace("&#34;", '"')
    assert "::匹配::把部门和职责对应起来。" in cells[0][1]
    assert "/bank/import/" not in html  # no confirm button
    assert count(app) == 0


def test_browser_import_previews_then_stores_on_confirm(app, client, auth, users):
    auth.login("trainer")
    resp = upload(auth, FIXTURES / "good.csv", bank="街道题库")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "网格员的首要职责是？" in html
    assert "权重 100%" in html and "权重 0%" in html and "答案：" in html  # options, key
    assert count(app) == 0 and count(app, ImportDraft) == 1
    action = re.search(r'action="(/bank/import/[^"]+)"', html).group(1)
    done = auth.post(action, page="/bank/import")
    assert done.status_code == 302
    assert count(app) == 6 and count(app, ImportDraft) == 0
    with app.app_context():
        assert {q.department.code for q in db.session.scalars(sa.select(Question))} == {
            "public-security"}
    assert auth.post(action, page="/bank/import").status_code == 404


def test_another_users_import_draft_is_404(app, client, auth, users, make_user):
    make_user("trainer2", role="trainer")
    auth.login("trainer")
    html = upload(auth, FIXTURES / "good.csv").get_data(as_text=True)
    action = re.search(r'action="(/bank/import/[^"]+)"', html).group(1)
    auth.logout()
    auth.login("trainer2")
    assert auth.post(action, page="/bank/import").status_code == 404
    assert count(app) == 0


def test_unsupported_file_type_is_refused(app, client, auth, users):
    auth.login("trainer")
    resp = upload(auth, FIXTURES / "good.csv", name="questions.docx")
    assert resp.status_code == 422 and count(app, ImportDraft) == 0


@pytest.fixture
def imported(runner, org):
    runner.invoke(args=["questions", "import", str(FIXTURES / "all_features.gift"),
                        "--bank", "特征"])


def test_gift_export_imports_back_equal(app, client, auth, users, imported):
    auth.login("trainer")
    resp = client.get("/bank/export?format=gift")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    exported, problems = parse_gift(resp.get_data(as_text=True))
    with app.app_context():
        stored = [question_data(q) for q in db.session.scalars(
            sa.select(Question).order_by(Question.id.desc()))]
    assert problems == [] and exported == stored
    original, _ = parse_gift((FIXTURES / "all_features.gift").read_text("utf-8"))
    assert sorted(exported, key=lambda q: q.stem) == sorted(original, key=lambda q: q.stem)


def test_gift_export_downloads_as_a_text_file_for_moodles_picker(client, auth, users, imported):
    auth.login("trainer")
    resp = client.get("/bank/export?format=gift")
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert resp.headers["Content-Disposition"].endswith(".txt")
    assert "[markdown]" in resp.get_data(as_text=True)  # the format is kept per question


def test_xlsx_export_of_a_filter_imports_back_and_neutralises_formulas(app, client, auth,
                                                                       users, runner):
    runner.invoke(args=["questions", "import", str(FIXTURES / "good.csv")])
    auth.login("trainer")
    resp = client.get("/bank/export?format=xlsx&type=truefalse")
    questions, problems = parse_xlsx(resp.get_data())
    assert problems == [] and {q.type for q in questions} == {"truefalse"}
    assert "=1+1 会被当作公式吗？\n第二行" in [q.stem for q in questions]
    sheet = openpyxl.load_workbook(io.BytesIO(resp.get_data())).active
    stems = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert stems["=1+1 会被当作公式吗？\n第二行"] == "s"  # a text cell, never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_worker_cannot_export(client, auth, users):
    auth.login("worker")
    assert client.get("/bank/export?format=gift").status_code == 403


def test_xlsx_export_of_the_whole_bank_imports_back_equal(app, client, auth, users, imported):
    auth.login("trainer")
    exported, problems = parse_xlsx(client.get("/bank/export?format=xlsx").get_data())
    with app.app_context():
        stored = [question_data(q) for q in db.session.scalars(
            sa.select(Question).order_by(Question.id.desc()))]
    assert problems == [] and exported == stored
    assert any(answer.fraction == 0.5 for q in exported for answer in q.numeric)


def test_sheet_texts_are_shown_as_plain_text(app, runner, org, tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text('题型,题干,选项A,选项B,答案,解析\n'
                    '单选,1*2*3 = 6 <b>吗</b>,*是*,否,A,"第一行\n第二行"\n', encoding="utf-8")
    assert runner.invoke(args=["questions", "import", str(path)]).exit_code == 0
    with app.app_context():
        question = db.session.scalar(sa.select(Question))
        assert question.stem_html == "<p>1*2*3 = 6 &lt;b&gt;吗&lt;/b&gt;</p>"
        assert question.options_html == ["*是*", "否"]
        assert question.explanation_html == "<p>第一行<br>第二行</p>"


def test_the_bank_export_writes_a_calc_payload_as_text(app, client, auth, users, runner,
                                                       tmp_path):
    # (the template's CSV writer has no download of its own: test_sheets.py covers it)
    calc = "=cmd|' /C calc'!A0"
    path = tmp_path / "calc.csv"
    path.write_text('题型,题干,选项A,选项B,答案\n单选,"' + calc.replace('"', '""')
                    + '",甲,乙,A\n', encoding="utf-8")
    assert runner.invoke(args=["questions", "import", str(path)]).exit_code == 0
    auth.login("trainer")
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get("/bank/export?format=xlsx").get_data())).active
    stem = {c.value: c for c in (row[1] for row in sheet.iter_rows(min_row=2))}[calc]
    assert stem.data_type == "s"  # a text cell, shown as typed


MOODLE_SKIPPED = [(13, "不支持的题型：问答题"), (17, "不支持的题型：匹配题"),
                  (25, "不支持的题型：说明文字（没有“{…}”答案部分）")]


def test_unsupported_moodle_questions_are_skipped_not_blocking(app, client, auth, users):
    questions, problems = parse_gift((FIXTURES / "moodle_bank.txt").read_text("utf-8"))
    assert [q.title for q in questions] == ["首要职责", "报警电话"]
    assert [(p.line, p.skipped) for p in problems] == [(line, True) for line, _ in MOODLE_SKIPPED]
    auth.login("trainer")
    resp = upload(auth, FIXTURES / "moodle_bank.txt", bank="Moodle题库")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "将跳过 3 道题" in html
    cells = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>", html)
    assert [(int(line), message) for line, _start, message in cells] == [
        (line, message) for line, message in MOODLE_SKIPPED]
    assert "谈谈你对网格化管理的认识" in cells[0][1]
    action = re.search(r'action="(/bank/import/[^"]+)"', html).group(1)
    assert auth.post(action, page="/bank/import").status_code == 302
    with app.app_context():
        assert sorted(q.title for q in db.session.scalars(sa.select(Question))) == [
            "报警电话", "首要职责"]


def test_cli_imports_the_rest_of_a_moodle_bank_and_names_what_it_skipped(app, runner, org):
    result = runner.invoke(args=["questions", "import", str(FIXTURES / "moodle_bank.txt"),
                                 "--bank", "Moodle"])
    assert result.exit_code == 0, result.output
    skipped = "第13行（::谈认识::[html]谈谈你对网格化管理的认识。{}）：不支持的题型：问答题"
    assert skipped + "（已跳过）" in result.output
    assert count(app) == 2


def test_the_spreadsheet_template_downloads_and_reads_back(app, client, auth, users):
    from trainer.quizzes.sheets import parse_xlsx
    from trainer.quizzes.sheets.columns import ALL_HEADERS

    auth.login("trainer")
    resp = client.get("/bank/import-template.xlsx")
    assert resp.status_code == 200 and "question-template.xlsx" in resp.headers[
        "Content-Disposition"]
    questions, problems = parse_xlsx(resp.data)
    assert problems == [] and [q.type for q in questions] == ["single", "multiple"]
    header = next(openpyxl.load_workbook(io.BytesIO(resp.data)).active.iter_rows(
        max_row=1, values_only=True))
    assert tuple(header) == ALL_HEADERS
