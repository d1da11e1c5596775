"""How the plans domain plugs into the others (called by the factory): the record's
"sessions" section."""

from flask import Flask

from trainer.main.home_blocks import HomeBlock, home_blocks
from trainer.plans import home, record
from trainer.records.sections import sections


def init_app(app: Flask) -> None:
    sections.register("sessions", record.sessions_attended)
    home_blocks.register("sessions", HomeBlock(20, home.sessions_block))
