"""`flask jobs ...`: the consumer that runs background jobs and periodic tasks."""

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from trainer.jobs import queue

cli = AppGroup("jobs", help="Background jobs: run the consumer, run a periodic task now.")


@cli.command("work")
@click.option("--workers", "-w", default=2, show_default=True,
              help="Jobs run at the same time (threads).")
@click.option("--no-periodic", is_flag=True, help="Do not run the periodic tasks here "
              "(when another consumer of the same queue already does).")
def work_command(workers: int, no_periodic: bool) -> None:
    """Run the job consumer until stopped (SIGINT waits for running jobs, SIGTERM not)."""
    app = current_app._get_current_object()
    huey = queue.huey_of(app)
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is set: there is no queue to consume")
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    storage = type(huey).__name__
    click.echo(f"jobs: {storage} {huey.name!r}, {workers} workers, periodic tasks "
               f"{'off' if no_periodic else ', '.join(k for k, _ in queue.periodic.items())}")
    reaped = queue.run_periodic("reap-stale-jobs", app)
    if reaped:
        click.echo(f"jobs: {reaped} job(s) left running by a stopped consumer marked failed")
    consumer = huey.create_consumer(workers=workers, worker_type="thread",
                                    periodic=not no_periodic, check_worker_health=True)
    consumer.run()


@cli.command("run-periodic")
@click.argument("name")
def run_periodic_command(name: str) -> None:
    """Run the periodic task NAME once, now (what `flask jobs work` does on schedule)."""
    if queue.periodic.get(name) is None:
        names = ", ".join(k for k, _ in queue.periodic.items())
        raise click.ClickException(f"no periodic task {name!r} (known: {names})")
    result = queue.run_periodic(name)
    click.echo(f"{name}: {result}")
