"""How the quizzes domain plugs into the others (called by the factory): the record's
"attempts" section; question explanations are searchable (search.sources "questions")."""

from flask import Flask

from trainer.main.home_blocks import HomeBlock, home_blocks
from trainer.quizzes import home, record, search
from trainer.records.sections import sections
from trainer.search.sources import sources


def init_app(app: Flask) -> None:
    sections.register("attempts", record.attempts_graded)
    sources.register("questions", search.QUESTIONS)
    home_blocks.register("continue-attempt", HomeBlock(11, home.open_attempt))
