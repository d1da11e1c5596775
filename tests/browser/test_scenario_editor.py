"""A trainer builds a 12-node scenario with three endings through the editor's forms alone
on a phone-sized Chromium, sees the Chinese error for a dangling choice, fixes it,
play-tests from a node and publishes."""

import pytest

from tests.browser.test_smoke import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# node -> (text, ending, [(choice label, target: "new" or an earlier node's text, effect)])
PLAN = [
    ("n1", "晚上十点，王阿姨投诉楼上噪音。", "", [("先分别听双方说", "new", 3),
                                               ("直接敲门批评", "new", -2)]),
    ("n2", "王阿姨说楼上每晚都有拖椅子声。", "", [("上楼了解情况", "new", 2),
                                                ("建议她报警", "new", -1)]),
    ("n3", "楼上住户很不满，门也没开。", "", [("道歉后改天再来", "new", 1)]),
    ("n4", "楼上是一位带孩子的母亲。", "", [("提议加装椅脚垫", "new", 4)]),
    ("n5", "王阿姨觉得您在推脱。", "", [("承诺第二天回访", "new", 1)]),
    ("n6", "第二天您再次上门。", "", [("约双方当面沟通", "new", 2)]),
    ("n7", "母亲同意加装椅脚垫。", "", [("约定一周后回访", "new", 2)]),
    ("n8", "第二天王阿姨仍然不满。", "", [("请楼长一起调解", "new", 1)]),
    ("n9", "双方当面各执一词。", "", [("先记录分歧点", "new", 0)]),
    ("n10", "一周后噪音明显减少，双方和好。", "success", []),
    ("n11", "噪音有所减少，但王阿姨仍有怨言。", "partial", []),
    ("n12", "双方争吵升级，只能交给派出所。", "failure", []),
]


def save_node(page, slug, key, text, ending, choices, gotos=None):
    page.goto(f"{page.base}/author/scenarios/{slug}/nodes/{key}")
    page.fill("#text", text)
    page.select_option("#ending", ending)
    for i, (label, target, effect) in enumerate(choices):
        page.fill(f"#c{i}-label", label)
        value = (gotos or {}).get(i, "__new__" if target == "new" else target)
        page.select_option(f"#c{i}-goto", value)
        if effect:
            page.fill(f"#c{i}-communication", str(effect))
    page.click("#save-node")
    page.wait_for_load_state("networkidle")


def test_a_trainer_builds_checks_fixes_playtests_and_publishes(phone):
    page = phone
    login(page, "trainer")
    page.goto(page.base + "/author/scenarios")
    page.click("text=新建情景")
    page.fill("#title", "楼上噪音投诉")
    page.check("input[name=competencies][value=communication]")
    page.click("button[type=submit]:has-text('创建草稿')")
    page.wait_for_load_state("networkidle")
    slug = page.url.split("/")[5]
    assert slug == "lou-shang-zao-yin-tou-su"
    # Each "new" target is the next number: n7, n8 and n9 lead to n10 (success), n11
    # (partial) and n12 (failure).
    for key, text, ending, choices in PLAN:
        if ending:
            save_node(page, slug, key, text, ending, [])
        else:
            save_node(page, slug, key, text, "", choices)
    page.goto(f"{page.base}/author/scenarios/{slug}/build")
    assert page.locator(".sim-nodes li").count() == 12
    assert "草稿检查通过" in page.content()
    # The third ending's node is deleted, its choice left pointing nowhere: named in Chinese.
    page.goto(f"{page.base}/author/scenarios/{slug}/nodes/n12/delete")
    page.select_option("select[name='to-n9-c1']", "__keep__")
    page.click("button:has-text('删除节点')")
    page.wait_for_load_state("networkidle")
    problems = page.locator(".sim-problems").inner_text()
    assert "节点「双方当面各执一词。」：选项「先记录分歧点」指向的节点不存在。" in problems
    assert page.locator("#publish").is_disabled()
    page.screenshot(path="/tmp/editor-problem.png", full_page=True)
    # Fixed: the choice leads to a new failure ending.
    page.click("text=节点「双方当面各执一词。」：选项「先记录分歧点」指向的节点不存在。")
    page.wait_for_load_state("networkidle")
    page.select_option("#c0-goto", "__new__")
    page.screenshot(path="/tmp/editor-node.png", full_page=True)
    page.click("#save-node")
    page.wait_for_load_state("networkidle")
    page.goto(f"{page.base}/author/scenarios/{slug}/nodes/n12")  # the freed number again
    page.fill("#text", "双方争吵升级，只能交给派出所。")
    page.select_option("#ending", "failure")
    page.click("#save-node")
    page.wait_for_load_state("networkidle")
    assert "草稿检查通过" in page.content()
    assert page.locator(".sim-nodes li").count() == 12
    page.screenshot(path="/tmp/editor-builder.png", full_page=True)
    # Play-test from the second node to the success ending.
    page.goto(f"{page.base}/author/scenarios/{slug}/playtest?from=n2")
    for label in ("上楼了解情况", "提议加装椅脚垫", "约定一周后回访"):
        page.click(f"button.sim-choice:has-text('{label}')")
        page.wait_for_load_state("networkidle")
    assert "一周后噪音明显减少" in page.content()
    page.goto(f"{page.base}/author/scenarios/{slug}/build")
    page.click("#publish")
    page.wait_for_load_state("networkidle")
    assert "已发布" in page.content() or "Published" in page.content()
    page.goto(f"{page.base}/scenarios/{slug}")
    assert "楼上噪音投诉" in page.content()
    assert page.console_errors == [] and page.foreign_requests == []
