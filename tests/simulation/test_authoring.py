import re

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from trainer.extensions import db
from trainer.simulation.models import Run, Scenario, ScenarioVersion
from trainer.simulation.validate import parse_yaml

from .conftest import NOISE

PS_NOISE = NOISE.replace("civil-affairs", "public-security")
BROKEN = PS_NOISE.replace("goto: escalate", "goto: escalte")


@pytest.fixture
def trainer(client, auth, users):
    auth.login("trainer")
    client.set_cookie("lang", "en")
    return client


def chinese(client):
    """The problem lines as a trainer reads them by default: in Chinese."""
    client.delete_cookie("lang")
    return client


def post_form(client, url, **data):
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def graph_box(html, key):
    """The <g> of a node in the graph view."""
    match = re.search(r'<g class="node"><title>' + re.escape(key) + r"[ <].*?</g>", html, re.S)
    assert match, key
    return match.group(0)


def test_trainer_builds_fixes_and_publishes_a_scenario(trainer, auth, client, db_count):
    new = client.get("/author/scenarios/new").get_data(as_text=True)
    assert "version: 1" in new and "department: public-security" in new

    resp = post_form(chinese(client), "/author/scenarios/new", slug="noise", yaml=BROKEN)
    client.set_cookie("lang", "en")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    arrive = "节点「arrive」（晚上十点，302 的王阿姨打电话…）"
    assert (f"noise.yml：第 19 行，{arrive}的选项「scold」（直接要求楼上立刻停止）："
            "指向的节点「escalte」不存在") in html
    assert ("noise.yml：第 36 行，节点「escalate」（小李觉得被冒犯，双方争吵升级。）："
            f"从起始{arrive}无法到达") in html
    assert 'stroke="#b00020"' in graph_box(html, "arrive (目标不存在)")  # the legend in Chinese
    assert "! 无法到达" in graph_box(html, "escalate (无法到达)")  # not "! unreachable"
    assert graph_box(html, "? escalte (不存在的节点)")
    assert "goto: escalte" in html  # the author's text is kept in the form
    assert db_count(Scenario) == 0

    resp = post_form(client, "/author/scenarios/new", slug="noise", yaml=PS_NOISE)
    assert resp.headers["Location"].endswith("/author/scenarios/noise")
    assert db_count(Scenario, Scenario.status == "draft") == 1
    page = client.get("/author/scenarios/noise").get_data(as_text=True)
    assert 'class="graph"' in page and 'stroke="#b00020"' not in page

    auth.login("worker")
    assert client.get("/scenarios/noise").status_code == 404
    auth.login("trainer")
    page = client.get("/author/scenarios/noise").get_data(as_text=True)
    resp = client.post("/author/scenarios/noise/status",
                       data={"csrf_token": csrf_from(page), "status": "published"})
    assert resp.status_code == 302
    auth.login("worker")
    assert client.get("/scenarios/noise").status_code == 200


def test_save_with_a_mistake_changes_nothing_and_a_fix_adds_a_version(trainer, make_scenario,
                                                                      client, db_count):
    make_scenario(department="public-security")
    cyclic = PS_NOISE.replace("goto: unresolved\n        effects: {mediation: -1}",
                              "goto: arrive\n        effects: {mediation: -1}")
    resp = post_form(client, "/author/scenarios/noise", yaml=cyclic)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "cycle" in html and 'stroke-dasharray="5 3"' in html
    assert db_count(ScenarioVersion) == 1
    resp = post_form(client, "/author/scenarios/noise", yaml=PS_NOISE.replace("跳绳", "拍球"))
    assert resp.status_code == 302
    assert db_count(ScenarioVersion) == 2
    assert post_form(client, "/author/scenarios/noise", yaml=PS_NOISE.replace(
        "跳绳", "拍球")).status_code == 302
    assert db_count(ScenarioVersion) == 2  # unchanged text: no new version


def test_trainer_authors_for_their_own_department_only(trainer, make_scenario, client,
                                                       db_count):
    make_scenario("ca")  # civil-affairs
    assert client.get("/author/scenarios/ca").status_code == 404
    assert "深夜噪音" not in client.get("/author/scenarios").get_data(as_text=True)
    resp = post_form(client, "/author/scenarios/new", slug="mine", yaml=NOISE)
    assert resp.status_code == 422
    assert "you may only write scenarios of your own department" in resp.get_data(as_text=True)
    assert db_count(Scenario) == 1


def test_new_scenario_needs_an_unused_well_formed_slug(trainer, make_scenario, client):
    make_scenario(department="public-security")
    for slug in ("noise", "Bad Slug"):
        resp = post_form(client, "/author/scenarios/new", slug=slug, yaml=PS_NOISE)
        assert resp.status_code == 422


def test_street_trainer_scenario_is_private_to_their_street(client, auth, make_user,
                                                           users, db_count):
    make_user("s2trainer", role="trainer", unit="S2")
    auth.login("s2trainer")
    post_form(client, "/author/scenarios/new", slug="s2", yaml=PS_NOISE)
    page = client.get("/author/scenarios/s2").get_data(as_text=True)
    client.post("/author/scenarios/s2/status", data={"csrf_token": csrf_from(page),
                                                     "status": "published"})
    assert db_count(Scenario, Scenario.street_id.is_not(None),
                    Scenario.status == "published") == 1
    auth.login("worker")  # in S1
    assert client.get("/scenarios/s2").status_code == 404
    make_user("s2worker", unit="S2-C1-G1")
    auth.login("s2worker")
    assert client.get("/scenarios/s2").status_code == 200


def test_preview_plays_from_the_url_and_records_nothing(trainer, make_scenario, client,
                                                        db_count):
    make_scenario(department="public-security", status="draft")
    html = client.get("/author/scenarios/noise/preview").get_data(as_text=True)
    assert "nothing is recorded" in html and "晚上十点" in html
    assert '<form method="get"' in html and 'name="path" value="listen"' in html
    html = client.get("/author/scenarios/noise/preview?path=scold").get_data(as_text=True)
    assert "命令式的语气容易激化矛盾。" in html
    assert 'type="hidden" name="path" value="scold"' in html
    html = client.get("/author/scenarios/noise/preview?path=scold&path=leave").get_data(
        as_text=True)
    assert ">Partly resolved</h2>" in html and 'class="chart"' in html
    resp = client.get("/author/scenarios/noise/preview?path=nonsense")
    assert resp.status_code == 302
    assert db_count(Run) == 0


def test_export_downloads_yaml_that_loads_back_the_same(trainer, make_scenario, client, app):
    make_scenario(department="public-security")
    resp = client.get("/author/scenarios/noise/export")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == 'attachment; filename="noise.yml"'
    assert resp.mimetype == "application/yaml"
    exported, problems = parse_yaml(resp.get_data(as_text=True), "noise.yml", "noise")
    original, _ = parse_yaml(PS_NOISE, "noise.yml", "noise")
    assert problems == [] and exported == original


def test_withdrawn_scenario_keeps_runs_in_progress_playable(client, auth, users,
                                                            make_scenario, app, fresh):
    make_scenario(department="public-security")
    auth.login("worker")
    page = client.get("/scenarios/noise").get_data(as_text=True)
    run_url = client.post("/scenarios/noise/runs",
                          data={"csrf_token": csrf_from(page)}).headers["Location"]
    auth.login("trainer")
    page = client.get("/author/scenarios/noise").get_data(as_text=True)
    client.post("/author/scenarios/noise/status", data={"csrf_token": csrf_from(page),
                                                        "status": "draft"})
    # no confirmation: still published
    assert fresh.scalar(sa.select(Scenario.status).where(Scenario.slug == "noise")) == "published"
    client.post("/author/scenarios/noise/status", data={"csrf_token": csrf_from(page),
                                                        "status": "draft", "confirm": "y"})
    assert fresh.scalar(sa.select(Scenario.status)) == "draft"
    auth.login("worker")
    token = csrf_from(client.get(run_url).get_data(as_text=True))
    assert client.post(f"{run_url}/choices", data={"choice": "listen",
                                                   "csrf_token": token}).status_code == 302


def test_admin_edits_any_department_and_organiser_none(client, auth, users, make_scenario):
    make_scenario()
    auth.login("admin")
    assert client.get("/author/scenarios/noise").status_code == 200
    auth.login("organiser")
    assert client.get("/author/scenarios/noise").status_code == 403


@pytest.mark.parametrize("text", ["[" * 5000, "title: " + "{a: " * 2000])
def test_deeply_nested_yaml_is_a_form_error_not_a_500(trainer, client, db_count, text):
    resp = post_form(chinese(client), "/author/scenarios/new", slug="deep", yaml=text)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "未保存任何内容" in html
    assert "deep.yml：YAML 格式有误：列表或映射嵌套太深" in html
    assert db_count(Scenario) == 0


def test_huge_or_out_of_range_effect_is_a_form_error_not_a_500(trainer, client, db_count):
    huge = PS_NOISE.replace("effects: {communication: 2, mediation: 1}",
                            "effects: {communication: " + "9" * 5000 + "}")
    resp = post_form(chinese(client), "/author/scenarios/new", slug="huge", yaml=huge)
    assert resp.status_code == 422
    assert "huge.yml：YAML 格式有误：有一个值无法读取" in resp.get_data(as_text=True)
    big = PS_NOISE.replace("effects: {communication: 2, mediation: 1}",
                           "effects: {communication: " + "9" * 400 + "}")
    resp = post_form(client, "/author/scenarios/new", slug="big", yaml=big)
    assert resp.status_code == 422
    assert ("的选项「listen」（先分别听双方说清楚）："
            "效果「communication」的分值须在 -10 到 10 之间") in resp.get_data(as_text=True)
    assert db_count(Scenario) == 0


def test_trainer_must_name_their_department(trainer, client, db_count):
    text = PS_NOISE.replace("department: public-security\n", "")
    resp = post_form(chinese(client), "/author/scenarios/new", slug="nodept", yaml=text)
    assert resp.status_code == 422
    assert "nodept.yml：字段「department」：您只能编写本部门「public-security」的情景" \
        in resp.get_data(as_text=True)
    assert db_count(Scenario) == 0


def test_twee_import_exports_and_saves_back_in_the_editor(client, auth, users, load_folder,
                                                         tmp_path, app, db_count):
    from .conftest import FIXTURES

    (tmp_path / "parking.twee").write_bytes((FIXTURES / "parking.twee").read_bytes())
    assert load_folder(tmp_path).created == ["parking"]
    auth.login("admin")
    exported = client.get("/author/scenarios/parking/export").get_data(as_text=True)
    assert "department" not in exported
    resp = post_form(client, "/author/scenarios/parking", yaml=exported)
    assert resp.status_code == 302
    assert db_count(ScenarioVersion) == 1  # the same graph: no new version
    edited = exported.replace("title: ", "title: 新 ", 1)
    assert post_form(client, "/author/scenarios/parking", yaml=edited).status_code == 302
    assert db_count(ScenarioVersion) == 2
    with app.app_context():
        scenario = db.session.scalar(sa.select(Scenario))
        assert scenario.department is None and scenario.title.startswith("新 ")
    out = tmp_path / "again"
    out.mkdir()
    (out / "parking.yml").write_text(exported, encoding="utf-8")
    report = load_folder(out)
    assert report.problems == []


def test_the_editor_marks_the_reference_path_in_the_graph_and_lists_it(trainer, make_scenario,
                                                                       client):
    make_scenario(department="public-security", status="draft")
    html = client.get("/author/scenarios/noise").get_data(as_text=True)
    assert ">Reference path</h2>" in html
    listed = re.search(r'<ol class="sim-path sim-reference".*?</ol>', html, re.S).group(0)
    assert re.findall(r"<code>(\w+)</code>", listed) == ["listen", "agree"]
    edges = re.findall(r'<path class="reference"[^>]*><title>([^<]*)</title>', html)
    assert edges == ["arrive → listen: listen (Reference path)",
                     "listen → resolved: agree (Reference path)"]
    marked = re.findall(r'<g class="node reference"><title>(\w+)', html)
    assert marked == ["arrive", "listen", "resolved"]
    assert "<li>Communication 2</li>" in html and "<li>Dispute mediation 4</li>" in html
    html = client.get("/author/scenarios/noise/preview?path=listen&path=agree").get_data(
        as_text=True)
    assert ">Reference path</h2>" in html and "<li>引导双方约定练习时间并加装减震垫</li>" in html


def test_a_used_short_name_is_shown_on_its_field_without_a_problem_list(trainer,
                                                                        make_scenario,
                                                                        client, db_count):
    make_scenario(department="public-security")
    resp = post_form(client, "/author/scenarios/new", slug="noise", yaml=BROKEN)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="slug-error">This short name is already used.</p>' in html
    assert "sim-problems" not in html and "goto: escalte" in html
    assert db_count(Scenario) == 1 and db_count(ScenarioVersion) == 1


def test_problems_are_listed_once_above_the_form_not_on_the_field(trainer, make_scenario,
                                                                   client):
    make_scenario(department="public-security")
    resp = post_form(client, "/author/scenarios/noise", yaml=BROKEN)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert html.count("Nothing was saved: fix the problems below and save again.") == 1
    assert 'id="yaml-error"' not in html
