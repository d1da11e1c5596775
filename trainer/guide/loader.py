"""Load the guide folder: validate every file, upsert the valid files' entries by key,
idempotently, never over an entry edited on the web."""

from pathlib import Path

import sqlalchemy as sa
import yaml
from flask_babel import gettext as _

from trainer.content import LoadReport
from trainer.extensions import db
from trainer.guide.entry_format import References, read_guide_folder, where
from trainer.guide.services import upsert_entry
from trainer.learning.models import Course, Lesson
from trainer.learning.strict_yaml import strict_safe_load
from trainer.simulation.loader import SUFFIXES
from trainer.simulation.models import Scenario


def load_guide(folder: Path, *, dry_run: bool, known_departments: set[str],
               refs: References) -> LoadReport:
    """Validate every file of ``folder``; unless ``dry_run``, upsert the entries of the
    valid ones. A file with any problem loads nothing. An entry edited on the web since it
    was loaded is kept, with a warning when its file now says something else."""
    report = LoadReport()
    if not folder.is_dir():
        report.problems.append(f"{folder}: not a folder")
        return report
    specs, report.problems = read_guide_folder(folder, known_departments, refs)
    for spec in specs:
        outcome = "unchanged" if dry_run else upsert_entry(spec)
        if outcome == "kept":
            report.warnings.append("warning: " + where(f"{spec.department}.yml", spec.key) +
                                   ": " + _("edited on the web; the file's version is not "
                                            "loaded over it"))
            outcome = "unchanged"
        getattr(report, outcome).append(f"guide:{spec.key}")
    return report


def known_references(courses_dir: Path | None, scenarios_dir: Path | None) -> References:
    """What entries may link to: the lessons and scenarios in the database, and those in
    the course and scenario folders being loaded alongside (so `check` needs no load)."""
    lessons = {f"{slug}/{name}" for slug, name in db.session.execute(
        sa.select(Course.slug, Lesson.filename).join(Lesson.course)
        .where(Lesson.retired.is_(False)))}
    scenarios = set(db.session.scalars(sa.select(Scenario.slug)))
    if courses_dir is not None and courses_dir.is_dir():
        lessons |= _folder_lessons(courses_dir)
    if scenarios_dir is not None and scenarios_dir.is_dir():
        scenarios |= {p.stem for p in scenarios_dir.iterdir()
                      if p.is_file() and p.suffix.lower() in SUFFIXES}
    return References(lessons=lessons, scenarios=scenarios)


def _folder_lessons(folder: Path) -> set[str]:
    found = set()
    for course_yml in sorted(folder.glob("*/course.yml")):
        try:
            data = strict_safe_load(course_yml.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):  # the course loader reports it
            continue
        lessons = data.get("lessons") if isinstance(data, dict) else None
        if isinstance(lessons, list):
            found |= {f"{course_yml.parent.name}/{x}" for x in lessons if isinstance(x, str)}
    return found
