"""`flask questions import FILE [--bank NAME] [--department CODE]`."""

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

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
        raise click.ClickException(_("unknown department code %(code)s", code=department))
    questions, found = parse_upload(file.name, file.read_bytes())
    for problem in found:
        click.echo(_("%(file)s: %(problem)s (skipped)", file=str(file), problem=problem)
                   if problem.skipped else _("%(where)s: %(problem)s", where=str(file),
                                               problem=problem), err=True)
    problems = [problem for problem in found if not problem.skipped]
    if problems:
        raise click.ClickException(_("%(n)s problems; nothing was imported", n=len(problems)))
    if not questions:
        raise click.ClickException(_("%(file)s: no questions found", file=str(file)))
    added, skipped = import_questions(questions, bank_name or file.stem,
                                      department_id=dept.id if dept else None)
    db.session.commit()
    click.echo(_("%(file)s: %(added)s questions imported into “%(bank)s” (%(skipped)s "
                 "already there)", file=str(file), added=added, bank=bank_name or file.stem,
                 skipped=skipped))
