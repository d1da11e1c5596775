"""How the quizzes domain plugs into the others (called by the factory): the record's
"attempts" section."""

from flask import Flask

from trainer.quizzes import record
from trainer.records.sections import sections


def init_app(app: Flask) -> None:
    sections.register("attempts", record.attempts_graded)
