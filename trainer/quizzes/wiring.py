"""How the quizzes domain plugs into the others (called by the factory): the record's
"attempts" section; question explanations are searchable (search.sources "questions");
a large question import runs as a background job (jobs.tasks "questions-import")."""

from flask import Flask

from trainer.auth.erasers import erasers
from trainer.jobs.queue import tasks
from trainer.quizzes import erasure, import_job, record, search
from trainer.records.sections import sections
from trainer.search.sources import sources


def init_app(app: Flask) -> None:
    erasers.register("quizzes", erasure.ERASER)
    sections.register("attempts", record.attempts_graded)
    sources.register("questions", search.QUESTIONS)
    tasks.register("questions-import", import_job.run)
