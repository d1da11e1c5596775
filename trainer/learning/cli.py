"""`flask content ...`: validate, load and export the course and scenario libraries and the
referral guide."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from trainer.content import LoadReport
from trainer.extensions import db
from trainer.guide.loader import known_references, load_guide
from trainer.learning.loader import load_courses
from trainer.org.models import Department
from trainer.org.services import ensure_departments
from trainer.search.index import rebuild as rebuild_index
from trainer.simulation.loader import load_scenarios

cli = AppGroup("content", help="Course, scenario and referral guide content.")

COURSES = click.option("--courses", "courses_dir", type=click.Path(path_type=Path),
                       help="Course folder (default: the shipped courses/).")
SCENARIOS = click.option("--scenarios", "scenarios_dir", type=click.Path(path_type=Path),
                         help="Scenario folder (default: the shipped scenarios/).")
GUIDE = click.option("--guide", "guide_dir", type=click.Path(path_type=Path),
                     help="Referral guide folder (default: the shipped guide/).")


def _run(courses_dir: Path | None, scenarios_dir: Path | None, guide_dir: Path | None,
         dry_run: bool) -> LoadReport:
    ensure_departments()  # department codes are part of the content format
    known = set(db.session.scalars(sa.select(Department.code)))
    cfg = current_app.config
    courses_dir = courses_dir or Path(cfg["COURSES_DIR"])
    scenarios_dir = scenarios_dir or Path(cfg["SCENARIOS_DIR"])
    report = load_courses(courses_dir, dry_run=dry_run, known_departments=known)
    report = report.merge(load_scenarios(scenarios_dir, dry_run=dry_run,
                                         known_departments=known))
    # Last: the guide links to the lessons and scenarios loaded (or checked) just before.
    # A missing default folder is a guide not shipped (yet), not a problem; --guide must exist.
    if guide_dir is None and Path(cfg["GUIDE_DIR"]).is_dir():
        guide_dir = Path(cfg["GUIDE_DIR"])
    if guide_dir is not None:
        report = report.merge(load_guide(
            guide_dir, dry_run=dry_run, known_departments=known,
            refs=known_references(courses_dir, scenarios_dir)))
    return report


def _print(report: LoadReport, verb: str) -> None:
    for line in report.problems + report.warnings:
        click.echo(line, err=True)
    click.echo(_("%(verb)s: %(created)s created, %(updated)s updated, %(unchanged)s "
                 "unchanged, %(problems)s problems, %(warnings)s warnings", verb=verb,
                 created=len(report.created), updated=len(report.updated),
                 unchanged=len(report.unchanged), problems=len(report.problems),
                 warnings=len(report.warnings)))


@cli.command("load")
@COURSES
@SCENARIOS
@GUIDE
def load_command(courses_dir, scenarios_dir, guide_dir):
    """Validate and upsert courses, scenarios and the referral guide (idempotent; an edit
    made on the web is never overwritten); rebuild the search index."""
    report = _run(courses_dir, scenarios_dir, guide_dir, dry_run=False)
    rebuild_index()  # the whole search index afresh: also what an earlier load left out
    db.session.commit()  # valid files load even when another file has problems
    _print(report, _("content load"))
    if not report.ok:
        raise SystemExit(1)


@cli.command("check")
@COURSES
@SCENARIOS
@GUIDE
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check_command(courses_dir, scenarios_dir, guide_dir, strict):
    """Validate only: one line per problem, non-zero exit when there is any; warnings are
    lines starting with "warning:" and fail the check only with --strict."""
    report = _run(courses_dir, scenarios_dir, guide_dir, dry_run=True)
    db.session.rollback()
    for line in report.problems + report.warnings:
        click.echo(line)
    click.echo(_("content check: %(problems)s problems, %(warnings)s warnings",
                 problems=len(report.problems), warnings=len(report.warnings)))
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
        raise click.ClickException(_("no course with slug %(slug)s", slug=slug))
    try:
        folder = export_course(course, output)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(_("%(where)s: %(problem)s", where=str(exc.filename or output),
                                       problem=exc.strerror)) from None
    click.echo(_("exported %(slug)s to %(folder)s", slug=slug, folder=str(folder)))
