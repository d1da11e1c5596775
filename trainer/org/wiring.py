"""How the organisation domain plugs into the job queue (called by the factory): the people
import runs as a background job ("people-import", trainer.org.people_job)."""

from flask import Flask

from trainer.jobs.queue import tasks
from trainer.org import people_job


def init_app(app: Flask) -> None:
    tasks.register("people-import", people_job.run)
