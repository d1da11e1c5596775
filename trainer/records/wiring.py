"""The records domain's own section (called by the factory): "courses" completed, from the
learning domain's enrolments."""

from flask import Flask

from trainer.records import record
from trainer.records.sections import sections


def init_app(app: Flask) -> None:
    sections.register("courses", record.courses_completed)
