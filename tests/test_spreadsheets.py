"""The one spreadsheet-cell rule (trainer/spreadsheets.py), in both formats."""

import csv
import io
import zipfile

import openpyxl
import pytest

from trainer.spreadsheets import (
    FORMULA_STARTS,
    csv_bytes,
    csv_cell,
    quote_for_reader,
    unquote_cell,
    workbook_bytes,
)

CALC = "=cmd|' /C calc'!A0"
LEADS = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]


def test_the_leading_characters_are_the_documented_ones():
    assert sorted(FORMULA_STARTS) == sorted(LEADS)


@pytest.mark.parametrize("lead", LEADS)
def test_csv_quotes_text_starting_with_each_character(lead):
    text = lead + "SUM(A1)"
    assert csv_cell(text) == "'" + text
    rows = list(csv.reader(io.StringIO(csv_bytes([[text, 2]]).decode("utf-8-sig"),
                                       newline="")))
    assert rows == [["'" + text, "2"]]
    assert unquote_cell(rows[0][0]) == text


@pytest.mark.parametrize("lead", LEADS)
def test_xlsx_writes_text_starting_with_each_character_as_a_text_cell(lead):
    text = lead + "SUM(A1)"
    data = workbook_bytes([("S", ["h"], [[text, 2.5]])])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    cell = openpyxl.load_workbook(io.BytesIO(data))["S"]["A2"]
    # shown exactly as written, no apostrophe (XML reads a CR as a line break: still text)
    assert cell.value == text.replace("\r", "\n") and cell.data_type == "s"


def test_the_calc_payload_in_both_formats():
    assert csv_cell(CALC) == "'" + CALC
    cell = openpyxl.load_workbook(io.BytesIO(workbook_bytes([("S", [CALC], [])])))["S"]["A1"]
    assert (cell.value, cell.data_type) == (CALC, "s")


@pytest.mark.parametrize("value", [3, -3, 2.5, -0.5, None])
def test_numbers_stay_numbers(value):
    assert csv_cell(value) == value
    cell = openpyxl.load_workbook(io.BytesIO(workbook_bytes([("S", ["h"], [[value]])])))["S"]
    assert cell["A2"].value == value
    shown = "" if value is None else str(value)
    assert csv_bytes([[value, "x"]]).decode("utf-8-sig") == shown + ",x\r\n"


@pytest.mark.parametrize("text", ["网格", "a=b", " =1", "'", "", "１２３", "–en dash"])
def test_harmless_text_is_kept(text):
    assert csv_cell(text) == text and unquote_cell(text) == text


@pytest.mark.parametrize("text", ["'=1", "''+2", "'\t3", "'＠4"])
def test_an_apostrophe_already_in_front_survives_the_round_trip(text):
    assert unquote_cell(csv_cell(text)) == text
    assert unquote_cell(quote_for_reader(text)) == text


def test_xlsx_drops_characters_xml_cannot_hold_and_leaves_blank_cells_empty():
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(
        [("S", ["h"], [["a\x01b", ""]])])))["S"]
    assert sheet["A2"].value == "ab" and sheet["B2"].value is None


def test_datetimes_are_date_cells_and_zoned_ones_are_refused():
    from datetime import UTC, datetime

    from trainer.spreadsheets import DATETIME_FORMAT

    data = workbook_bytes([("s", ["时间"], [[datetime(2026, 4, 8, 9, 30)]])])
    cell = openpyxl.load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.is_date and cell.value == datetime(2026, 4, 8, 9, 30)
    assert cell.number_format == DATETIME_FORMAT
    with pytest.raises(ValueError):
        workbook_bytes([("s", ["时间"], [[datetime(2026, 4, 8, 1, 30, tzinfo=UTC)]])])


def test_every_export_goes_through_this_module():
    """One neutraliser: no other module writes CSV itself, and a module that builds a
    workbook fills it only through ``xlsx_row`` (never raw ``append`` of a list)."""
    import re
    from pathlib import Path

    import trainer

    root = Path(trainer.__file__).parent
    writers, books = [], []
    for path in sorted(root.rglob("*.py")):
        name = str(path.relative_to(root))
        text = path.read_text("utf-8")
        if name == "spreadsheets.py":
            continue
        if re.search(r"csv\.(writer|DictWriter)\(", text):
            writers.append(name)
        if re.search(r"Workbook\(", text):
            books.append(name)
            assert "xlsx_row" in text, name
            assert not re.search(r"\.append\(\s*\[", text), name
    assert writers == []
    assert books == ["quizzes/sheets/writer.py"]
