"""`flask competitions ...`: housekeeping for contests (safe to run from cron)."""

import click
from flask.cli import AppGroup

from trainer.competitions.models import Competition
from trainer.competitions.services import grade_closed_rounds
from trainer.competitions.standings import redisboard, scoring
from trainer.extensions import db

cli = AppGroup("competitions", help="Competitions: grading closed rounds, standings upkeep.")


@cli.command("grade-closed")
def grade_closed_command() -> None:
    """Grade, as saved, every competition attempt whose round has closed."""
    total = grade_closed_rounds()
    click.echo(f"graded {total} attempts")


@cli.command("rebuild-board")
@click.argument("comp_id", type=int)
def rebuild_board_command(comp_id: int) -> None:
    """Recompute a competition's stored standings and rebuild its Redis copy."""
    comp = db.session.get(Competition, comp_id)
    if comp is None:
        raise click.ClickException(f"no competition {comp_id}")
    count = scoring.refresh_competition(comp)
    db.session.commit()
    client = redisboard.client()
    if client is not None:
        redisboard.ensure_built(comp.id)
    click.echo(f"recomputed {count} entries")
