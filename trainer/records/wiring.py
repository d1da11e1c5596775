"""How the records domain plugs into the others (called by the factory): its own section
("courses" completed, from the learning domain's enrolments, one worker or many), and its
record pages grade the caller's overdue attempts before they render (quizzes.graded_first);
sending xAPI statements to a learning record store is a job ("xapi-send": jobs.tasks, and
jobs.periodic every 15 minutes). The annual rating's "assignments" input comes from the
assignments domain."""

from flask import Flask

from trainer.jobs.queue import Periodic, periodic, tasks
from trainer.quizzes.policies import graded_first
from trainer.records import export_job, record, xapi
from trainer.records.sections import bulk, sections


def init_app(app: Flask) -> None:
    sections.register("courses", record.courses_completed)
    bulk.register("courses", record.courses_for)
    tasks.register("records-export", export_job.run)
    for endpoint in ("records.my_record", "api.my_record"):
        graded_first.register(endpoint, True)
    tasks.register("xapi-send", xapi.run_send_job)
    periodic.register("xapi-send", Periodic(xapi.send_periodically, minute="*/15"))
