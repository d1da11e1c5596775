"""How monitoring plugs in (called by the factory): the job queue's gauges on /metrics,
read from the ``jobs`` table (monitoring.collectors "jobs")."""

from flask import Flask

from trainer.monitoring import job_gauges
from trainer.monitoring.metrics import collectors


def init_app(app: Flask) -> None:
    collectors.register("jobs", job_gauges.collect)
