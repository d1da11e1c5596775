"""How the assignments domain plugs into the others (called by the factory): the record's
"assignments" section, its pages grade overdue quiz attempts before they render (a quiz
passed a moment ago counts as done), and its reminders (due in three days, overdue)."""

from flask import Flask

from trainer.assignments import record, reminders
from trainer.main.home_blocks import HomeBlock, home_blocks
from trainer.notifications.producers import producers
from trainer.quizzes.policies import graded_first
from trainer.records.sections import assessment_inputs, bulk, sections


def init_app(app: Flask) -> None:
    sections.register("assignments", record.assignments_section)
    bulk.register("assignments", record.assignments_for)
    assessment_inputs.register("assignments", record.assignment_figures)
    for endpoint in ("assignments.mine", "api.my_assignments", "api.list_assignments"):
        graded_first.register(endpoint, True)
    producers.register("assignments", reminders.produce)
    home_blocks.register("assignments", HomeBlock(30, record.home_block_html))
