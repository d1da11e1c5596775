"""quiz.js in a phone-sized Chromium: autosave, the "not saved" warning, the leave
warning, resume after a reload, the countdown and the submit when time is up."""

import re
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.browser.conftest import CHROMIUM, browser  # noqa: F401
from tests.server.conftest import ROOT, start_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM),
                                 reason="no Chromium installed")]
PASSWORD = "Browser-pass-2026"


@pytest.fixture
def quiz_server(tmp_path, start_server):  # noqa: F811
    import os

    url = f"sqlite:///{tmp_path / 'quiz.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "TRAINER_ENV": "development",
           "SECRET_KEY": "b" * 40, "FLASK_APP": "wsgi"}
    env.pop("REDIS_URL", None)
    out = subprocess.run([sys.executable, "-m", "tests.quizzes.browser_setup", PASSWORD],
                         cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return start_server(env, workers=1), url, int(out.stdout.split()[-1])


@pytest.fixture
def page(browser, quiz_server):  # noqa: F811
    base, _url, _quiz = quiz_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    context.add_cookies([{"name": "lang", "value": "en", "url": base}])
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.goto(base + "/login")
    page.fill("input[name=username]", "worker")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    yield page
    context.close()


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def start(page, quiz_server):
    base, _url, quiz = quiz_server
    page.goto(f"{base}/quizzes/{quiz}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))


def saved(page):
    page.wait_for_selector("#quiz-status.quiz-saved")  # the script sets it after each save
    assert page.inner_text("#quiz-status") == "All answers saved"


def test_answers_autosave_and_come_back_after_a_reload(page, quiz_server):
    start(page, quiz_server)
    assert re.fullmatch(r"\d+:\d\d", page.inner_text("#quiz-countdown"))
    page.check("input[value=B]")
    saved(page)
    page.fill("input[type=text]", "入户走访")
    saved(page)
    page.reload()
    assert page.is_checked("input[value=B]")
    assert page.input_value("input[type=text]") == "入户走访"
    assert serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.errors == []


def test_a_failed_save_shows_not_saved_and_is_retried(page, quiz_server):
    start(page, quiz_server)
    page.context.set_offline(True)
    page.check("input[value=A]")
    page.wait_for_selector("#quiz-status.quiz-failed")
    assert "Not saved" in page.inner_text("#quiz-status")
    assert page.locator("fieldset.quiz-unsaved").count() == 1
    page.context.set_offline(False)
    saved(page)
    assert page.locator("fieldset.quiz-unsaved").count() == 0
    page.reload()
    assert page.is_checked("input[value=A]")


def test_leaving_with_unsaved_answers_asks_first(page, quiz_server):
    start(page, quiz_server)
    page.context.set_offline(True)
    page.check("input[value=C]")
    page.wait_for_selector("#quiz-status.quiz-failed")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_the_page_submits_itself_when_time_is_up(page, quiz_server):
    from trainer.models import utcnow
    from trainer.quizzes.models import Attempt

    start(page, quiz_server)
    page.check("input[value=B]")
    saved(page)
    engine = sa.create_engine(quiz_server[1])
    with engine.begin() as conn:
        conn.execute(Attempt.__table__.update().values(
            deadline=utcnow() + timedelta(seconds=3)))
    engine.dispose()
    page.reload()
    page.wait_for_url(re.compile(r"/result$"), timeout=15000)
    assert "1 of 3 points" in page.inner_text("main")
    assert serious(page) == []
