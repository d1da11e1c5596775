"""On a phone (390×844) an organiser adds a judged round: the form shows only the chosen
kind's fields (switching the kind swaps them), the quiz list is grouped by department and
its filter box narrows it, a judge is found by filtering the grouped list; the round is
saved, the page fits the screen and axe finds nothing serious."""

import pytest

from tests.browser.test_smoke import login, serious

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _visible(page, kinds: str) -> bool:
    return page.locator(f"fieldset[data-kinds='{kinds}']").is_visible()


def test_the_round_form_shows_only_its_kinds_fields_and_filters_grouped_lists(phone):
    login(phone, "organiser")
    phone.goto(phone.base + "/competitions")
    hrefs = phone.eval_on_selector_all(
        "a[href$='/manage']", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs, phone.content()[:2000]
    phone.goto(phone.base + hrefs[0].replace("/manage", "/rounds/new"))
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.select_option("#kind", "quiz")
    assert _visible(phone, "quiz") and _visible(phone, "quiz scenario")
    assert not _visible(phone, "judged") and not _visible(phone, "scenario")
    assert phone.locator("#criteria").is_disabled()  # a hidden kind's fields are not sent

    # the quiz list: grouped by department, narrowed by the filter box
    groups = phone.eval_on_selector_all("#quiz optgroup", "els => els.map(e => e.label)")
    assert groups and all(not g.isascii() for g in groups), groups
    titles = phone.eval_on_selector_all("#quiz option[value]:not([value=''])",
                                        "els => els.map(e => e.textContent)")
    assert len(titles) >= 2, titles
    word = titles[0][:2]
    phone.fill("#quiz-filter", word)
    shown = phone.eval_on_selector_all(
        "#quiz option:not([value=''])", "els => els.filter(e => !e.hidden).map(e => e.textContent)")
    assert shown and all(word in t or word in "".join(groups) for t in shown), shown
    assert len(shown) < len(titles) or all(word in t for t in titles)
    phone.fill("#quiz-filter", "没有这样的测验")
    assert phone.eval_on_selector_all(
        "#quiz option:not([value=''])", "els => els.filter(e => !e.hidden).length") == 0
    assert phone.eval_on_selector_all(
        "#quiz optgroup", "els => els.filter(e => !e.hidden).length") == 0

    # a judged round: its fields appear, the quiz's go
    phone.select_option("#kind", "judged")
    assert _visible(phone, "judged") and not _visible(phone, "quiz")
    assert not _visible(phone, "quiz scenario")
    phone.fill("#title", "现场接待实操")
    phone.fill("#weight", "20")
    phone.fill("#criteria", "沟通: 10\n方案: 10")
    phone.locator("#judges-picker > summary").click()
    judges = phone.locator("#judges-picker li[data-name] label")
    everyone = judges.count()
    assert everyone >= 1
    first = judges.first.inner_text().strip()
    phone.fill("#judges-filter", first[:2])
    visible = phone.locator("#judges-picker li[data-name]:not(.choice-group):visible")
    assert 1 <= visible.count() <= everyone
    visible.first.locator("input").check()
    assert serious(phone) == []
    phone.locator("button.primary[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    assert phone.url.endswith("/manage"), phone.content()[:3000]
    assert "现场接待实操" in phone.content()
    assert phone.console_errors == [] and phone.foreign_requests == []
