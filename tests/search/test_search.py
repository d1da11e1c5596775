"""The search page and API: what is found, how it is ranked, and input that is no syntax."""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search.conftest import CHARGING, WAGES, api_titles, found
from trainer.extensions import db


@pytest.fixture
def library(make_course):
    return make_course("safety", [CHARGING, WAGES], title="网格安全与权益")


@pytest.mark.parametrize(("q", "title"), [("充电", "电动自行车充电安全"),
                                          ("欠薪", "协助被拖欠工资的居民"),
                                          ("飞线充电", "电动自行车充电安全"),
                                          ("劳动保障监察", "协助被拖欠工资的居民")])
def test_chinese_keywords_find_the_lessons(client, auth, library, q, title):
    auth.login("worker")
    status, html = found(client, q)
    assert status == 200 and title in html and "课时" in html
    assert f"<mark>{q}</mark>" in found(client, q, marks=True)[1]


def test_every_word_must_occur(client, auth, library):
    auth.login("worker")
    assert "协助被拖欠工资的居民" in found(client, "欠薪 12333")[1]
    assert "协助被拖欠工资的居民" not in found(client, "欠薪 充电")[1]


@pytest.mark.parametrize("q", ['"*AND-', '"', "*", "AND", "-", "NEAR(充电, 安全)", "(充电",
                               "充电 OR", "title:充电", "^充电", "充电*", "'; DROP TABLE x; --",
                               "%", "_", "\\", "%%%", "充电\t*"])
def test_query_syntax_never_reaches_the_index(client, auth, library, q):
    auth.login("worker")  # the lessons hold none of these literally: nothing is found
    status, html = found(client, q)
    assert status == 200 and "没有找到" in html


def test_the_fts_special_query_answers_200_with_no_results(client, auth, library, token_of):
    auth.login("worker")
    status, html = found(client, '"*AND-')
    assert status == 200 and "没有找到" in html
    assert api_titles(client, token_of("worker"), '"*AND-') == []


def test_percent_and_underscore_match_only_themselves(client, auth, make_course):
    make_course("pct", ["# 完成率100%的做法\n\n每月台账_汇总。\n"], title="台账")
    auth.login("worker")
    assert "完成率100%的做法" in found(client, "0%")[1]
    assert "完成率100%的做法" in found(client, "账_汇")[1]
    assert "完成率" not in found(client, "账%汇")[1]


def test_an_overlong_query_is_refused_in_chinese(client, auth, library, token_of):
    from tests.conftest import bearer

    auth.login("worker")
    status, html = found(client, "充电" * 30)
    assert status == 200 and "搜索词太长了" in html and "电动自行车充电安全" not in html
    resp = client.get("/api/v1/search", query_string={"q": "充电" * 30},
                      headers=bearer(token_of("worker")))
    assert resp.status_code == 422 and "搜索词太长了" in resp.get_json()["error"]["message"]


def test_title_matches_rank_first(client, auth, make_course):
    make_course("visit", ["# 入户走访要点\n\n走访时谈到调解，再谈调解，还有调解。\n"], title="走访")
    make_course("mediate", ["# 矛盾调解的步骤\n\n先听双方说。\n"], title="沟通")
    auth.login("worker")
    html = found(client, "调解")[1]
    assert html.index("矛盾调解的步骤") < html.index("入户走访要点")


def test_results_come_twenty_a_page(client, auth, make_course):
    make_course("many", [f"# 充电提示{n:02d}\n\n不要在楼道充电。\n" for n in range(25)])
    auth.login("worker")
    first = found(client, "充电")[1]
    assert "共找到 25 条结果" in first and first.count('<li class="card">') == 20
    second = found(client, "充电", page=2)[1]
    assert second.count('<li class="card">') == 5 and 'rel="prev"' in second
    beyond = client.get("/search", query_string={"q": "充电", "page": "9" * 25})
    assert beyond.status_code == 200 and "充电提示" not in beyond.get_data(as_text=True)


def test_a_worker_finds_only_published_courses_of_their_street(client, auth, make_course):
    make_course("draft", ["# 草稿里的充电课\n\n充电。\n"], status="draft")
    make_course("other", ["# 别的街道的充电课\n\n充电。\n"], street="S2")
    make_course("mine", ["# 本街道的充电课\n\n充电。\n"], street="S1")
    auth.login("worker")
    html = found(client, "充电课")[1]
    assert "本街道的" in html and "草稿里的" not in html and "别的街道的" not in html
    auth.logout()
    auth.login("admin")
    html = found(client, "充电课")[1]
    assert "草稿里的" in html and "别的街道的" in html


def test_editing_a_lesson_updates_the_index(app, client, auth, users, library, lesson_ids):
    from trainer.auth.models import User
    from trainer.learning import authoring
    from trainer.learning.models import Course, Lesson

    with app.app_context():
        admin = db.session.get(User, users["admin"])
        course = db.session.scalar(sa.select(Course).where(Course.slug == "safety"))
        lesson = db.session.get(Lesson, lesson_ids(course.id)[0])
        authoring.save_lesson(admin, course, lesson, "# 高空抛物劝导\n\n发现高空抛物及时上报。\n")
        db.session.commit()
    auth.login("worker")
    assert "电动自行车充电安全" not in found(client, "充电")[1]
    assert "电动自行车充电安全" not in found(client, "飞线充电")[1]  # the FTS path too
    assert "<mark>高空抛物</mark>劝导" in found(client, "高空抛物", marks=True)[1]


def test_a_deleted_lesson_and_a_withdrawn_course_leave_the_results(
        app, client, auth, users, library, lesson_ids):
    from trainer.auth.models import User
    from trainer.learning import authoring
    from trainer.learning.models import Course, Lesson

    with app.app_context():
        admin = db.session.get(User, users["admin"])
        course = db.session.scalar(sa.select(Course).where(Course.slug == "safety"))
        authoring.delete_lesson(admin, course, db.session.get(Lesson, lesson_ids(course.id)[0]))
        db.session.commit()
    auth.login("worker")
    assert "电动自行车充电安全" not in found(client, "充电")[1]
    assert "协助被拖欠工资的居民" in found(client, "欠薪")[1]
    with app.app_context():
        admin = db.session.get(User, users["admin"])
        course = db.session.scalar(sa.select(Course).where(Course.slug == "safety"))
        authoring.set_status(admin, course, "draft")
        db.session.commit()
    assert "协助被拖欠工资的居民" not in found(client, "欠薪")[1]


def test_a_rolled_back_edit_leaves_the_index_alone(app, client, auth, users, library):
    from trainer.auth.models import User
    from trainer.learning import authoring
    from trainer.learning.models import Course

    with app.app_context():
        admin = db.session.get(User, users["admin"])
        course = db.session.scalar(sa.select(Course).where(Course.slug == "safety"))
        authoring.update_course(admin, course, "改了名字的课程", "", 1.0, [], "")
        db.session.rollback()
        db.session.commit()
    auth.login("admin")
    assert "改了名字的课程" not in found(client, "改了名字")[1]
    assert "网格安全与权益" in found(client, "网格安全")[1]


def test_the_api_answers_the_same_results_with_links(client, library, token_of):
    from tests.conftest import bearer

    body = client.get("/api/v1/search", query_string={"q": "充电"},
                      headers=bearer(token_of("worker"))).get_json()
    assert body["total"] == 1 and body["pages"] == 1
    item = body["items"][0]
    assert item["kind"] == "lessons" and item["label"] == "课时"
    assert item["url"].startswith("/lessons/") and "<mark>充电</mark>" in item["snippet"]


def test_the_search_box_is_in_the_navigation(client, auth, users):
    auth.login("worker")
    html = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in html and 'method="get"' in html and 'name="q"' in html


def test_titles_and_snippets_are_escaped(client, auth, make_course):
    lesson = "# <img src=x onerror=alert(1)>充电须知\n\n<script>alert(2)</script>充电。\n"
    make_course("xss", [lesson], title="<b>安全</b>")
    auth.login("admin")
    html = found(client, "充电", marks=True)[1]
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<mark>充电</mark>须知" in html


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=60))
def test_no_query_text_raises(app, library, text):
    from trainer.auth.models import User
    from trainer.search.services import search

    with app.test_request_context():
        admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
        results = search(admin, text, 1)
        assert results.too_long or results.total >= 0
