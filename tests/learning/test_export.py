"""`flask content export` then `flask content load`: nothing lost, nothing reported."""

import sqlalchemy as sa

from tests.conftest import app_ctx, bearer
from trainer.extensions import db
from trainer.learning.models import Course, Lesson, LessonProgress


def _export(runner, slug, out):
    return runner.invoke(args=["content", "export", slug, "-o", str(out)])


def _load(runner, folder):
    scenarios = folder.parent / "no-scenarios"
    scenarios.mkdir(exist_ok=True)
    result = runner.invoke(args=["content", "load", "--courses", str(folder),
                                 "--scenarios", str(scenarios)])
    assert result.exit_code == 0, result.output
    return result.output


def _web_course(auth):
    auth.post("/author/courses/new", {
        "slug": "web-course", "title": "网页课程", "department": "public-security",
        "summary": "网页写的课。", "hours": "1", "competencies": ["information"]})
    page = "/author/courses/web-course/lessons/new"
    auth.post(page, {"body": "没有标题行的一课。", "save": "1"})
    auth.post(page, {"body": "# 第二课\n\n有标题。", "save": "1"})


def _state(app):
    with app_ctx(app):
        course = db.session.scalar(sa.select(Course).where(Course.slug == "web-course"))
        return ([(x.id, x.title, x.position, x.filename) for x in course.lessons],
                course.status, course.street_id, course.title, course.hours)


def test_web_course_round_trip_keeps_lessons_titles_status_scope_and_progress(
        app, fresh, client, auth, users, make_user, runner, tmp_path):
    make_user("s1trainer", role="trainer", unit="S1")
    auth.login("s1trainer")
    _web_course(auth)
    with app.app_context():
        first = db.session.scalar(sa.select(Lesson.id).order_by(Lesson.position))
        db.session.add(LessonProgress(user_id=users["worker"], lesson_id=first))
        db.session.commit()
    before = _state(app)
    assert before[0][0][1] == "第 1 课" and before[1] == "draft" and before[2] is not None
    assert all(name.endswith(".md") for *_rest, name in before[0])
    assert _export(runner, "web-course", tmp_path / "out").exit_code == 0
    yml = (tmp_path / "out" / "web-course" / "course.yml").read_text("utf-8")
    assert "status: draft" in yml and "street: S1" in yml
    assert "新建 0 个，更新 0 个，未变 1 个" in _load(runner, tmp_path / "out")
    assert "新建 0 个，更新 0 个，未变 1 个" in _load(runner, tmp_path / "out")
    assert _state(app) == before
    assert fresh.scalar(sa.select(LessonProgress.lesson_id)) == first


def test_exported_folder_loads_as_unchanged_even_after_web_edits(
        app, client, auth, users, runner, load, course_dir, tmp_path):
    load(course_dir)
    auth.login("admin")
    auth.post("/author/courses/demo-course", {"title": "改过的标题", "summary": "新简介",
                                              "hours": "0", "lecturer": "讲师"})
    assert _export(runner, "demo-course", tmp_path / "out").exit_code == 0
    assert "新建 0 个，更新 0 个，未变 1 个" in _load(runner, tmp_path / "out")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        assert (course.title, course.hours) == ("改过的标题", 0)


def test_lesson_added_on_the_web_to_a_file_course_survives_an_export_reload(
        app, client, auth, users, runner, load, course_dir, tmp_path):
    load(course_dir)
    auth.login("admin")
    auth.post("/author/courses/demo-course/lessons/new", {"body": "网页加的课。", "save": "1"})
    with app.app_context():
        added = db.session.scalar(sa.select(Lesson).where(Lesson.position == 3))
        added_id, name = added.id, added.filename
    assert name == f"03-lesson-{added_id}.md"
    client.post(f"/api/v1/lessons/{added_id}/complete", headers=bearer(auth.token("worker")))
    _export(runner, "demo-course", tmp_path / "out")
    (tmp_path / "out" / "demo-course" / "02-b.md").write_text("# 第二课\n\n改了。\n", "utf-8")
    assert "更新 1 个" in _load(runner, tmp_path / "out")
    with app.app_context():
        added = db.session.get(Lesson, added_id)
        assert (added.title, added.retired) == ("第 3 课", False)
        assert db.session.scalar(sa.select(LessonProgress.lesson_id)) == added_id


def test_export_into_an_existing_file_is_a_clear_error(app, runner, load, course_dir,
                                                       tmp_path):
    load(course_dir)
    target = tmp_path / "a-file"
    target.write_text("x", "utf-8")
    result = _export(runner, "demo-course", target)
    assert result.exit_code == 1 and "exists and is not a folder" in result.output
    assert not isinstance(result.exception, NotADirectoryError)
    assert target.read_text("utf-8") == "x"


def test_export_into_an_earlier_export_removes_stale_files(app, runner, load, course_dir,
                                                           tmp_path):
    load(course_dir)
    _export(runner, "demo-course", tmp_path)
    stale = tmp_path / "demo-course" / "99-old.md"
    stale.write_text("# 旧\n", "utf-8")
    assert _export(runner, "demo-course", tmp_path).exit_code == 0
    assert not stale.exists()
    assert sorted(p.name for p in (tmp_path / "demo-course").iterdir()) == [
        "01-a.md", "02-b.md", "course.yml"]


def test_export_refuses_to_clean_a_folder_that_is_not_a_course(app, runner, load, course_dir,
                                                               tmp_path):
    load(course_dir)
    (tmp_path / "demo-course").mkdir()
    (tmp_path / "demo-course" / "notes.txt").write_text("mine", "utf-8")
    result = _export(runner, "demo-course", tmp_path)
    assert result.exit_code == 1 and "not a course folder" in result.output
    assert (tmp_path / "demo-course" / "notes.txt").exists()
