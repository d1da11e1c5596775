"""An organiser schedules a session on a phone choosing its audience from the tree (no
codes typed): untick the whole street, open it, tick one community; the page fits the
screen, axe finds nothing serious, the session lists that community."""

import pytest

from tests.browser.test_smoke import login, serious

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_organiser_creates_a_session_choosing_the_audience_from_the_tree(phone):
    login(phone, "organiser")
    phone.goto(phone.base + "/plans")
    hrefs = phone.eval_on_selector_all(
        "a[href^='/plans/']", "els => els.map(e => e.getAttribute('href'))")
    plans = [h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit()]
    assert plans
    phone.goto(phone.base + plans[0])
    phone.locator("a[href*='/sessions/new']").first.click()
    phone.wait_for_load_state("networkidle")
    assert phone.locator("input[name=streets]").count() == 1
    assert phone.locator("input[name=audience_codes]").count() == 0
    assert serious(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    year = phone.input_value("#starts_at")[:4] if phone.input_value("#starts_at") else None
    heading = phone.locator("main p.muted a").first.inner_text()
    year = year or "".join(ch for ch in heading if ch.isdigit())[:4]
    phone.fill("#title", "矛盾纠纷调解实务")
    phone.select_option("#half", "2")
    phone.fill("#starts_at", f"{year}-09-10T09:00")
    phone.fill("#ends_at", f"{year}-09-10T11:00")
    phone.fill("#place", "街道会议室")
    street = phone.locator("input[name=streets]")
    assert street.is_checked()
    street.uncheck()
    community = phone.locator("input[name=communities]").first
    name = community.locator("xpath=..").inner_text().strip()
    community.check()
    phone.wait_for_function(
        "() => document.querySelector('input[name=streets]').indeterminate === true")
    phone.locator("button.primary[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    assert "/sessions/" in phone.url and "/new" not in phone.url, phone.content()[:3000]
    assert name in phone.content()
    assert serious(phone) == []
    assert phone.console_errors == [] and phone.foreign_requests == []
