"""How the plans domain plugs into the others (called by the factory): the record's
"sessions" section, the reminder of a session starting within a day, and a renamed
course's slug in the sessions' materials (signal course_renamed)."""

from flask import Flask

from trainer import signals
from trainer.auth.erasers import erasers
from trainer.main.home_blocks import HomeBlock, home_blocks
from trainer.notifications.producers import producers
from trainer.plans import erasure, home, materials, record, reminders
from trainer.records.sections import bulk, sections


def init_app(app: Flask) -> None:
    erasers.register("plans", erasure.ERASER)
    sections.register("sessions", record.sessions_attended)
    bulk.register("sessions", record.sessions_for)
    producers.register("sessions", reminders.produce)
    home_blocks.register("sessions", HomeBlock(20, home.sessions_block))
    signals.course_renamed.connect(materials.on_course_renamed)
