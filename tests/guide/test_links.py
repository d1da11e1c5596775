"""Lesson pages and debriefs show the 「遇事找谁」 box through the registries the guide fills."""

from tests.conftest import csrf_from


def test_a_lesson_page_shows_the_situations_that_list_it(client, auth, users, make_course,
                                                         make_entry):
    ids = make_course()
    make_entry(lessons=["demo-course/01-a.md"])
    make_entry("other-entry", "fire", "只列第二课的情况", "步骤", lessons=["demo-course/02-b.md"])
    auth.login("worker")
    html = client.get(f"/lessons/{ids['01-a.md']}").get_data(as_text=True)
    box = html.split('class="card guide-aside"', 1)[1].split("</aside>", 1)[0]
    assert "遇事找谁" in box and 'href="/guide/gas-smell"' in box and 'href="tel:119"' in box
    assert "只列第二课的情况" not in box


def test_a_lesson_no_situation_lists_has_no_box(client, auth, users, make_course, make_entry):
    ids = make_course()
    make_entry(lessons=["demo-course/01-a.md"])
    auth.login("worker")
    html = client.get(f"/lessons/{ids['02-b.md']}").get_data(as_text=True)
    assert "guide-aside" not in html


def test_a_debrief_shows_the_situations_that_list_its_scenario(client, auth, users,
                                                               make_scenario, make_entry):
    make_scenario("noise")
    make_entry("night-noise", "public-security", "夜间噪声扰民", "有冲突拨打 **110**。",
               scenarios=["noise"])
    make_entry("unrelated", "fire", "无关的情况", "步骤", scenarios=["other"])
    auth.login("worker")
    page = client.get("/scenarios/noise").get_data(as_text=True)
    run_url = client.post("/scenarios/noise/runs",
                          data={"csrf_token": csrf_from(page)}).headers["Location"]
    assert "guide-aside" not in client.get(run_url).get_data(as_text=True)  # not finished
    for key in ("listen", "agree"):
        token = csrf_from(client.get(run_url).get_data(as_text=True))
        client.post(f"{run_url}/choices", data={"choice": key, "csrf_token": token})
    html = client.get(run_url).get_data(as_text=True)
    box = html.split('class="card guide-aside"', 1)[1].split("</aside>", 1)[0]
    assert 'href="/guide/night-noise"' in box and "无关的情况" not in box
