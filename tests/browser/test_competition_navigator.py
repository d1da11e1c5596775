"""A competition quiz round on a phone: the quiz's navigator and 「已答 x/N」 follow the
answers as they are given (quiz.js), a flag toggles in place and is kept by the server,
and 「提交前检查」 lists what is unanswered before the round's one submit."""

import re

import pytest

from tests.browser.test_home_offline import BUDGET, page_weight
from tests.browser.test_smoke import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_round(phone) -> None:
    """Enter the demo's open street competition and start its quiz round."""
    phone.goto(phone.base + "/competitions")
    for href in phone.eval_on_selector_all(
            "main a[href^='/competitions/']", "links => links.map(a => a.getAttribute('href'))"):
        if not re.fullmatch(r"/competitions/\d+", href):
            continue
        phone.goto(phone.base + href)
        enter = phone.locator(f"form[action='{href}/enter'] button")
        if enter.count():
            enter.click()
            phone.wait_for_load_state()
        start = phone.locator(f"form[action^='{href}/rounds/'][action$='/start'] button")
        if start.count():
            start.first.click()
            phone.wait_for_load_state()
            if phone.locator("#quiz-form").count():
                return
            phone.goto(phone.base + href)
    raise AssertionError("no open quiz round the demo worker can enter")


def test_the_round_navigator_follows_answers_and_flags(phone):
    login(phone, "worker")
    open_round(phone)
    play = phone.url
    boxes = phone.locator("fieldset[data-question]")
    total = boxes.count()
    assert total >= 2
    first, second = (boxes.nth(i).get_attribute("data-question") for i in (0, 1))
    count = phone.locator("#quiz-count")
    assert count.inner_text() == f"已答 0/{total}"
    assert phone.evaluate("getComputedStyle(document.querySelector('.quiz-bar')).position") \
        == "sticky"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert page_weight(phone) <= BUDGET

    boxes.nth(0).locator("input").first.check()
    assert count.inner_text() == f"已答 1/{total}"
    assert "is-answered" in phone.get_attribute(f"#nav{first}", "class")
    phone.wait_for_selector("#quiz-status.quiz-saved")  # quiz.js's autosave, stored

    flag = boxes.nth(1).locator(".quiz-flagbtn")
    flag.click()
    phone.wait_for_selector(f"#nav{second}.is-flagged")
    assert flag.get_attribute("aria-pressed") == "true" and phone.url == play

    phone.reload()  # both were stored by the server, not only shown
    assert phone.locator("#quiz-count").inner_text() == f"已答 1/{total}"
    assert "is-flagged" in phone.get_attribute(f"#nav{second}", "class")
    assert phone.locator(f"#q{first} input:checked").count() == 1

    phone.click("button[value=review]")
    phone.wait_for_load_state()
    assert "/confirm" in phone.url
    unanswered = phone.inner_text("#unanswered")
    assert f"（{total - 1} 题）" in unanswered or str(total - 1) in unanswered
    assert phone.locator("#unanswered a").count() == total - 1
    assert phone.console_errors == [] and phone.foreign_requests == []
