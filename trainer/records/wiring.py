"""How the records domain plugs into the others (called by the factory): its own section
("courses" completed, from the learning domain's enrolments, one worker or many), and its
record pages grade the caller's overdue attempts before they render (quizzes.graded_first);
sending xAPI statements to a learning record store is a job ("xapi-send": jobs.tasks, and
jobs.periodic every 15 minutes).

Until the assignments domain registers "assignments" in ``assessment_inputs``, records
registers a provider that finds none (every worker counts as 100 % of assignments done);
a provider registered before or after this replaces it."""

from flask import Flask

from trainer.jobs.queue import Periodic, periodic, tasks
from trainer.quizzes.policies import graded_first
from trainer.records import export_job, record, xapi
from trainer.records.sections import assessment_inputs, bulk, sections


def no_assignments(who, year: int) -> dict[int, dict]:
    """No worker has assignments (the stand-in until the assignments domain lands)."""
    return {}


def init_app(app: Flask) -> None:
    sections.register("courses", record.courses_completed)
    bulk.register("courses", record.courses_for)
    if assessment_inputs.get("assignments") is None:
        assessment_inputs.register("assignments", no_assignments)
    tasks.register("records-export", export_job.run)
    for endpoint in ("records.my_record", "api.my_record"):
        graded_first.register(endpoint, True)
    tasks.register("xapi-send", xapi.run_send_job)
    periodic.register("xapi-send", Periodic(xapi.send_periodically, minute="*/15"))
