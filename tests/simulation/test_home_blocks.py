"""The home page leads (issue 17 item 1): continue the course, the open quiz attempt with
its time left, the unfinished scenario run, today's training session with a sign-in
button; the blocks come from the ``main.home_blocks`` registry, in order, and stay cheap."""

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import app_ctx, csrf_from
from tests.plans import factories
from trainer.extensions import db
from trainer.models import utcnow


def _course_with_progress(app, user_id):
    from trainer.learning.models import Course, Enrollment, Lesson
    from trainer.org.models import Department

    with app_ctx(app):
        dept = db.session.scalar(sa.select(Department).where(Department.code == "fire"))
        course = Course(slug="home-course", title="消防巡查入门", department=dept,
                        status="published", hours=1, competencies=[])
        course.all_lessons = [Lesson(position=1, title="第一课", filename="01.md", body_md="一",
                                     body_html="<p>一</p>"),
                              Lesson(position=2, title="楼道巡查", filename="02.md", body_md="二",
                                     body_html="<p>二</p>")]
        db.session.add(course)
        db.session.flush()
        lesson_id = course.all_lessons[1].id
        db.session.add(Enrollment(user_id=user_id, course_id=course.id, last_lesson_id=lesson_id))
        db.session.commit()
        return lesson_id


def _open_attempt(app, user_id, minutes=20):
    from trainer.quizzes.models import Attempt

    with app_ctx(app):
        attempt = Attempt(user_id=user_id, context="quiz", series="quiz", label="综合测验",
                          questions=[], deadline=utcnow() + timedelta(minutes=minutes,
                                                                      seconds=30))
        db.session.add(attempt)
        db.session.commit()
        return attempt.id


def _statements(app):
    counted = []

    def count(conn, cursor, statement, *args):
        counted.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    return counted, lambda: sa.event.remove(db.engine, "before_cursor_execute", count)


def test_worker_home_shows_every_continue_block_and_todays_session(app, client, auth, users,
                                                                    make_scenario):
    lesson_id = _course_with_progress(app, users["worker"])
    attempt_id = _open_attempt(app, users["worker"])
    live = factories.live_session(app)
    make_scenario()
    auth.login("worker")
    page = client.get("/scenarios/noise").get_data(as_text=True)
    run_url = client.post("/scenarios/noise/runs",
                          data={"csrf_token": csrf_from(page)}).headers["Location"]
    with app.app_context():
        counted, stop = _statements(app)
        try:
            html = client.get("/").get_data(as_text=True)
        finally:
            stop()
    assert f'href="/lessons/{lesson_id}"' in html and "楼道巡查" in html
    assert f'href="/attempts/{attempt_id}"' in html and "还剩 21 分钟" in html
    assert f'href="{run_url}"' in html
    assert f'href="/sessions/{live}/code"' in html  # sign-in open: straight to it
    # In the registry's order: course, attempt, run, sessions; then the menu's tiles.
    order = [html.index(x) for x in (f"/lessons/{lesson_id}", f"/attempts/{attempt_id}",
                                     run_url, f"/sessions/{live}/code", 'class="tiles"')]
    assert order == sorted(order)
    assert len(counted) <= 16, counted  # a handful per block, never one per item


def test_blocks_say_nothing_when_there_is_nothing_to_continue(app, client, auth, users):
    auth.login("worker")
    html = client.get("/").get_data(as_text=True)
    assert "/lessons/" not in html and "/attempts/" not in html and "/runs/" not in html
    assert "assignments-block" not in html  # none open: no block
    # today's practice always shows, with its goal and the streak
    assert 'class="card practice-summary"' in html and "今天没有到期的错题" in html


def test_the_phone_menu_is_five_items_with_more_under_a_details(app, client, auth, users):
    auth.login("worker")
    html = client.get("/").get_data(as_text=True)
    start = html.index('class="bottombar"')
    bar = html[start:html.index("</nav>", start)]
    top_level = bar.split('<details class="more">')[0].count("<li>")  # the last holds 更多
    assert top_level == 5
    assert "<summary>更多</summary>" in bar and "我的培训档案" in bar
    assert "培训记录" not in html  # one name for the record: 培训档案


def test_the_lecturer_gets_the_qr_screen_not_the_worker_sign_in(app, client, auth, users):
    live = factories.live_session(app)
    auth.login("trainer")  # the live session's lecturer
    html = client.get("/").get_data(as_text=True)
    assert f'href="/sessions/{live}/signin"' in html
    assert f'href="/sessions/{live}/code"' not in html
