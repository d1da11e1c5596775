"""Targets for assignment tests: a course, a quiz and a scenario, published, rows made
directly (what each domain's own tests cover is not repeated here)."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db

NOISE = (Path(__file__).resolve().parents[1] / "simulation" / "fixtures" / "noise.yml"
         ).read_text(encoding="utf-8")


@pytest.fixture
def targets(app, users):
    """{"course": slug, "course_id", "quiz": id, "scenario": slug, "scenario_id",
    "s2_course": a course private to street S2}."""
    from trainer.learning.models import Course, Lesson
    from trainer.org.services import department_by_code, unit_by_code
    from trainer.quizzes.models import Quiz
    from trainer.simulation.loader import upsert_scenario
    from trainer.simulation.models import Scenario
    from trainer.simulation.validate import parse_yaml

    with app_ctx(app):
        dept = department_by_code("civil-affairs")
        course = Course(slug="mediation-basics", title="调解基础", department=dept,
                        status="published", hours=2, competencies=[])
        course.all_lessons = [Lesson(position=1, title="一", filename="01.md", body_md="一",
                                     body_html="<p>一</p>")]
        private = Course(slug="s2-only", title="S2街道专题", department=dept,
                         status="published", hours=1, competencies=[],
                         street_id=unit_by_code("S2").id,
                         district_id=unit_by_code("D").id)
        quiz = Quiz(title="政策测验", published=True, department_id=dept.id)
        db.session.add_all([course, private, quiz])
        codes = {"civil-affairs"}
        graph, problems = parse_yaml(NOISE, "noise.yml", "noise", codes)
        assert problems == []
        upsert_scenario(graph)
        scenario = db.session.scalar(sa.select(Scenario).where(Scenario.slug == "noise"))
        scenario.status = "published"
        db.session.commit()
        return {"course": course.slug, "course_id": course.id, "quiz": quiz.id,
                "scenario": "noise", "scenario_id": scenario.id, "s2_course": private.slug,
                "scenario_version": scenario.current_version_id}
