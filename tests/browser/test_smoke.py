"""Each role logs in on a phone-sized Chromium, sees its home page, and axe finds nothing
serious or critical."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Each role's home: its heading, and a section heading no other role's home has (the
# worker's shows the grid they belong to).
HOMES = {"worker": ("您好", "网格"), "trainer": ("您好", "我的内容"),
         "organiser": ("您好", "培训计划与竞赛"), "admin": ("管理", "组织架构")}


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def login(page, username):
    page.goto(page.base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_login_page_is_chinese_and_accessible(phone):
    phone.goto(phone.base + "/login")
    assert "登录" in phone.title()
    assert serious(phone) == []
    assert phone.console_errors == [] and phone.foreign_requests == []


@pytest.mark.parametrize("role", ["worker", "trainer", "organiser", "admin"])
def test_role_logs_in_and_sees_its_home(phone, role):
    login(phone, role)
    assert phone.url.rstrip("/") == phone.base
    heading, own = HOMES[role]
    assert heading in phone.inner_text("h1")
    assert own in phone.inner_text("main")
    others = [o for r, (_h, o) in HOMES.items() if r != role and o != "网格"]
    assert not any(o in phone.inner_text("main") for o in others)
    assert serious(phone) == []
    # Phone layout: nothing wider than the viewport.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.console_errors == [] and phone.foreign_requests == []


def test_worker_reads_a_lesson_on_a_phone(phone):
    login(phone, "worker")
    phone.goto(phone.base + "/courses?department=fire")
    phone.click("h2 a")
    phone.click("main a.button.primary")  # start or continue learning
    assert phone.locator("article.reader h1").count() == 1
    assert serious(phone) == []
    assert phone.console_errors == []
