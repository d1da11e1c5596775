"""Where learners left off, and progress that survives edits, reloads and removals."""

import sqlalchemy as sa

from tests.conftest import app_ctx, bearer
from trainer.extensions import db
from trainer.learning.models import CourseRevision, Enrollment, Lesson, LessonProgress

THREE = "lessons: [01-a.md, 02-b.md, 03-c.md]"


def _three_lessons(course_dir):
    yml = course_dir / "demo-course" / "course.yml"
    yml.write_text(yml.read_text("utf-8").replace("lessons: [01-a.md, 02-b.md]", THREE), "utf-8")
    (course_dir / "demo-course" / "03-c.md").write_text("# 第三课\n\n归档。\n", "utf-8")


def _ids(app):
    with app_ctx(app):
        return list(db.session.scalars(sa.select(Lesson.id).order_by(Lesson.position)))


def _continue_link(client) -> str:
    html = client.get("/courses/demo-course").get_data(as_text=True)
    start = html.index('class="button primary wide"')
    return html[start:html.index("</a>", start)]


def test_opening_a_lesson_page_records_it_and_continue_resumes_it(app, fresh, client, auth, users,
                                                                  load, course_dir):
    _three_lessons(course_dir)
    load(course_dir)
    first, second, third = _ids(app)
    auth.login("worker")
    assert "/lessons/" + str(first) in _continue_link(client)
    client.get(f"/lessons/{third}")
    link = _continue_link(client)
    assert f'href="/lessons/{third}"' in link and "第三课" in link
    assert fresh.scalar(sa.select(Enrollment.last_lesson_id)) == third


def test_opening_a_lesson_through_the_api_records_it(app, fresh, client, auth, users, load,
                                                     course_dir):
    _three_lessons(course_dir)
    load(course_dir)
    second = _ids(app)[1]
    headers = bearer(auth.token("worker"))
    assert client.get(f"/api/v1/lessons/{second}", headers=headers).status_code == 200
    assert fresh.scalar(sa.select(Enrollment.last_lesson_id)) == second
    auth.login("worker")
    assert f'href="/lessons/{second}"' in _continue_link(client)


def test_continue_after_finishing_the_last_opened_goes_to_the_next_unfinished_after_it(
        app, client, auth, users, load, course_dir):
    _three_lessons(course_dir)
    load(course_dir)
    first, second, third = _ids(app)
    auth.login("worker")
    client.get(f"/lessons/{second}")
    auth.post(f"/lessons/{second}/complete", page=f"/lessons/{second}")
    assert f'href="/lessons/{third}"' in _continue_link(client)
    auth.post(f"/lessons/{third}/complete", page=f"/lessons/{third}")
    # Nothing unfinished after where I left off: back to the first unfinished one.
    assert f'href="/lessons/{first}"' in _continue_link(client)


def test_web_deleting_a_lesson_with_progress_retires_it_and_keeps_the_progress(
        app, client, auth, users, load, course_dir):
    load(course_dir)
    first, second = _ids(app)
    auth.login("worker")
    auth.post(f"/lessons/{first}/complete", page=f"/lessons/{first}")
    auth.logout()
    auth.login("admin")
    auth.post(f"/author/courses/demo-course/lessons/{first}/delete",
              page="/author/courses/demo-course")
    auth.post(f"/author/courses/demo-course/lessons/{second}/delete",
              page="/author/courses/demo-course")
    with app.app_context():
        assert db.session.get(Lesson, first).retired is True
        assert db.session.get(Lesson, second) is None  # nobody had progress on it
        assert db.session.scalar(sa.select(LessonProgress.lesson_id)) == first
    assert client.get(f"/lessons/{first}").status_code == 404
    assert "第一课" not in client.get("/courses/demo-course").get_data(as_text=True)


def test_lesson_dropped_from_course_yml_is_retired_and_comes_back_with_progress(
        app, fresh, client, auth, users, load, course_dir):
    load(course_dir)
    first, second = _ids(app)
    headers = bearer(auth.token("worker"))
    client.post(f"/api/v1/lessons/{second}/complete", headers=headers)
    yml = course_dir / "demo-course" / "course.yml"
    yml.write_text(yml.read_text("utf-8").replace(", 02-b.md]", "]"), "utf-8")
    assert load(course_dir).updated == ["demo-course"]
    course = client.get("/api/v1/courses/demo-course", headers=headers).get_json()
    assert [lesson["id"] for lesson in course["lessons"]] == [first]
    assert course["progress"] == 0
    assert ("lesson retired", "第二课") in fresh.all(
        sa.select(CourseRevision.action, CourseRevision.detail))
    yml.write_text(yml.read_text("utf-8").replace("[01-a.md]", "[01-a.md, 02-b.md]"), "utf-8")
    load(course_dir)
    course = client.get("/api/v1/courses/demo-course", headers=headers).get_json()
    assert [(x["id"], x["completed"]) for x in course["lessons"]] == [(first, False),
                                                                     (second, True)]
    assert course["progress"] == 50


def test_renamed_lesson_file_keeps_its_lesson_and_progress(app, client, auth, users, load,
                                                           course_dir):
    load(course_dir)
    first = _ids(app)[0]
    client.post(f"/api/v1/lessons/{first}/complete", headers=bearer(auth.token("worker")))
    folder = course_dir / "demo-course"
    (folder / "01-a.md").rename(folder / "01-intro.md")
    yml = folder / "course.yml"
    yml.write_text(yml.read_text("utf-8").replace("01-a.md", "01-intro.md"), "utf-8")
    assert load(course_dir).updated == ["demo-course"]
    with app.app_context():
        assert db.session.get(Lesson, first).filename == "01-intro.md"
        assert db.session.scalar(sa.select(LessonProgress.lesson_id)) == first


def test_removing_the_last_unfinished_lesson_completes_the_course(app, client, auth, users,
                                                                  load, course_dir):
    load(course_dir)
    first = _ids(app)[0]
    client.post(f"/api/v1/lessons/{first}/complete", headers=bearer(auth.token("worker")))
    yml = course_dir / "demo-course" / "course.yml"
    yml.write_text(yml.read_text("utf-8").replace(", 02-b.md]", "]"), "utf-8")
    load(course_dir)
    with app.app_context():
        enrollment = db.session.scalar(sa.select(Enrollment))
        assert enrollment.completed_at is not None and enrollment.hours_credited == 2


def test_reading_a_lesson_writes_only_when_it_changes_where_the_learner_left_off(
        app, client, auth, users, load, course_dir):
    """A GET that records something writes in its own IMMEDIATE transaction on SQLite (a
    deferred reader upgrading to a writer fails at once under concurrent writes), and a
    re-read of the same lesson writes nothing at all."""
    from sqlalchemy import event

    load(course_dir)
    first = _ids(app)[0]
    auth.login("worker")
    with app.app_context():
        engine = db.engine
    seen = []
    listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(f"/lessons/{first}")
        opened = list(seen)
        seen.clear()
        client.get(f"/lessons/{first}")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    writes = [s for s in opened if s.startswith(("INSERT", "UPDATE"))]
    assert writes, "opening a new lesson records it"
    if engine.dialect.name == "sqlite":
        begins = [s for s in opened[:opened.index(writes[0])] if s.startswith("BEGIN")]
        assert begins[-1] == "BEGIN IMMEDIATE"
    assert not [s for s in seen if s.startswith(("INSERT", "UPDATE", "DELETE"))]
