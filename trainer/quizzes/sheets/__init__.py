"""The spreadsheet question template, as .xlsx or .csv (UTF-8 or GBK). No DB; problem
messages go through Flask-Babel (gift/messages.py). Files are read within the limits of
trainer/sheet_reading.py (rows, cells, cell length, unpacked bytes).

Row 1 holds the headers (any order; unknown columns are ignored; a title row above them or
an instructions sheet in front is skipped); every later row that is not blank is one
question, and problems name that row of the sheet. The columns of DESIGN.md (题型, 题干,
选项A…选项F, 答案, 解析, 难度, 分类, 能力) are followed by optional ones (extras.py: 分值, 标题,
标签, 部分得分, 权重, 反馈, 其他答案反馈, 格式), so that dump_* then parse_* gives back exactly
the questions written, whatever the bank holds. Texts are plain text unless 格式 says
Markdown. No cell runs as a formula (trainer/spreadsheets.py): .xlsx texts are text
cells, and .csv cells starting with = + - @ (tab, CR, full-width ＝＋－＠) get a leading ',
which is removed again on import.
"""

from trainer.quizzes.sheets.columns import ALL_HEADERS, EXTRA_HEADERS, HEADERS, TYPE_NAMES
from trainer.quizzes.sheets.reader import parse_csv, parse_xlsx
from trainer.quizzes.sheets.rows import read_row
from trainer.quizzes.sheets.writer import answer_text, dump_csv, dump_xlsx

__all__ = ["ALL_HEADERS", "EXTRA_HEADERS", "HEADERS", "TYPE_NAMES", "answer_text", "dump_csv",
           "dump_xlsx", "parse_csv", "parse_xlsx", "read_row"]
