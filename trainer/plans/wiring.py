"""How the plans domain plugs into the others (called by the factory): the record's
"sessions" section."""

from flask import Flask

from trainer.auth.erasers import erasers
from trainer.plans import erasure, record
from trainer.records.sections import sections


def init_app(app: Flask) -> None:
    erasers.register("plans", erasure.ERASER)
    sections.register("sessions", record.sessions_attended)
