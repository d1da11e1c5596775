"""`flask questions import FILE [--bank NAME] [--department CODE]`."""

from pathlib import Path

import click
from flask.cli import AppGroup

from trainer.extensions import db
from trainer.org.services import department_by_code
from trainer.quizzes.bank import import_questions, parse_upload

cli = AppGroup("questions", help="Question bank.")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", "bank_name", default=None, help="Bank name (default: the file name).")
@click.option("--department", default=None, help="Department code of the questions.")
def import_command(file: Path, bank_name: str | None, department: str | None) -> None:
    """Import a GIFT, .xlsx or .csv file: every problem is printed with its line or row
    and nothing is stored unless the whole file is clean."""
    dept = department_by_code(department) if department else None
    if department and dept is None:
        raise click.ClickException(f"unknown department code {department!r}")
    questions, found = parse_upload(file.name, file.read_bytes())
    for problem in found:
        click.echo(f"{file}: {problem}{' (skipped)' if problem.skipped else ''}", err=True)
    problems = [problem for problem in found if not problem.skipped]
    if problems:
        raise click.ClickException(f"{len(problems)} problems; nothing was imported")
    if not questions:
        raise click.ClickException(f"{file}: no questions found")
    added, skipped = import_questions(questions, bank_name or file.stem,
                                      department_id=dept.id if dept else None)
    db.session.commit()
    click.echo(f"{file}: {added} questions imported into “{bank_name or file.stem}”"
               f" ({skipped} already there)")
