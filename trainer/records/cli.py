"""`flask records export`: training records per worker for annual assessment."""

from pathlib import Path

import click
from flask.cli import AppGroup

from trainer.extensions import db
from trainer.org.scope import street_by_code
from trainer.records.services import export_file, export_rows

cli = AppGroup("records", help="Training records.")


@cli.command("export")
@click.option("--year", type=int, required=True)
@click.option("--half", type=click.Choice(["1", "2"]))
@click.option("--street", help="Only this street's workers (a street code).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
def export_command(year, half, street, fmt, output):
    """Write every worker's training record of YEAR (or one half) for annual assessment:
    the record's figures, the suggested and the final rating. Texts never run as formulas
    (spreadsheets.py: typed text cells, or a ' in CSV); numbers are numbers."""
    unit = None
    if street:
        unit = street_by_code(street)
        if unit is None:
            raise click.BadParameter(f"no street with code {street}", param_hint="--street")
    rows = export_rows(year, int(half) if half else None, unit)
    output.write_bytes(export_file(fmt, year, rows))
    db.session.rollback()
    click.echo(f"records export: {len(rows)} workers written to {output}")


@cli.command("xapi-send")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=100, show_default=True)
def xapi_send_command(batch_size):
    """Send the xAPI statements the learning record store (XAPI_LRS_URL) has not accepted
    yet; each accepted batch is committed at once, so a run stopped half-way resumes where
    it stopped, and nothing is ever sent twice. Exits non-zero when the LRS refuses or
    stays away after retries."""
    from trainer.records import xapi

    try:
        sent = xapi.send_pending(batch_size=batch_size, commit=db.session.commit)
    except xapi.LrsError as exc:
        db.session.commit()  # keep the outbox rows of the batches that went through
        raise click.ClickException(f"records xapi-send: {exc}") from exc
    db.session.commit()
    click.echo(f"records xapi-send: {sent} statements sent")
