"""How the simulation domain plugs into the others (called by the factory): the record's
"runs" section."""

from flask import Flask

from trainer.records.sections import bulk, sections
from trainer.simulation import record


def init_app(app: Flask) -> None:
    sections.register("runs", record.runs_finished)
    bulk.register("runs", record.runs_for)
