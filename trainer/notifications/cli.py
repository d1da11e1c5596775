"""`flask reminders send`: produce the due reminders now (the job queue runs the same)."""

import click
from flask.cli import AppGroup

from trainer.notifications.services import run_reminders

cli = AppGroup("reminders", help="Reminders and notifications.")


@cli.command("send")
@click.option("--no-mail", is_flag=True, help="Create the notifications, send no e-mail.")
def send_command(no_mail):
    """Create the notifications now due (each only once) and e-mail them where wanted."""
    counts = run_reminders(send_mail=not no_mail)
    click.echo("reminders send: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
