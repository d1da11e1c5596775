"""Required training and notifications on a phone: the demo worker's list (one overdue),
the notification pages, the organiser's form and completion page; axe finds nothing
serious and nothing is wider than the screen."""

import pytest

from tests.browser.test_smoke import login, serious

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_worker_sees_required_training_and_notifications(phone):
    login(phone, "worker")
    phone.goto(phone.base + "/my/assignments")
    assert "我的必修任务" in phone.title()
    assert phone.locator(".card.overdue").count() == 1
    assert serious(phone) == [] and _fits(phone)
    for path in ("/notifications", "/notifications/settings"):
        phone.goto(phone.base + path)
        assert serious(phone) == [] and _fits(phone)
    assert phone.console_errors == [] and phone.foreign_requests == []


def test_organiser_form_and_completion(phone):
    login(phone, "organiser")
    phone.goto(phone.base + "/assignments/new")
    assert phone.locator("input[name=streets]").count() >= 1
    assert serious(phone) == [] and _fits(phone)
    phone.goto(phone.base + "/assignments")
    phone.locator("table a").first.click()
    assert phone.locator("#by-unit").count() == 1
    assert serious(phone) == [] and _fits(phone)

