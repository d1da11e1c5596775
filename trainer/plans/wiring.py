"""How the plans domain plugs into the others (called by the factory): the record's
"sessions" section."""

from flask import Flask

from trainer.plans import record
from trainer.records.sections import bulk, sections


def init_app(app: Flask) -> None:
    sections.register("sessions", record.sessions_attended)
    bulk.register("sessions", record.sessions_for)
