"""The visual editor's script in a real Chromium: a node dragged with the mouse (1280 wide)
and with a finger after 「调整布局」 (390×844) stays where it was put after a reload; an
arrow's end dropped on another node re-targets that choice; a node's text and labels are
edited in place with 「未保存 / 已保存」, the stale-save message keeping the author's text,
and the warning on leaving."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_smoke import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SAVED = re.compile(r"^已保存(，草稿检查通过|为草稿，但还有 \d+ 个问题)")


def build_small(page, title):
    """n1 (start) -> c1: n2 (success), c2: n3 (failure), through the forms."""
    page.goto(page.base + "/author/scenarios/create")
    page.fill("#title", title)
    page.check("input[name=competencies][value=communication]")
    page.click("button[type=submit]:has-text('创建草稿')")
    page.wait_for_load_state("networkidle")
    slug = page.url.split("/")[5]
    for key, text, ending, labels in (("n1", "居民反映楼道堆物。", "", ["上门劝导", "直接清走"]),
                                      ("n2", "居民自行清理。", "success", []),
                                      ("n3", "居民投诉您。", "failure", [])):
        page.goto(f"{page.base}/author/scenarios/{slug}/nodes/{key}")
        page.fill("#text", text)
        page.select_option("#ending", ending)
        for i, label in enumerate(labels):
            page.fill(f"#c{i}-label", label)
            page.select_option(f"#c{i}-goto", "__new__")
        page.click("#save-node")
        page.wait_for_load_state("networkidle")
    page.goto(f"{page.base}/author/scenarios/{slug}/build")
    assert "草稿检查通过" in page.content()
    return slug


def node_at(page, key):
    g = page.locator(f"#sim-graph g[data-key='{key}']")
    return float(g.get_attribute("data-x")), float(g.get_attribute("data-y"))


def centre(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def show_graph(page):
    """The graph at the top of the window, as a trainer scrolls to it before dragging (a
    problem list above it can push the lower nodes below the fold)."""
    page.locator("#sim-graph").evaluate("e => e.scrollIntoView({block: 'start'})")


def wait_saved(page, where="#sim-graph-state"):
    expect(page.locator(where)).to_have_text(SAVED)  # the save's answer, not the idle state


def test_drag_retarget_and_inline_edit_with_a_mouse(desktop):
    page = desktop
    login(page, "trainer")
    slug = build_small(page, "楼道堆物劝导")
    # Side by side at 1280: the graph to the right of the node list.
    list_box = page.locator("#sim-node-list").bounding_box()
    graph_box = page.locator("#sim-graph").bounding_box()
    assert graph_box["x"] > list_box["x"] + list_box["width"] - 1
    assert page.locator("#sim-graph-tools").is_visible()

    # Drag n3 right and down with the mouse.
    x0, y0 = node_at(page, "n3")
    show_graph(page)
    cx, cy = centre(page.locator("#sim-graph g[data-key='n3'] rect"))
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 60, cy + 40, steps=5)
    page.mouse.move(cx + 120, cy + 90, steps=5)
    page.mouse.up()
    wait_saved(page)
    assert node_at(page, "n3") == (x0 + 120, y0 + 90)
    assert page.locator("#sim-inline").is_hidden()  # a drag is not a click
    page.reload()
    assert node_at(page, "n3") == (x0 + 120, y0 + 90)  # kept with the draft, drawn by the server
    rect = page.locator("#sim-graph g[data-key='n3'] rect")
    assert float(rect.get_attribute("x")) == x0 + 120

    # Drop the end of 「直接清走」's arrow (n1 c2 -> n3) on n2.
    end = page.locator("#sim-graph circle.edge-end[data-from='n1'][data-choice='c2']")
    show_graph(page)
    ex, ey = centre(end)
    tx, ty = centre(page.locator("#sim-graph g[data-key='n2'] rect"))
    page.mouse.move(ex, ey)
    page.mouse.down()
    page.mouse.move((ex + tx) / 2, (ey + ty) / 2, steps=5)
    page.mouse.move(tx, ty, steps=5)
    page.mouse.up()
    expect(page.locator("#sim-graph-state")).to_contain_text("问题")
    page.reload()
    edge = page.locator("#sim-graph path[data-from='n1'][data-choice='c2']")
    assert edge.get_attribute("data-to") == "n2"
    # The check reran: the failure ending is now unreachable, named and highlighted.
    problems = page.locator(".sim-problems").inner_text()
    assert "节点「居民投诉您。」：从起始节点无法到达。" in problems
    assert "sim-bad" in page.locator("#sim-node-list li[data-key='n3']").get_attribute("class")
    assert page.locator("#publish").is_disabled()
    # Dropped back on n3, it is clean again.
    end = page.locator("#sim-graph circle.edge-end[data-from='n1'][data-choice='c2']")
    show_graph(page)
    ex, ey = centre(end)
    tx, ty = centre(page.locator("#sim-graph g[data-key='n3'] rect"))
    page.mouse.move(ex, ey)
    page.mouse.down()
    page.mouse.move(tx, ty, steps=8)
    page.mouse.up()
    expect(page.locator("#sim-graph-state")).to_contain_text("草稿检查通过")
    assert page.locator(".sim-problems").count() == 0 and page.locator("#publish").is_enabled()

    # Click n1 in the graph: edit its text and a label in place.
    page.locator("#sim-graph g[data-key='n1'] rect").click()
    assert page.locator("#sim-inline").is_visible()
    assert page.locator("#sim-inline-text").input_value() == "居民反映楼道堆物。"
    page.fill("#sim-inline-text", "居民反映楼道堆满纸箱。")
    page.fill("#sim-inline-c0", "先上门耐心劝导")
    assert page.locator("#sim-inline-state").inner_text() == "未保存"
    page.click("#sim-inline-save")
    wait_saved(page, "#sim-inline-state")
    assert "居民反映楼道堆满纸箱" in page.locator("#sim-node-list").inner_text()
    page.screenshot(path="/tmp/editor-drag-desktop.png", full_page=True)
    page.reload()
    page.locator("#sim-node-list a[data-node='n1']").click()  # the list opens it in place too
    assert page.locator("#sim-inline-text").input_value() == "居民反映楼道堆满纸箱。"
    assert page.locator("#sim-inline-c0").input_value() == "先上门耐心劝导"

    # Someone saves the node through the form first: this save is refused, the text kept.
    page.fill("#sim-inline-text", "我的新版本文字。")
    other = page.context.new_page()
    other.goto(f"{page.base}/author/scenarios/{slug}/nodes/n1")
    other.fill("#text", "另一位培训师的文字。")
    other.click("#save-node")
    other.wait_for_load_state("networkidle")
    other.close()
    page.click("#sim-inline-save")
    page.wait_for_selector("#sim-inline-error:not([hidden])")
    assert "已有他人先保存" in page.locator("#sim-inline-error").inner_text()
    assert page.locator("#sim-inline-text").input_value() == "我的新版本文字。"
    assert page.locator("#sim-inline-state").inner_text() == "未保存"
    assert "另一位培训师的文字" in page.locator("#sim-node-list").inner_text()
    page.click("#sim-inline-save")  # against the newer draft it goes through
    wait_saved(page, "#sim-inline-state")
    page.reload()
    assert "我的新版本文字" in page.locator("#sim-node-list").inner_text()
    # The refused save's answer is the only console error (Chromium logs a 409).
    assert all("409" in e for e in page.console_errors), page.console_errors
    # Leaving with unsaved inline changes warns.
    page.locator("#sim-node-list a[data-node='n2']").click()
    page.fill("#sim-inline-text", "还没保存的文字。")
    assert page.locator("#sim-inline-state").inner_text() == "未保存"
    with page.expect_event("dialog") as shown:
        page.close(run_before_unload=True)
    assert shown.value.type == "beforeunload"
    shown.value.dismiss()


def touch_drag(page, start, end, steps=8):
    cdp = page.context.new_cdp_session(page)
    (x0, y0), (x1, y1) = start, end
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": x0, "y": y0}]})
    for i in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x0 + (x1 - x0) * i / steps, "y": y0 + (y1 - y0) * i / steps}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_touch_drag_needs_the_arrange_toggle_on_a_phone(phone):
    page = phone
    login(page, "trainer")
    slug = build_small(page, "楼道堆物手机")
    # Stacked: the graph below the node list.
    list_box = page.locator("#sim-node-list").bounding_box()
    page.locator("#sim-graph").scroll_into_view_if_needed()
    assert page.locator("#sim-graph").bounding_box()["y"] > \
        page.locator("#sim-node-list").bounding_box()["y"] + list_box["height"] - 1
    x0, y0 = node_at(page, "n2")
    target = page.locator("#sim-graph g[data-key='n2'] rect")
    target.scroll_into_view_if_needed()
    cx, cy = centre(target)
    # Without the toggle a finger scrolls the page: the node stays, nothing is saved.
    touch_drag(page, (cx, cy), (cx, cy - 100))
    page.wait_for_timeout(300)
    assert node_at(page, "n2") == (x0, y0)
    assert page.locator("#sim-graph-state").inner_text() == ""
    # With 「调整布局」 the same gesture moves the node.
    page.click("#sim-arrange")
    assert page.locator("#sim-arrange").get_attribute("aria-pressed") == "true"
    target = page.locator("#sim-graph g[data-key='n2'] rect")
    target.scroll_into_view_if_needed()
    cx, cy = centre(target)
    touch_drag(page, (cx, cy), (cx + 40, cy + 70))
    wait_saved(page)
    x1, y1 = node_at(page, "n2")
    assert abs(x1 - (x0 + 40)) <= 2 and abs(y1 - (y0 + 70)) <= 2  # graph units = CSS px here
    page.screenshot(path="/tmp/editor-drag-phone.png", full_page=True)
    page.goto(f"{page.base}/author/scenarios/{slug}/build")
    assert node_at(page, "n2") == (x1, y1)
    # A tap on a node opens it in place.
    page.locator("#sim-graph g[data-key='n3'] rect").tap()
    assert page.locator("#sim-inline").is_visible()
    page.fill("#sim-inline-text", "居民到街道投诉您。")
    page.click("#sim-inline-save")
    wait_saved(page, "#sim-inline-state")
    page.reload()
    assert "居民到街道投诉您" in page.locator("#sim-node-list").inner_text()
    assert page.console_errors == [] and page.foreign_requests == []
