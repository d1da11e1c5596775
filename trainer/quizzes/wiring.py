"""How the quizzes domain plugs into the others (called by the factory): the record's
"attempts" section; question explanations are searchable (search.sources "questions")."""

from flask import Flask

from trainer.quizzes import record, search
from trainer.records.sections import bulk, sections
from trainer.search.sources import sources


def init_app(app: Flask) -> None:
    sections.register("attempts", record.attempts_graded)
    bulk.register("attempts", record.attempts_for)
    sources.register("questions", search.QUESTIONS)
