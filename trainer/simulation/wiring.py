"""How the simulation domain plugs into the others (called by the factory): the record's
"runs" section."""

from flask import Flask

from trainer.auth.erasers import erasers
from trainer.records.sections import sections
from trainer.simulation import erasure, record


def init_app(app: Flask) -> None:
    erasers.register("simulation", erasure.ERASER)
    sections.register("runs", record.runs_finished)
