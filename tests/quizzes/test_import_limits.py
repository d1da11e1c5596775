"""Question imports that cannot be bombed or lose rows (issue 14 item 3)."""

import io
import zipfile

import openpyxl
import pytest

from tests.org.test_people_import_limits import measure_import
from trainer.quizzes.bank import import_questions, parse_upload
from trainer.quizzes.sheets import parse_xlsx

HEAD = ["题型", "题干", "选项A", "选项B", "答案", "分类"]


def book(rows, *, before=()) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    for line in [*before, HEAD, *rows]:
        workbook.active.append(line)
    return workbook


def saved(workbook: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def million_row_bank() -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(saved(book([])))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if not item.filename.endswith("sheet1.xml"):
                dst.writestr(item, body)
                continue
            head, _sep, rest = body.partition(b"</sheetData>")
            with dst.open(item.filename, "w") as stream:
                stream.write(head)
                row = ('<row><c t="inlineStr"><is><t>判断</t></is></c><c t="inlineStr"><is>'
                       '<t>题</t></is></c><c/><c/><c t="inlineStr"><is><t>对</t></is></c>'
                       '</row>').encode()
                for _ in range(100):
                    stream.write(row * 10_000)
                stream.write(b"</sheetData>" + rest)
    return out.getvalue()


MEASURE = """
import resource, sys, time
data = open(sys.argv[1], "rb").read()
from trainer.quizzes.bank import parse_upload
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
questions, problems = parse_upload("bank.xlsx", data)
took = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(took, (after - before) // 1024, f"{len(questions)} {problems[0].message if problems else ''}",
      sep="\\n")
"""


def test_a_million_row_bank_is_refused_fast_and_small(tmp_path):
    data = million_row_bank()
    assert len(data) < 1024 * 1024
    took, grew_mb, outcome = measure_import(tmp_path, data, MEASURE)
    print(f"1,000,000 questions: refused in {took:.2f} s, peak RSS grew {grew_mb} MB")
    assert outcome.startswith("0 ") and ("20,000" in outcome or "MB" in outcome)
    assert took < 1.0 and grew_mb < 100


def test_a_huge_gift_file_stops_at_the_question_limit(monkeypatch):
    import trainer.quizzes.gift.reader as reader

    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    text = "\n\n".join(f"问题{n} {{T}}" for n in range(10))
    questions, problems = parse_upload("bank.gift", text.encode())
    assert questions == [] and [p.line for p in problems] == [7] and "3" in problems[0].message


def test_nul_in_gift_is_reported_at_preview_with_its_line():
    data = "::一::网格员要定期走访 {T}\n\n::二::入户\x00登记 {F}\n".encode()
    questions, problems = parse_upload("bank.gift", data)
    assert questions == [] and [p.line for p in problems] == [3]
    assert "\\0" in problems[0].message


def test_nul_in_csv_is_reported_with_its_line():
    data = "题型,题干,答案\n判断,好,对\n判断,坏\x00,对\n".encode()
    questions, problems = parse_upload("bank.csv", data)
    assert questions == [] and [p.line for p in problems] == [3]


def test_cells_are_stored_as_they_display():
    import datetime

    workbook = book([["单选", "哪天施行？", None, None, "A", "法规"]])
    sheet = workbook.active
    sheet["C2"] = datetime.datetime(2021, 1, 1)
    sheet["C2"].number_format = "yyyy-mm-dd"
    sheet["D2"] = 0.08
    sheet["D2"].number_format = "0%"
    sheet["F2"] = 0.125
    sheet["F2"].number_format = "0.0%"
    questions, problems = parse_xlsx(saved(workbook))
    assert problems == []
    assert [o.text for o in questions[0].options] == ["2021-01-01", "8%"]
    assert questions[0].category == "12.5%"


def test_a_title_row_and_an_instructions_sheet_are_skipped():
    workbook = book([["判断", "网格员要保护居民隐私", None, None, "对", ""]],
                    before=[["2026年题库"]])
    notes = workbook.create_sheet("填写说明", 0)
    notes.append(["题型可填：单选、多选、判断"])
    questions, problems = parse_xlsx(saved(workbook))
    assert problems == [] and [q.stem for q in questions] == ["网格员要保护居民隐私"]


def test_merged_category_fills_every_row_it_covers():
    workbook = book([["判断", f"题{n}", None, None, "对", "治安" if n == 0 else None]
                     for n in range(3)])
    workbook.active.merge_cells("F2:F4")
    questions, problems = parse_xlsx(saved(workbook))
    assert problems == [] and [q.category for q in questions] == ["治安"] * 3


def test_formula_without_a_value_is_a_problem_not_an_empty_cell():
    workbook = book([["判断", "题", None, None, "=IF(1,\"对\",\"错\")", ""]])
    questions, problems = parse_xlsx(saved(workbook))
    assert questions == [] and [p.line for p in problems] == [2] and "E" in problems[0].message


@pytest.mark.slow
def test_ten_thousand_questions_import(app):
    import sqlalchemy as sa

    from trainer.extensions import db
    from trainer.quizzes.models import Question

    rows = [["单选", f"第{n}题：网格员发现问题后应当？", "及时上报", "置之不理", "A", "履职"]
            for n in range(10_000)]
    questions, problems = parse_xlsx(saved(book(rows)))
    assert problems == [] and len(questions) == 10_000
    with app.app_context():
        assert import_questions(questions, "大题库", department_id=None) == (10_000, 0)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 10_000
