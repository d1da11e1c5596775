"""How the records domain plugs into the others (called by the factory): its own section
("courses" completed, from the learning domain's enrolments), and its record pages grade
the caller's overdue attempts before they render (quizzes.graded_first)."""

from flask import Flask

from trainer.quizzes.policies import graded_first
from trainer.records import record
from trainer.records.sections import sections


def init_app(app: Flask) -> None:
    sections.register("courses", record.courses_completed)
    for endpoint in ("records.my_record", "api.my_record"):
        graded_first.register(endpoint, True)
