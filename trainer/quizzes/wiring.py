"""How the quizzes domain plugs into the others (called by the factory): the record's
"attempts" section; question explanations are searchable (search.sources "questions");
a large question import runs as a background job (jobs.tasks "questions-import")."""

from flask import Flask

from trainer.jobs.queue import tasks
from trainer.quizzes import import_job, record, search
from trainer.records.sections import bulk, sections
from trainer.search.sources import sources


def init_app(app: Flask) -> None:
    sections.register("attempts", record.attempts_graded)
    bulk.register("attempts", record.attempts_for)
    sources.register("questions", search.QUESTIONS)
    tasks.register("questions-import", import_job.run)
