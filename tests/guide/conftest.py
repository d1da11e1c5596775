"""Factories for the guide tests: a guide folder to write into, the loader, entries."""

from pathlib import Path

import pytest

from tests.conftest import app_ctx
from tests.simulation.conftest import make_scenario  # noqa: F401 - a shared fixture
from trainer.extensions import db

ROOT = Path(__file__).resolve().parents[2]

FIRE_YML = """version: 1
entries:
  - key: ebike-charging
    situation: 电动车楼道充电
    keywords: [电瓶车, 飞线]
    hotlines: [119, 96119]
    laws: [中华人民共和国消防法]
    contacts: [property]
    steps: |
      1. 冒烟起火先拨打 **119**。
      2. 与物业一起劝导。
    lessons: [demo-course/01-a.md]
    scenarios: [noise]
  - key: corridor-clutter
    situation: 楼道堆物
    hotlines: ["96119"]
    steps: 拍照记录，与物业一起劝导。
"""


@pytest.fixture
def guide_dir(tmp_path):
    """A folder holding fire.yml (two valid entries); write more files into it."""
    folder = tmp_path / "guide"
    folder.mkdir()
    (folder / "fire.yml").write_text(FIRE_YML, "utf-8")
    return folder


@pytest.fixture
def load_guide(app, org):
    """Run the guide loader inside the app (lesson demo-course/01-a.md and scenario noise
    are known unless ``refs`` says otherwise); returns the LoadReport."""
    from trainer.guide.entry_format import References
    from trainer.guide.loader import load_guide as load
    from trainer.org.services import DEPARTMENTS

    def run(folder: Path, dry_run: bool = False, refs: References | None = None):
        refs = refs or References(lessons={"demo-course/01-a.md"}, scenarios={"noise"})
        with app_ctx(app):
            report = load(folder, dry_run=dry_run, known_departments={c for c, _ in DEPARTMENTS},
                          refs=refs)
            db.session.commit()
            return report

    return run


@pytest.fixture
def make_entry(app, org):
    """Create an entry directly from fields; returns its key."""
    from trainer.guide.entry_format import to_spec
    from trainer.guide.services import upsert_entry

    def make(key="gas-smell", department="emergency", situation="闻到燃气味",
             steps="先离开，到室外拨打 **119**。", **fields):
        with app_ctx(app):
            upsert_entry(to_spec({"key": key, "situation": situation, "steps": steps,
                                  "hotlines": ["119"], **fields}, department, 1))
            db.session.commit()
        return key

    return make


@pytest.fixture
def make_contact(app, org):
    from trainer.guide.models import LocalContact

    def make(street="S1", kind="police-station", name="城关派出所", phone="0795-0000000",
             note=""):
        with app_ctx(app):
            contact = LocalContact(street_id=org.ids[street], kind=kind, name=name, phone=phone,
                                   note=note)
            db.session.add(contact)
            db.session.commit()
            return contact.id

    return make


@pytest.fixture
def make_course(app, org):
    """A published course ``demo-course`` with lessons 01-a.md and 02-b.md (of ``street``
    only, when given); returns the lesson ids by file name."""
    from trainer.learning.models import Course, Lesson
    from trainer.org.services import department_by_code

    def make(slug="demo-course", street=None):
        with app_ctx(app):
            course = Course(slug=slug, title="测试课程", department=department_by_code("fire"),
                            status="published", hours=1, competencies=[],
                            street_id=org.ids[street] if street else None)
            course.all_lessons = [
                Lesson(position=n, title=f"第{n}课", filename=name, body_md="# x",
                       body_html="<p>x</p>") for n, name in enumerate(("01-a.md", "02-b.md"), 1)]
            db.session.add(course)
            db.session.commit()
            return {lesson.filename: lesson.id for lesson in course.all_lessons}

    return make
