"""`flask backup create|restore|daily`: snapshots of the database while the site is in use
(trainer/privacy/backup.py)."""

import click
from flask.cli import AppGroup

from trainer.privacy import backup

cli = AppGroup("backup", help="Back up and restore the database.")


@cli.command("create")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="The backup file to write (its manifest goes beside it).")
def create(out: str) -> None:
    """Take a consistent snapshot while the site is in use, with a manifest beside it."""
    try:
        manifest = backup.create(out)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(manifest["row_counts"].values())
    click.echo(f"backup {out}: {manifest['dialect']}, schema {manifest['schema_revision']}, "
               f"{rows} rows, {manifest['size']} bytes, sha256 {manifest['sha256']}")
    click.echo(f"manifest {backup.manifest_path(out)}")


@cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already has accounts.")
def restore(file: str, force: bool) -> None:
    """Restore FILE into an empty database (--force: replace a non-empty one), then
    re-apply every erasure recorded since. A damaged or foreign file changes nothing."""
    try:
        done = backup.restore(file, force=force)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    again = done.reapplied
    click.echo(f"restored {file} (made {done.manifest['created_at']}, schema "
               f"{done.manifest['schema_revision']}"
               f"{', then upgraded' if done.upgraded else ''})")
    click.echo(f"erasures re-applied: {again.erased} (already erased: {again.already}, "
               f"not in the backup: {again.absent}, another account: {again.mismatched})")


@cli.command("daily")
@click.option("--dir", "folder", default=None, help="Default: BACKUP_DIR.")
@click.option("--keep", type=int, default=None, help="Default: BACKUP_KEEP.")
def daily(folder: str | None, keep: int | None) -> None:
    """The periodic backup: a timestamped backup in BACKUP_DIR, keeping the last N."""
    try:
        out, removed = backup.daily(folder, keep)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup {out}; removed {len(removed)} older")
