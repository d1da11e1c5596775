"""`flask content ...`: validate, load and export the course and scenario libraries."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from trainer.content import LoadReport
from trainer.extensions import db
from trainer.learning.loader import load_courses
from trainer.org.models import Department
from trainer.org.services import ensure_departments
from trainer.search.index import rebuild as rebuild_index
from trainer.simulation.loader import load_scenarios

cli = AppGroup("content", help="Course and scenario content.")

COURSES = click.option("--courses", "courses_dir", type=click.Path(path_type=Path),
                       help="Course folder (default: the shipped courses/).")
SCENARIOS = click.option("--scenarios", "scenarios_dir", type=click.Path(path_type=Path),
                         help="Scenario folder (default: the shipped scenarios/).")


def _run(courses_dir: Path | None, scenarios_dir: Path | None, dry_run: bool) -> LoadReport:
    ensure_departments()  # department codes are part of the content format
    known = set(db.session.scalars(sa.select(Department.code)))
    cfg = current_app.config
    report = load_courses(courses_dir or Path(cfg["COURSES_DIR"]), dry_run=dry_run,
                          known_departments=known)
    return report.merge(load_scenarios(scenarios_dir or Path(cfg["SCENARIOS_DIR"]),
                                       dry_run=dry_run, known_departments=known))


def _print(report: LoadReport, verb: str) -> None:
    for line in report.problems + report.warnings:
        click.echo(line, err=True)
    click.echo(f"{verb}: {len(report.created)} created, {len(report.updated)} updated, "
               f"{len(report.unchanged)} unchanged, {len(report.problems)} problems, "
               f"{len(report.warnings)} warnings")


@cli.command("load")
@COURSES
@SCENARIOS
def load_command(courses_dir, scenarios_dir):
    """Validate and upsert courses and scenarios (idempotent); rebuild the search index."""
    report = _run(courses_dir, scenarios_dir, dry_run=False)
    rebuild_index()  # the whole index from scratch: also what an earlier load left out
    db.session.commit()  # valid files load even when another file has problems
    _print(report, "content load")
    if not report.ok:
        raise SystemExit(1)


@cli.command("check")
@COURSES
@SCENARIOS
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check_command(courses_dir, scenarios_dir, strict):
    """Validate only: one line per problem, non-zero exit when there is any; warnings are
    lines starting with "warning:" and fail the check only with --strict."""
    report = _run(courses_dir, scenarios_dir, dry_run=True)
    db.session.rollback()
    for line in report.problems + report.warnings:
        click.echo(line)
    click.echo(f"content check: {len(report.problems)} problems, "
               f"{len(report.warnings)} warnings")
    if not report.ok or (strict and report.warnings):
        raise SystemExit(1)


@cli.command("export")
@click.argument("slug")
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path))
def export_command(slug, output):
    """Write course SLUG back out as a course folder under OUTPUT."""
    from trainer.learning.export import ExportError, export_course
    from trainer.learning.models import Course

    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"no course with slug {slug!r}")
    try:
        folder = export_course(course, output)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or output}: {exc.strerror}") from None
    click.echo(f"exported {slug} to {folder}")
