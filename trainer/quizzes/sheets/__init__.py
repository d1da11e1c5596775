"""The spreadsheet question template, as .xlsx or UTF-8 .csv. Pure code: no Flask, no DB.

Row 1 holds the headers (any order; unknown columns are ignored); every later row that is
not blank is one question, and problems name that row. Cells starting with = + - @ are
written with a leading ' so no spreadsheet runs them as formulas; that ' is removed again
on import. Multiple choice from a sheet is all-or-nothing. Title, tags, points and
feedback have no column, so dump_* drops them.
"""

from trainer.quizzes.sheets.columns import HEADERS, TYPE_NAMES
from trainer.quizzes.sheets.reader import parse_csv, parse_xlsx
from trainer.quizzes.sheets.rows import read_row
from trainer.quizzes.sheets.writer import answer_text, dump_csv, dump_xlsx

__all__ = ["HEADERS", "TYPE_NAMES", "answer_text", "dump_csv", "dump_xlsx", "parse_csv",
           "parse_xlsx", "read_row"]
