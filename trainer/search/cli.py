"""``flask search rebuild``: copy every source into the index again (after a restore, or
the first time on a database that had content before search existed)."""

import click
from flask.cli import AppGroup

from trainer.extensions import db
from trainer.search.index import rebuild

cli = AppGroup("search", help="Site search index.")


@cli.command("rebuild")
def rebuild_command():
    """Rebuild the search index from every registered source."""
    counts = rebuild()
    db.session.commit()
    for name, count in counts.items():
        click.echo(f"{name}: {count}")
