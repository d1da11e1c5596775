"""GIFT (Moodle's text format): reader.py imports and writer.py exports, following
Moodle's qformat_gift.

Questions are separated by blank lines; lines starting with // are comments, and Moodle's
`// [tag:...]` comments in a question's block give its tags (`difficulty:N`,
`competency:CODE`, `points:N`, `grading:all-or-nothing` are read as those fields), and
its `// [id:...]` gives Moodle's question ID number (also read from `[id:...]` right after
the title); the writer puts the ID number first in that comment, as Moodle does.
Where Moodle is lax, this parser reports a problem instead of guessing: two `=` answers in
a choice question, several answer blocks, weights that do not add up. Partial-credit short
answers (`=%50%...`) are read with their credit. Matching, essay and description questions
are listed as skipped (ImportProblem.skipped): the rest of the file can still be imported.
Text is plain unless the question starts with [markdown] (or [html]), as in Moodle; the
writer says [markdown] on Markdown questions and writes only the weights Moodle accepts.
"""

from trainer.quizzes.gift.reader import BLANK, parse_gift
from trainer.quizzes.gift.writer import dump_gift
from trainer.quizzes.items import ImportProblem

__all__ = ["BLANK", "ImportProblem", "dump_gift", "parse_gift"]
