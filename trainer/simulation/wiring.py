"""How the simulation domain plugs into the others (called by the factory): the record's
"runs" section; the runs' competency scores count in practice's weak competencies."""

from flask import Flask

from trainer.auth.erasers import erasers
from trainer.main.home_blocks import HomeBlock, home_blocks
from trainer.quizzes.policies import competency_sources
from trainer.records.sections import bulk, sections
from trainer.simulation import erasure, home, record


def init_app(app: Flask) -> None:
    erasers.register("simulation", erasure.ERASER)
    sections.register("runs", record.runs_finished)
    bulk.register("runs", record.runs_for)
    home_blocks.register("continue-run", HomeBlock(12, home.unfinished_run))
    competency_sources.register("scenario-runs", record.competency_shares)
