"""Catalogue search and filters, and the reader's previous/next links."""

import pytest
import sqlalchemy as sa

from tests.conftest import bearer
from trainer.extensions import db
from trainer.learning.models import Lesson


def _slugs(client, headers, query):
    return sorted(c["slug"] for c in client.get(f"/api/v1/courses?{query}",
                                                 headers=headers).get_json())


@pytest.fixture
def shipped(app, load, shipped_copy, auth, users):
    load(shipped_copy)
    return bearer(auth.token("worker"))


def test_search_matches_title_or_summary_text(client, shipped):
    assert _slugs(client, shipped, "q=消防通道") == ["fire-corridor-safety"]
    assert "population-info-antifraud" in _slugs(client, shipped, "q=诈骗")


@pytest.mark.parametrize("q", ["%", "_", "%25", "a_b", "\\"])
def test_search_wildcard_characters_match_literally(client, shipped, q):
    assert _slugs(client, shipped, f"q={q}") == []


def test_competency_filter_keeps_only_courses_with_that_competency(app, client, shipped):
    from trainer.learning.models import Course

    with app.app_context():
        expected = sorted(c.slug for c in db.session.scalars(sa.select(Course))
                          if "public_opinion" in c.competencies)
    got = _slugs(client, shipped, "competency=public_opinion")
    assert got == expected and 0 < len(got) < 13


@pytest.mark.parametrize("query", ["competency=nope", "department=nope"])
def test_unknown_filter_values_match_nothing(client, shipped, query):
    assert _slugs(client, shipped, query) == []


def test_catalogue_page_filters_and_escapes_search(client, auth, shipped):
    auth.login("worker")
    html = client.get("/courses?competency=nope").get_data(as_text=True)
    assert "没有符合条件的课程" in html or "No courses match" in html
    html = client.get("/courses?department=fire&q=楼道").get_data(as_text=True)
    assert "楼道堆物" in html and "反电信网络诈骗" not in html
    assert "card" not in client.get("/courses?q=%25").get_data(as_text=True).split(
        '<ul class="cards">')[1].split("</ul>")[0]


def test_reader_links_previous_and_next_lessons(app, fresh, client, auth, users, load, course_dir):
    folder = course_dir / "demo-course"
    yml = folder / "course.yml"
    yml.write_text(yml.read_text("utf-8").replace("02-b.md]", "02-b.md, 03-c.md]"), "utf-8")
    (folder / "03-c.md").write_text("# 第三课\n\n归档。\n", "utf-8")
    load(course_dir)
    first, second, third = fresh.scalars(
        sa.select(Lesson.id).order_by(Lesson.position))
    auth.login("worker")
    html = client.get(f"/lessons/{first}").get_data(as_text=True)
    assert f'href="/lessons/{second}" rel="next"' in html and 'rel="prev"' not in html
    html = client.get(f"/lessons/{second}").get_data(as_text=True)
    assert f'href="/lessons/{first}" rel="prev"' in html
    assert f'href="/lessons/{third}" rel="next"' in html and "第 2 课，共 3 课" in html
    html = client.get(f"/lessons/{third}").get_data(as_text=True)
    assert f'href="/lessons/{second}" rel="prev"' in html and 'rel="next"' not in html
