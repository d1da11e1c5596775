import re

from tests.conftest import csrf_from
from trainer.simulation.models import Run

from .conftest import NOISE, choose, start


def test_index_lists_published_scenarios_in_my_street_only(worker, make_scenario):
    make_scenario("draft-one", NOISE.replace("深夜噪音引发的邻里纠纷", "草稿情景"), status="draft")
    make_scenario("s2-only", NOISE.replace("深夜噪音引发的邻里纠纷", "二街情景"), street="S2")
    make_scenario("s1-only", NOISE.replace("深夜噪音引发的邻里纠纷", "一街情景"), street="S1")
    html = worker.get("/scenarios").get_data(as_text=True)
    assert "深夜噪音引发的邻里纠纷" in html and "一街情景" in html
    assert "草稿情景" not in html and "二街情景" not in html
    assert worker.get("/scenarios/s2-only").status_code == 404
    assert worker.get("/scenarios/draft-one").status_code == 404


def test_scene_shows_choices_as_buttons_in_a_post_form(worker):
    html = worker.get(start(worker)).get_data(as_text=True)
    assert "晚上十点" in html and "Step 1 of about 3" in html
    form = re.search(r'<form method="post" action="/runs/\d+/choices".*?</form>', html, re.S)
    assert 'name="csrf_token"' in form.group(0)
    assert re.findall(r'<button type="submit" name="choice" value="(\w+)"', form.group(0)) == [
        "listen", "scold"]


def test_feedback_of_the_choice_comes_next_with_the_progress(worker):
    run_url = start(worker)
    resp = choose(worker, run_url, "scold")
    assert resp.headers["Location"].endswith(run_url)
    html = worker.get(run_url).get_data(as_text=True)
    assert html.index("命令式的语气容易激化矛盾。") < html.index("小李觉得被冒犯")
    assert "Step 2 of about 3" in html


def test_choice_not_offered_shows_the_scene_again_with_an_error(worker, run_paths):
    run_url = start(worker)
    resp = choose(worker, run_url, "agree")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "is not offered at this step" in html and "晚上十点" in html
    assert run_paths(Run) == [[]]


def test_debrief_has_outcome_chart_path_and_better_choices(worker):
    run_url = start(worker)
    for key in ("scold", "leave"):
        choose(worker, run_url, key)
    html = worker.get(run_url).get_data(as_text=True)
    assert ">Partly resolved</h2>" in html and "当晚安静下来" in html
    chart = re.search(r'<svg[^>]*class="chart".*?</svg>', html, re.S).group(0)
    assert "style=" not in chart and ">0%</text>" in chart
    assert html.count("A better choice here:") == 2
    assert "先分别听双方说清楚" in html and "先道歉，再分别听双方说" in html
    assert 'name="choice"' not in html


def test_choice_on_a_finished_run_is_refused(worker):
    run_url = start(worker)
    for key in ("listen", "agree"):
        choose(worker, run_url, key)
    resp = choose(worker, run_url, "listen")
    assert resp.status_code == 409
    assert "This run has finished" in resp.get_data(as_text=True)


def test_replay_starts_a_new_run_and_history_lists_both(worker, db_count):
    run_url = start(worker)
    for key in ("listen", "agree"):
        choose(worker, run_url, key)
    html = worker.get(run_url).get_data(as_text=True)
    assert "Play again" in html
    resp = worker.post("/scenarios/noise/runs", data={"csrf_token": csrf_from(html)})
    assert resp.headers["Location"] != run_url
    history = worker.get("/runs").get_data(as_text=True)
    assert history.count("深夜噪音引发的邻里纠纷") == 2
    assert "Resolved" in history and "In progress" in history
    assert db_count(Run) == 2


def test_pages_do_not_write(worker, db_count):
    run_url = start(worker)
    before = db_count(Run)
    for url in ("/scenarios", "/scenarios/noise", "/runs", run_url, "/"):
        assert worker.get(url).status_code == 200
    assert db_count(Run) == before


def test_another_workers_run_is_not_found(worker, auth, make_user, client):
    run_url = start(worker)
    make_user("worker2", unit="S1-C1-G2")
    auth.login("worker2")
    assert client.get(run_url).status_code == 404
    token = csrf_from(client.get("/runs").get_data(as_text=True))
    assert client.post(f"{run_url}/choices", data={"choice": "listen",
                                                   "csrf_token": token}).status_code == 404


def test_organiser_reads_the_run_without_choosing(worker, auth, client):
    run_url = start(worker)
    auth.login("organiser")
    html = client.get(run_url).get_data(as_text=True)
    assert "Run by" in html and "晚上十点" in html and 'name="choice"' not in html
    results = client.get("/scenarios/noise/results").get_data(as_text=True)
    assert run_url in results


def test_home_shows_the_scenario_tiles(worker):
    html = worker.get("/").get_data(as_text=True)
    assert 'href="/scenarios"' in html and 'href="/runs"' in html


EVIL = """version: 1
title: <script>alert('title')</script>
department: civil-affairs
summary: <img src=x onerror=alert(1)>
start: a
nodes:
  a:
    text: |
      <script>alert('x')</script><img src="x" onerror="alert(2)">
      [click](javascript:alert(3)) <a href="data:text/html,hi">d</a>
    choices:
      - key: go
        label: <b onmouseover=alert(4)>go</b>
        goto: z
        feedback: <script>alert(5)</script>
  z:
    ending: success
    text: <iframe src="https://evil.example"></iframe>done
"""


ACTIVE = (r"<script", r"<iframe", r"<[^>]*\son[a-z]+\s*=",
          r"(href|src)\s*=\s*[\"']?\s*(javascript|data):")


def assert_clean(html):
    """No live markup from the author: escaped text (&lt;script&gt;) is harmless."""
    for pattern in ACTIVE:
        assert re.search(pattern, html, re.I) is None, pattern


def test_markup_from_authors_never_reaches_the_page_unsanitised(worker, make_scenario, auth,
                                                                client):
    make_scenario("evil", EVIL)
    assert_clean(worker.get("/scenarios").get_data(as_text=True))
    run_url = start(worker, "evil")
    assert_clean(worker.get(run_url).get_data(as_text=True))
    choose(worker, run_url, "go")
    html = worker.get(run_url).get_data(as_text=True)
    assert_clean(html)
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in html  # feedback is text, escaped
    auth.login("admin")
    for url in ("/author/scenarios/evil", "/author/scenarios/evil/preview?path=go"):
        assert_clean(client.get(url).get_data(as_text=True))
