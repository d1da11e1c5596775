import shutil
from pathlib import Path

import pytest

from trainer.extensions import db

ROOT = Path(__file__).resolve().parents[2]

COURSE_YML = """version: 1
title: 测试课程
department: fire
lecturer: 区消防救援大队宣传员
summary: 用于测试的课程。
competencies: [communication]
hours: 2
lessons: [01-a.md, 02-b.md]
"""


@pytest.fixture
def course_dir(tmp_path):
    """A folder with one valid course ``demo-course``; returns a writer for changes."""
    root = tmp_path / "courses"
    folder = root / "demo-course"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(COURSE_YML, "utf-8")
    lesson = "# 第一课\n\n先亮明身份。\n\n| 项 | 说明 |\n|---|---|\n| 一 | 二 |\n"
    (folder / "01-a.md").write_text(lesson, "utf-8")
    (folder / "02-b.md").write_text("# 第二课\n\n上报给社区。\n", "utf-8")
    return root


@pytest.fixture
def load(app):
    """Load a course folder through the real loader; returns the report."""
    from trainer.learning.loader import load_courses
    from trainer.org.services import DEPARTMENTS, ensure_departments

    def run(folder: Path, dry_run: bool = False):
        with app.app_context():
            ensure_departments()
            report = load_courses(folder, dry_run=dry_run,
                                  known_departments={c for c, _n in DEPARTMENTS})
            db.session.commit()
            return report

    return run


@pytest.fixture
def shipped_copy(tmp_path):
    target = tmp_path / "shipped"
    shutil.copytree(ROOT / "courses", target)
    return target
