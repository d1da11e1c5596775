"""How the quizzes domain plugs into the others (called by the factory): the record's
"attempts" and "practice" sections; question explanations are searchable (search.sources
"questions"); a large question import runs as a background job (jobs.tasks
"questions-import"); templates get ``practice_summary(user)`` (the practice block of the
home page and the record: reviews due today, today's goal, streak, practice days)."""

from flask import Flask

from trainer.auth.erasers import erasers
from trainer.jobs.queue import tasks
from trainer.main.home_blocks import HomeBlock, home_blocks
from trainer.quizzes import erasure, home, import_job, record, search, spaced
from trainer.records.sections import bulk, sections
from trainer.search.sources import sources


def init_app(app: Flask) -> None:
    erasers.register("quizzes", erasure.ERASER)
    sections.register("attempts", record.attempts_graded)
    bulk.register("attempts", record.attempts_for)
    sections.register("practice", spaced.days_in_year)
    bulk.register("practice", spaced.days_for)
    app.add_template_global(spaced.practice_summary, "practice_summary")
    sources.register("questions", search.QUESTIONS)
    tasks.register("questions-import", import_job.run)
    home_blocks.register("continue-attempt", HomeBlock(11, home.open_attempt))
    home_blocks.register("practice", HomeBlock(40, home.practice_block))
