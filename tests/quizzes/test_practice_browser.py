"""Practice, the notebook, the summary before submitting and the autosave queue in a
phone-sized Chromium (390×844), in Chinese. Time is moved in the database, not waited for."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.browser.conftest import CHROMIUM, browser  # noqa: F401
from tests.quizzes.test_browser import PASSWORD, quiz_server, serious  # noqa: F401
from tests.server.conftest import start_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                                 reason="no Chromium installed")]
BUDGET = 60 * 1024  # DESIGN.md: a page over the wire, with its CSS and JS


@pytest.fixture
def page(browser, quiz_server):  # noqa: F811
    base, _url, _quiz = quiz_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.errors, page.weights = [], {}
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))

    def weigh(response):
        if response.url.startswith(base) and response.request.method == "GET":
            try:
                page.weights[response.url] = len(response.body())
            except Exception:  # noqa: BLE001  a redirect has no body
                pass
    page.on("response", weigh)
    page.base = base
    page.goto(base + "/login")
    page.fill("input[name=username]", "worker")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$|/account"))
    yield page
    context.close()


def weight(page, path: str) -> int:
    """Bytes of the page at ``path`` with everything it loaded (a fresh, uncached load)."""
    page.weights.clear()
    page.goto(page.base + path, wait_until="networkidle")
    return sum(page.weights.values())


def move_schedule(url: str, days: int) -> None:
    from trainer.quizzes.models import Mistake

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for row in conn.execute(sa.select(Mistake.__table__.c.id, Mistake.__table__.c.due)):
            conn.execute(Mistake.__table__.update().where(Mistake.__table__.c.id == row.id)
                         .values(due=row.due - timedelta(days=days)))
    engine.dispose()


def fire_question(page):
    return page.locator("fieldset.quiz-q", has_text="火警电话是多少？")


def test_a_wrong_practice_answer_teaches_in_the_notebook_and_returns_on_its_due_day(
        page, quiz_server):  # noqa: F811
    _base, url, _quiz = quiz_server
    page.goto(page.base + "/practice")
    assert "每题答完即看答案和解析" in page.inner_text("main")
    page.click("main form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    question = fire_question(page)
    question.locator("label.quiz-option", has_text="110").click()
    page.wait_for_selector("#quiz-status.quiz-saved")
    assert "已答 1/3" in page.inner_text("#quiz-count")
    question.locator("button.quiz-check").click()
    page.wait_for_url(re.compile(r"/attempts/\d+#q\d+$"))
    review = page.locator("section.quiz-review", has_text="火警电话是多少？")
    assert "错误" in review.inner_text() and "火警请拨打119。" in review.inner_text()
    assert "119" in review.locator(".quiz-correct").inner_text()
    assert serious(page) == []

    page.goto(page.base + "/practice/notebook")
    note = page.locator("li.quiz-note", has_text="火警电话是多少？")
    assert "119" in note.locator(".quiz-correct").inner_text()
    assert "110" in note.locator(".quiz-chosen").inner_text()
    assert "火警请拨打119。" in note.inner_text() and "下次复习" in note.inner_text()
    assert "今天到期复习" not in note.inner_text()
    assert serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(page.base + "/")
    assert "今日到期错题 0 道" in page.inner_text("#practice-tile")

    move_schedule(url, 1)  # the next day
    page.goto(page.base + "/")
    assert "今日到期错题 1 道" in page.inner_text("#practice-tile")
    page.goto(page.base + "/practice/notebook")
    assert "今天到期复习" in page.locator("li.quiz-note").first.inner_text()
    page.click("text=复习错题")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    question = fire_question(page)
    assert question.count() == 1
    question.locator("label.quiz-option", has_text="119").click()
    page.wait_for_selector("#quiz-status.quiz-saved")
    question.locator("button.quiz-check").click()
    page.wait_for_url(re.compile(r"#q\d+$|/result$"))  # the only one: submitted
    page.goto(page.base + "/practice/notebook")
    assert "到期复习答对 1/2 次" in page.inner_text("main")
    assert page.errors == []


def test_a_quiz_with_two_unanswered_questions_lists_them_first_in_the_summary(
        page, quiz_server):  # noqa: F811
    base, _url, quiz = quiz_server
    page.goto(f"{base}/quizzes/{quiz}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    page.check("input[value=B]")
    page.wait_for_selector("#quiz-status.quiz-saved")
    assert page.inner_text("#quiz-count") == "已答 1/3"
    assert page.locator(".quiz-nav a.is-answered").count() == 1
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("fieldset.quiz-q").nth(2).locator("button.quiz-flagbtn").click()
    assert posted.value.status == 302  # the plain form's flag button, sent in the background
    page.wait_for_selector(".quiz-nav a.is-flagged")
    page.click("#quiz-submit")
    page.wait_for_url(re.compile(r"/summary$"))
    first = page.locator("main section.card").first
    assert first.get_attribute("id") == "unanswered"
    assert first.locator("li").count() == 2
    assert "未作答" in first.inner_text()
    assert "已标记待检查（1 题）" in page.inner_text("main")
    assert serious(page) == []
    page.click("#quiz-confirm")
    page.wait_for_url(re.compile(r"/result$"))
    assert page.locator(".quiz-mark", has_text="未作答").count() == 2
    assert page.errors == []


def test_autosave_keeps_every_answer_through_a_lost_connection_in_order(page, quiz_server):  # noqa: F811
    base, url, quiz = quiz_server
    page.goto(f"{base}/quizzes/{quiz}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    sent, mode = [], {"down": True}

    def route(r):
        if mode["down"]:
            r.abort()
        else:
            sent.append(r.request.url.rsplit("/", 1)[1])
            r.continue_()
    page.route(re.compile(r"/answers/\d+$"), route)
    order = [fs.get_attribute("data-question")
             for fs in page.locator("fieldset.quiz-q").all()]
    page.check("input[value=C]")
    page.wait_for_selector("#quiz-status.quiz-failed")
    page.fill("input[type=text]", "入户走访")
    page.locator("input[value=false]").check()
    page.wait_for_selector("#quiz-status:has-text('未保存：3 题')")
    assert page.inner_text("#quiz-count") == "已答 3/3"
    mode["down"] = False
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#quiz-status.quiz-saved", timeout=15000)
    assert page.inner_text("#quiz-status") == "所有答案已保存"
    assert sent == order  # the queue keeps the order the answers were given
    page.reload()
    assert page.is_checked("input[value=C]") and page.is_checked("input[value=false]")
    assert page.input_value("input[type=text]") == "入户走访"


def test_the_new_pages_stay_inside_the_page_budget(page, quiz_server):  # noqa: F811
    base, _url, quiz = quiz_server
    page.goto(f"{base}/quizzes/{quiz}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    attempt = page.url.replace(base, "")
    page.route("**/*", lambda r: r.continue_())  # routing turns the browser cache off
    for path in (attempt, attempt + "/summary", "/practice", "/practice/notebook", "/"):
        assert weight(page, path) <= BUDGET, path
