"""How the records domain plugs into the others (called by the factory): its own section
("courses" completed, from the learning domain's enrolments), its record pages grade
the caller's overdue attempts before they render (quizzes.graded_first), and sending xAPI
statements to a learning record store is a job ("xapi-send": jobs.tasks, and
jobs.periodic every 15 minutes)."""

from flask import Flask

from trainer.jobs.queue import Periodic, periodic, tasks
from trainer.quizzes.policies import graded_first
from trainer.records import record, xapi
from trainer.records.sections import sections


def init_app(app: Flask) -> None:
    sections.register("courses", record.courses_completed)
    for endpoint in ("records.my_record", "api.my_record"):
        graded_first.register(endpoint, True)
    tasks.register("xapi-send", xapi.run_send_job)
    periodic.register("xapi-send", Periodic(xapi.send_periodically, minute="*/15"))
