"""The builder page's script endpoints: dragged node positions kept with the draft (and
drawn by the server), a choice re-targeted by dropping its arrow's end on a node, a node's
text and labels edited in place. Each goes through the editor's services with the same
stale-save check as the forms; bad input is refused in Chinese and changes nothing."""

import math
import re

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx, csrf_from
from tests.simulation.test_editor import APP, create, save_node, scenario
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.simulation import editor
from trainer.simulation.models import Scenario

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _app(app):
    APP["app"] = app


@pytest.fixture
def trainer(client, auth, users):
    auth.login("trainer")
    return client


def post(client, slug, path, body):
    token = csrf_from(client.get(f"/author/scenarios/{slug}/build").get_data(as_text=True))
    return client.post(f"/author/scenarios/{slug}/{path}", json=body,
                       headers={"X-CSRFToken": token})


def three_nodes(client):
    """n1 (start) with choices c1 -> n2 and c2 -> n3; n2 success, n3 failure."""
    slug = create(client)
    save_node(client, slug, "n1", "晚上十点，王阿姨来电投诉。", choices=[
        {"label": "先听双方说", "goto": "__new__", "communication": "4", "feedback": "好"},
        {"label": "直接批评", "goto": "__new__", "communication": "-3"}])
    save_node(client, slug, "n2", "双方和好。", ending="success")
    save_node(client, slug, "n3", "矛盾激化。", ending="failure")
    assert editor_problems(slug) == []
    return slug


def editor_problems(slug):
    with APP["app"].test_request_context():
        return [str(p) for p in editor.problems(scenario(slug).draft)]


def node(draft, key):
    return next(n for n in draft["nodes"] if n["key"] == key)


# --- positions ------------------------------------------------------------------------


def test_a_dragged_position_is_kept_and_drawn_by_the_server(app, trainer):
    slug = three_nodes(trainer)
    rev = scenario(slug).draft_rev
    version = scenario(slug).current_version
    r = post(trainer, slug, "layout", {"rev": rev, "positions": {"n3": [612.4, 340]}})
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert body["rev"] == rev + 1
    assert 'data-key="n3" data-x="612" data-y="340"' in body["graph"]
    s = scenario(slug)
    assert s.draft["layout"] == {"n3": [612, 340]} and s.draft_rev == rev + 1
    # A position is the editor's own: no new version, nothing a learner plays changes.
    assert s.current_version.id == version.id and "layout" not in s.current_version.data
    # Without JavaScript the page draws the node there too.
    page = trainer.get(f"/author/scenarios/{slug}/build").get_data(as_text=True)
    assert re.search(r'data-key="n3" data-x="612" data-y="340"><title>[^<]*</title>'
                     r'<rect x="612" y="340"', page)
    # The form path keeps positions; deleting a node forgets its own.
    save_node(trainer, slug, "n2", "双方握手言和。", ending="success")
    assert scenario(slug).draft["layout"] == {"n3": [612, 340]}
    url = f"/author/scenarios/{slug}/nodes/n3/delete"
    token = csrf_from(trainer.get(url).get_data(as_text=True))
    trainer.post(url, data={"csrf_token": token, "rev": scenario(slug).draft_rev,
                            "to-n1-c2": "n2"})
    assert scenario(slug).draft["layout"] == {}


@pytest.mark.parametrize("positions", [
    None, [], {}, {"n9": [10, 10]}, {"n1": [10]}, {"n1": "10,10"}, {"n1": [-5, 10]},
    {"n1": [10, 20_001]}, {"n1": ["10", 10]}, {"n1": [True, 10]}, {"n1": [10, None]},
    {"n2": [10, 10], "n1": [1e9, 0]},
])
def test_bad_positions_are_refused_in_chinese_and_change_nothing(app, trainer, positions):
    slug = three_nodes(trainer)
    before = scenario(slug)
    r = post(trainer, slug, "layout", {"rev": before.draft_rev, "positions": positions})
    assert r.status_code == 422
    message = r.get_json()["error"]["message"]
    assert CJK.search(message) and "布局没有保存" in message
    after = scenario(slug)
    assert after.draft == before.draft and after.draft_rev == before.draft_rev


def test_positions_that_are_not_finite_numbers_are_refused(app, users):
    """JSON has no NaN or infinity, but a Python caller could pass them."""
    from trainer.auth.models import User

    with app.test_request_context():
        user = db.session.get(User, users["trainer"])
        s = editor.create_draft(user, "测试布局", "", [])
        for bad in (math.nan, math.inf, -math.inf):
            with pytest.raises(Invalid, match="布局没有保存"):
                editor.save_layout(user, s, s.draft_rev, {"n1": [bad, 1]})
        assert "layout" not in s.draft
        db.session.rollback()


def test_a_stale_layout_is_refused_with_the_newer_draft(app, trainer):
    slug = three_nodes(trainer)
    rev = scenario(slug).draft_rev
    save_node(trainer, slug, "n2", "另一位培训师改了这里。", ending="success")
    r = post(trainer, slug, "layout", {"rev": rev, "positions": {"n1": [40, 40]}})
    assert r.status_code == 409
    body = r.get_json()
    assert "已有他人先保存" in body["error"]["message"]
    assert body["rev"] == rev + 1 and "另一位培训师改了这里" in body["list"]
    assert "layout" not in scenario(slug).draft
    r = post(trainer, slug, "layout", {"positions": {"n1": [40, 40]}})  # no revision
    assert r.status_code == 409


def test_a_json_post_without_the_csrf_header_is_refused(app, trainer):
    slug = three_nodes(trainer)
    before = scenario(slug)
    r = trainer.post(f"/author/scenarios/{slug}/layout",
                     json={"rev": before.draft_rev, "positions": {"n1": [1, 1]}})
    assert r.status_code == 400
    assert scenario(slug).draft == before.draft


# --- re-targeting a choice --------------------------------------------------------------


def test_dropping_an_arrow_end_on_a_node_retargets_the_choice(app, trainer):
    slug = three_nodes(trainer)
    rev = scenario(slug).draft_rev
    r = post(trainer, slug, "nodes/n1/retarget", {"rev": rev, "choice": "c2", "goto": "n2"})
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    draft = scenario(slug).draft
    n1 = node(draft, "n1")
    assert [c["goto"] for c in n1["choices"]] == ["n2", "n2"]
    # Only the target changed: labels, effects and feedback stay.
    assert n1["choices"][0] == {"key": "c1", "label": "先听双方说", "goto": "n2",
                                "effects": {"communication": 4}, "feedback": "好"}
    assert n1["choices"][1]["effects"] == {"communication": -3}
    # The check reran: the failure ending is now unreachable, named in Chinese and
    # highlighted in the list and the graph the page receives.
    assert body["ok"] is False and "问题" in body["message"]
    assert "节点「矛盾激化。」：从起始节点无法到达。" in body["problems"]
    assert re.search(r'<li class="sim-bad sim-failure" data-key="n3">', body["list"])
    assert re.search(r'data-key="n3"[^>]*><title>[^<]*</title><rect[^>]*stroke="#b00020"',
                     body["graph"])
    assert body["can_publish"] is False


def test_retargeting_can_fix_a_dangling_choice(app, trainer):
    slug = three_nodes(trainer)
    save_node(trainer, slug, "n1", "晚上十点，王阿姨来电投诉。", choices=[
        {"key": "c1", "label": "先听双方说", "goto": "n2"},
        {"key": "c2", "label": "直接批评", "goto": "n99"}])
    assert any("不存在" in p for p in editor_problems(slug))
    r = post(trainer, slug, "nodes/n1/retarget",
             {"rev": scenario(slug).draft_rev, "choice": "c2", "goto": "n3"})
    assert r.status_code == 200 and r.get_json()["ok"] is True
    assert editor_problems(slug) == [] and r.get_json()["can_publish"] is True


@pytest.mark.parametrize("path, body, words", [
    ("nodes/n1/retarget", {"choice": "c9", "goto": "n2"}, "选项已不存在"),
    ("nodes/n1/retarget", {"choice": "c1", "goto": "n99"}, "已有的节点"),
    ("nodes/n1/retarget", {"choice": "c1", "goto": ["n2"]}, "已有的节点"),
    ("nodes/n1/retarget", {"choice": "c1", "goto": "n1"}, "它所在的节点"),
    ("nodes/n9/retarget", {"choice": "c1", "goto": "n2"}, "节点已不存在"),
    ("nodes/n1/inline", {"text": 5}, "节点文字无效"),
    ("nodes/n1/inline", {"text": "x" * 20_001}, "节点文字无效"),
    ("nodes/n1/inline", {"text": "好", "labels": ["a"]}, "选项文字无效"),
    ("nodes/n1/inline", {"text": "好", "labels": {"c1": 3}}, "选项文字无效"),
    ("nodes/n1/inline", {"text": "好", "labels": {"c7": "新"}}, "选项已不存在"),
    ("nodes/n9/inline", {"text": "好"}, "节点已不存在"),
])
def test_bad_retargets_and_inline_edits_are_refused_in_chinese(app, trainer, path, body,
                                                                words):
    slug = three_nodes(trainer)
    before = scenario(slug)
    r = post(trainer, slug, path, {"rev": before.draft_rev, **body})
    assert r.status_code == 422, r.get_data(as_text=True)
    assert words in r.get_json()["error"]["message"]
    after = scenario(slug)
    assert after.draft == before.draft and after.draft_rev == before.draft_rev


def test_a_stale_retarget_is_refused(app, trainer):
    slug = three_nodes(trainer)
    rev = scenario(slug).draft_rev
    post(trainer, slug, "layout", {"rev": rev, "positions": {"n2": [10, 200]}})
    r = post(trainer, slug, "nodes/n1/retarget", {"rev": rev, "choice": "c2", "goto": "n2"})
    assert r.status_code == 409 and "已有他人先保存" in r.get_json()["error"]["message"]
    assert node(scenario(slug).draft, "n1")["choices"][1]["goto"] == "n3"


# --- inline editing -----------------------------------------------------------------------


def test_inline_edit_saves_text_and_labels_and_keeps_the_rest(app, trainer):
    slug = three_nodes(trainer)
    rev = scenario(slug).draft_rev
    r = post(trainer, slug, "nodes/n1/inline",
             {"rev": rev, "text": "  晚上十一点，**王阿姨**再次来电。\r\n",
              "labels": {"c2": "当场批评楼上"}})
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert body["ok"] is True and body["rev"] == rev + 1
    n1 = node(scenario(slug).draft, "n1")
    assert n1["text"] == "晚上十一点，**王阿姨**再次来电。"
    assert [(c["label"], c["goto"], c["effects"], c["feedback"]) for c in n1["choices"]] == [
        ("先听双方说", "n2", {"communication": 4}, "好"),
        ("当场批评楼上", "n3", {"communication": -3}, "")]
    assert "晚上十一点" in body["list"]  # the list names nodes by their text
    entry = next(n for n in body["nodes"] if n["key"] == "n1")
    assert entry["choices"][1] == {"key": "c2", "label": "当场批评楼上", "goto": "n3"}
    # A clean draft is pinned as a new version, as the form does.
    with app_ctx(app):
        s = db.session.scalar(sa.select(Scenario).where(Scenario.slug == slug))
        assert s.current_version.data["nodes"][0]["text"] == n1["text"]


def test_an_empty_label_inline_is_kept_as_a_draft_with_its_problem(app, trainer):
    slug = three_nodes(trainer)
    r = post(trainer, slug, "nodes/n1/inline",
             {"rev": scenario(slug).draft_rev, "text": "开始", "labels": {"c1": " "}})
    assert r.status_code == 200
    assert r.get_json()["ok"] is False
    assert "节点「开始」：有一个选项没有文字。" in r.get_json()["problems"]


def test_a_stale_inline_edit_is_refused_and_saves_nothing(app, trainer):
    slug = three_nodes(trainer)
    rev = scenario(slug).draft_rev
    save_node(trainer, slug, "n1", "第一位培训师的文字", choices=[
        {"key": "c1", "label": "先听双方说", "goto": "n2"},
        {"key": "c2", "label": "直接批评", "goto": "n3"}])
    r = post(trainer, slug, "nodes/n1/inline", {"rev": rev, "text": "第二位培训师的文字"})
    assert r.status_code == 409
    body = r.get_json()
    assert body["error"]["message"].startswith("已有他人先保存了这份草稿")
    assert body["rev"] == rev + 1  # the newer draft, to compare and save again
    assert next(n for n in body["nodes"] if n["key"] == "n1")["text"] == "第一位培训师的文字"
    assert node(scenario(slug).draft, "n1")["text"] == "第一位培训师的文字"
    r = post(trainer, slug, "nodes/n1/inline", {"rev": body["rev"], "text": "第二位培训师的文字"})
    assert r.status_code == 200
    assert node(scenario(slug).draft, "n1")["text"] == "第二位培训师的文字"


def test_the_builder_page_carries_what_the_script_needs(app, trainer):
    """The inline editor's data and words, every graph node and arrow end keyed; nothing
    the CSP forbids."""
    slug = three_nodes(trainer)
    page = trainer.get(f"/author/scenarios/{slug}/build").get_data(as_text=True)
    assert 'id="sim-inline" class="card sim-inline" hidden' in page
    assert "&#34;key&#34;: &#34;n1&#34;" in page  # the nodes' JSON, escaped in its attribute
    assert 'data-msg-unsaved="未保存"' in page and 'data-msg-choice="选项 %(n)s"' in page
    assert page.count('class="edge-end"') == 2 and page.count("data-from=") == 4
    assert "style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)


# --- the drawing --------------------------------------------------------------------------


def test_the_graph_draws_dragged_nodes_where_they_were_put():
    """Pure: a node placed above its source gets an arrow round the side, the arrow's end
    handle sits where the arrow ends, and the editable drawing stays well-formed SVG."""
    import xml.dom.minidom

    from trainer.simulation.graph import Choice, Node
    from trainer.simulation.graph import Scenario as Graph
    from trainer.simulation.graphsvg import graph_svg, layout

    g = Graph("s", "t", None, "", (), "a", {
        "a": Node("a", "A", (Choice("c1", "去 B", "b"), Choice("c2", "去 X", "x"))),
        "b": Node("b", "B", (), "success")})
    plain = graph_svg(g, "g")
    assert "data-key" not in plain and "edge-end" not in plain  # the editor's only
    assert layout(g, {"b": (400, 0)})[(False, "b")].x == 400
    svg = graph_svg(g, "g", positions={"b": (400, 0)}, editable=True)
    xml.dom.minidom.parseString(svg)
    assert 'data-key="b" data-x="400" data-y="0"' in svg
    assert re.search(r'<path data-from="a" data-choice="c1" data-to="b" d="M[^"]*C', svg)
    assert '<circle class="edge-end" cx="550" cy="22" r="12"' in svg  # b's right side
    assert 'data-ghost="x"' in svg and svg.count('class="edge-end"') == 2
    assert "style=" not in svg


def test_positions_outlive_an_edit_of_the_yaml(app, trainer):
    slug = three_nodes(trainer)
    post(trainer, slug, "layout", {"rev": scenario(slug).draft_rev,
                                   "positions": {"n2": [300, 20], "n3": [20, 300]}})
    exported = trainer.get(f"/author/scenarios/{slug}/export").get_data(as_text=True)
    assert "layout" not in exported  # the file holds the graph only
    edited = exported.replace("双方和好。", "双方握手言和。")
    edited = re.sub(r"(?ms)^  n3:\n.*?(?=^  \w|\Z)", "", edited)  # drop n3
    edited = edited.replace("goto: n3", "goto: n2")
    url = f"/author/scenarios/{slug}"
    r = trainer.post(url, data={"csrf_token": csrf_from(trainer.get(url).get_data(as_text=True)),
                                "yaml": edited})
    assert r.status_code == 302
    s = scenario(slug)
    assert s.draft["layout"] == {"n2": [300, 20]}  # n3 is gone, and its place with it
    assert node(s.draft, "n2")["text"] == "双方握手言和。" and editor_problems(slug) == []
