"""The course editor without codes: the short name (slug) can be changed after creation
(checked, Chinese errors, nothing changed on a bad one), old links redirect and every place
that keeps the course by slug follows it; a module quiz is attached by title and detached
with a confirmation."""

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.learning.models import Course, CourseRevision
from trainer.models import utcnow
from trainer.quizzes.models import Quiz


def _new_course(auth, slug="zhi-an"):
    resp = auth.post("/author/courses/new", {
        "slug": slug, "title": "治安基础", "department": "public-security",
        "summary": "简介", "hours": "1.5", "competencies": ["information"]})
    assert resp.status_code == 302
    assert auth.post(f"/author/courses/{slug}/lessons/new",
                     {"body": "# 第一课\n\n内容。", "save": "1"}).status_code == 302


def _settings(slug: str, **extra) -> dict:
    return {"slug": slug, "title": "治安基础", "summary": "简介", "hours": "1.5",
            "competencies": ["information"], **extra}


def _referrers(app, course_slug: str) -> None:
    """A competition rule, a session's materials and a guide entry's lesson naming it."""
    from tests.competitions.conftest import body
    from trainer.auth.models import User
    from trainer.competitions.services import create_competition
    from trainer.competitions.spec import parse_competition
    from trainer.guide.models import GuideEntry
    from trainer.org.models import Department, Unit
    from trainer.plans.models import Plan, TrainingSession

    with app_ctx(app):
        organiser = db.session.scalar(sa.select(User).where(User.username == "organiser"))
        create_competition(organiser, parse_competition(body(eligibility=[
            {"rule": "course", "course": course_slug},
            {"rule": "practice", "questions": 5, "days": 7}])))
        street = db.session.scalar(sa.select(Unit).where(Unit.code == "S1"))
        dept = db.session.scalar(sa.select(Department).where(
            Department.code == "public-security"))
        plan = Plan(street_id=street.id, year=utcnow().year)
        db.session.add(plan)
        db.session.flush()
        start = utcnow() + timedelta(days=3)
        db.session.add(TrainingSession(
            plan_id=plan.id, half=1, title="治安培训", kind="lecture", department_id=dept.id,
            starts_at=start, ends_at=start + timedelta(hours=2),
            courses=["other-course", course_slug]))
        db.session.add(GuideEntry(key="fight", department_id=dept.id, situation="邻里纠纷",
                                  lessons=[f"{course_slug}/01-lesson.md", "x/02.md"]))
        db.session.commit()


def test_the_short_name_changes_old_links_redirect_and_references_follow(app, client, auth,
                                                                          users):
    from trainer.competitions.models import Competition
    from trainer.guide.models import GuideEntry
    from trainer.plans.models import TrainingSession

    auth.login("trainer")
    _new_course(auth)
    assert auth.post("/author/courses/zhi-an/status",
                     page="/author/courses/zhi-an").status_code == 302  # published
    _referrers(app, "zhi-an")
    page = client.get("/author/courses/zhi-an").get_data(as_text=True)
    assert 'name="slug"' in page and 'value="zhi-an"' in page
    resp = auth.post("/author/courses/zhi-an", _settings("zhi-an-ji-chu"))
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        "/author/courses/zhi-an-ji-chu")
    with client.session_transaction() as session:
        assert "zhi-an" in session["_flashes"][0][1] and "跳转" in session["_flashes"][0][1]
    old = client.get("/courses/zhi-an?from=qr")
    assert old.status_code == 301 and old.headers["Location"].endswith(
        "/courses/zhi-an-ji-chu?from=qr")
    assert client.get("/author/courses/zhi-an").status_code == 301
    assert client.get(old.headers["Location"]).status_code == 200
    assert client.get("/courses/never-was").status_code == 404
    with app_ctx(app):
        comp = db.session.scalar(sa.select(Competition))
        assert comp.eligibility == [{"rule": "course", "course": "zhi-an-ji-chu"},
                                    {"rule": "practice", "questions": 5, "days": 7}]
        session = db.session.scalar(sa.select(TrainingSession))
        assert session.courses == ["other-course", "zhi-an-ji-chu"]
        entry = db.session.scalar(sa.select(GuideEntry))
        assert entry.lessons == ["zhi-an-ji-chu/01-lesson.md", "x/02.md"]
        assert db.session.scalar(sa.select(CourseRevision.detail).where(
            CourseRevision.action == "renamed")) == "zhi-an"
    history = client.get("/author/courses/zhi-an-ji-chu").get_data(as_text=True)
    assert "已修改短名称" in history
    # renamed twice: the first name still finds the course
    assert auth.post("/author/courses/zhi-an-ji-chu",
                     _settings("zhi-an-2")).status_code == 302
    assert client.get("/courses/zhi-an").headers["Location"].endswith("/courses/zhi-an-2")


def test_a_bad_or_taken_short_name_is_a_chinese_error_and_nothing_changes(app, client, auth,
                                                                           users):
    auth.login("trainer")
    _new_course(auth)
    _new_course(auth, slug="xiao-fang")
    for bad, message in (("坏 名字", "短名称只能使用小写字母、数字和连字符。"),
                         ("-x", "短名称只能使用小写字母、数字和连字符。"),
                         ("xiao-fang", "该短名称已被使用。")):
        resp = auth.post("/author/courses/zhi-an", _settings(bad, title="新标题"))
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and f'id="slug-error">{message}</p>' in html, bad
        with app_ctx(app):
            course = db.session.scalar(sa.select(Course).where(Course.slug == "zhi-an"))
            assert course is not None and course.title == "治安基础"  # the title too
            assert db.session.scalar(sa.select(sa.func.count()).select_from(
                CourseRevision).where(CourseRevision.action == "renamed")) == 0


def _quiz(app, title: str, department: str | None = "public-security", **extra) -> int:
    from trainer.org.models import Department

    with app_ctx(app):
        dept = db.session.scalar(sa.select(Department).where(Department.code == department))
        quiz = Quiz(title=title, department_id=dept.id if dept else None, **extra)
        db.session.add(quiz)
        db.session.commit()
        return quiz.id


def _module_quiz(app, slug: str) -> int | None:
    with app_ctx(app):
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        return db.session.scalar(sa.select(Quiz.id).where(Quiz.course_id == course.id))


def test_a_module_quiz_is_attached_by_title_and_detached_with_a_confirmation(app, client,
                                                                              auth, users):
    auth.login("trainer")
    _new_course(auth)
    mine = _quiz(app, "治安结业测验")
    other = _quiz(app, "消防结业测验", department="fire")
    general = _quiz(app, "通用测验", department=None)
    page = client.get("/author/courses/zhi-an").get_data(as_text=True)
    select = page.split('<select id="quiz"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{mine}">治安结业测验</option>' in select
    assert "通用测验" in select and "消防结业测验" not in select  # another department's
    assert '<optgroup label="公安' in select or "optgroup" in select
    assert "暂无模块测验" in page

    # another department's quiz, a made-up number, nothing: refused, nothing changed
    for value in (str(other), "999999", "", "abc"):
        resp = auth.post("/author/courses/zhi-an/quiz", {"quiz": value},
                         page="/author/courses/zhi-an", follow_redirects=True)
        assert "请从列表中选择模块测验；未做任何更改。" in resp.get_data(as_text=True), value
        assert _module_quiz(app, "zhi-an") is None

    assert auth.post("/author/courses/zhi-an/quiz", {"quiz": str(mine)},
                     page="/author/courses/zhi-an").status_code == 302
    assert _module_quiz(app, "zhi-an") == mine
    assert "学员学完全部课时并通过「治安结业测验」" in client.get(
        "/author/courses/zhi-an").get_data(as_text=True)
    # attaching another replaces it; the first stays as a standalone quiz
    auth.post("/author/courses/zhi-an/quiz", {"quiz": str(general)},
              page="/author/courses/zhi-an")
    assert _module_quiz(app, "zhi-an") == general
    with app_ctx(app):
        assert db.session.get(Quiz, mine).course_id is None

    # detaching needs the box ticked
    resp = auth.post("/author/courses/zhi-an/quiz/detach", {}, page="/author/courses/zhi-an",
                     follow_redirects=True)
    assert "请勾选确认框以取消关联模块测验" in resp.get_data(as_text=True)
    assert _module_quiz(app, "zhi-an") == general
    assert auth.post("/author/courses/zhi-an/quiz/detach", {"confirm": "y"},
                     page="/author/courses/zhi-an").status_code == 302
    assert _module_quiz(app, "zhi-an") is None
    with app_ctx(app):
        assert db.session.get(Quiz, general) is not None
        actions = set(db.session.scalars(sa.select(CourseRevision.action)))
        assert {"quiz attached", "quiz detached"} <= actions


def test_another_courses_module_quiz_is_not_offered_or_taken(app, client, auth, users):
    auth.login("trainer")
    _new_course(auth)
    _new_course(auth, slug="xiao-fang")
    quiz = _quiz(app, "已被占用的测验")
    auth.post("/author/courses/xiao-fang/quiz", {"quiz": str(quiz)},
              page="/author/courses/xiao-fang")
    assert _module_quiz(app, "xiao-fang") == quiz
    assert "已被占用的测验" not in client.get("/author/courses/zhi-an").get_data(as_text=True)
    auth.post("/author/courses/zhi-an/quiz", {"quiz": str(quiz)},
              page="/author/courses/zhi-an")
    assert _module_quiz(app, "zhi-an") is None and _module_quiz(app, "xiao-fang") == quiz
