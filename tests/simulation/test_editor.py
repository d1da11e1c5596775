"""The visual scenario editor: forms only, Chinese problems naming the node, drafts kept
while invalid, stale saves refused, node deletion retargeting, play-test, web import."""

import re

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx, csrf_from
from trainer.extensions import db
from trainer.simulation import editor
from trainer.simulation.models import Scenario

CJK = re.compile(r"[\u4e00-\u9fff]")


APP = {}


@pytest.fixture(autouse=True)
def _app(app):
    APP["app"] = app


class Snapshot:
    def __init__(self, s):
        self.status, self.draft, self.draft_rev = s.status, s.draft, s.draft_rev
        self.current_version = s.current_version


@pytest.fixture
def trainer(client, auth, users):
    auth.login("trainer")
    return client


def token(client, url):
    return csrf_from(client.get(url).get_data(as_text=True))


def scenario(slug):
    with app_ctx(APP["app"]):
        return Snapshot(db.session.scalar(sa.select(Scenario).where(Scenario.slug == slug)))


def problems(draft):
    with app_ctx(APP["app"]):
        return [str(p) for p in editor.problems(draft)]


def create(client, title="深夜噪音纠纷"):
    url = "/author/scenarios/create"
    r = client.post(url, data={"csrf_token": token(client, url), "title": title,
                               "competencies": ["communication", "mediation"]})
    assert r.status_code == 302, r.get_data(as_text=True)
    return r.headers["Location"].split("/")[3]


def save_node(client, slug, key, text, ending="", choices=(), rev=None):
    url = f"/author/scenarios/{slug}/nodes/{key}"
    data = {"csrf_token": token(client, url), "text": text, "ending": ending,
            "rev": scenario(slug).draft_rev if rev is None else rev, "action": "save"}
    for i, c in enumerate(choices):
        data |= {f"c{i}-{k}": v for k, v in c.items()}
    return client.post(url, data=data)


def test_a_scenario_built_through_forms_is_checked_in_chinese_and_published(app, trainer):
    slug = create(trainer)
    assert slug == "shen-ye-zao-yin-jiu-fen"  # the title's pinyin
    page = trainer.get(f"/author/scenarios/{slug}/build").get_data(as_text=True)
    assert "死胡同" in page  # the empty start node
    r = save_node(trainer, slug, "n1", "晚上十点，王阿姨来电投诉。", choices=[
        {"label": "先听双方说", "goto": "__new__", "communication": "4", "feedback": "好"},
        {"label": "直接批评", "goto": "__new__", "communication": "-3"}])
    assert r.status_code == 302
    draft = scenario(slug).draft
    assert [n["key"] for n in draft["nodes"]] == ["n1", "n2", "n3"]
    assert draft["nodes"][0]["choices"][0]["effects"] == {"communication": 4}
    # a choice pointing at a node that does not exist: named in Chinese, kept as a draft
    r = save_node(trainer, slug, "n2", "双方平静下来。", choices=[
        {"label": "调解", "goto": "n99"}])
    found = problems(scenario(slug).draft)
    assert "节点「双方平静下来。」：选项「调解」指向的节点不存在。" in found
    assert scenario(slug).current_version is None
    r = trainer.post(f"/author/scenarios/{slug}/status",
                     data={"csrf_token": token(trainer, f"/author/scenarios/{slug}/build"),
                           "status": "published", "back": "build"})
    assert scenario(slug).status == "draft"
    save_node(trainer, slug, "n2", "双方平静下来。", choices=[
        {"label": "调解", "goto": "__new__", "mediation": "5"}])
    save_node(trainer, slug, "n4", "达成一致。", ending="success")
    save_node(trainer, slug, "n3", "矛盾激化。", ending="failure")
    s = scenario(slug)
    assert problems(s.draft) == [] and s.current_version is not None
    play = trainer.get(f"/author/scenarios/{slug}/playtest?from=n2&path=c1")
    assert "达成一致" in play.get_data(as_text=True)
    trainer.post(f"/author/scenarios/{slug}/status",
                 data={"csrf_token": token(trainer, f"/author/scenarios/{slug}/build"),
                       "status": "published", "back": "build"})
    assert scenario(slug).status == "published"


def test_a_stale_save_is_refused_and_keeps_the_text(app, trainer):
    slug = create(trainer)
    rev = scenario(slug).draft_rev
    assert save_node(trainer, slug, "n1", "第一位培训师的文字", rev=rev).status_code == 302
    r = save_node(trainer, slug, "n1", "第二位培训师的文字", rev=rev)
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "已有他人先保存" in page and "第二位培训师的文字" in page
    assert scenario(slug).draft["nodes"][0]["text"] == "第一位培训师的文字"


def test_deleting_a_node_asks_where_its_choices_point(app, trainer):
    slug = create(trainer)
    save_node(trainer, slug, "n1", "开始", choices=[{"label": "甲", "goto": "__new__"},
                                                   {"label": "乙", "goto": "__new__"}])
    url = f"/author/scenarios/{slug}/nodes/n2/delete"
    page = trainer.get(url).get_data(as_text=True)
    assert "to-n1-c1" in page
    r = trainer.post(url, data={"csrf_token": token(trainer, url),
                                "rev": scenario(slug).draft_rev, "to-n1-c1": "n3"})
    assert r.status_code == 302
    draft = scenario(slug).draft
    assert [n["key"] for n in draft["nodes"]] == ["n1", "n3"]
    assert [c["goto"] for c in draft["nodes"][0]["choices"]] == ["n3", "n3"]


def test_markdown_preview_saves_nothing_and_is_sanitised(app, trainer):
    slug = create(trainer)
    url = f"/author/scenarios/{slug}/nodes/n1"
    r = trainer.post(url, data={"csrf_token": token(trainer, url), "action": "preview",
                                "rev": scenario(slug).draft_rev,
                                "text": "**加粗**<script>alert(1)</script>"})
    page = r.get_data(as_text=True)
    assert "<strong>加粗</strong>" in page and "<script>alert(1)" not in page
    assert scenario(slug).draft["nodes"][0]["text"] == ""


TWEE = """:: StoryTitle
停车纠纷

:: StoryData
{"ifid": "D674C58C-DEFA-4F70-B7A2-27742230C0FC", "format": "Harlowe", "start": "Start"}

:: Start
(set: $calm to 0)业主在物业门口大吵。
[[先安抚->Calm]]
[[报警->Police]]

:: Calm [ending:success communication+2]
他冷静了。

:: Police [ending:failure]
矛盾激化。
"""


def test_twee_upload_gets_a_pinyin_slug_and_its_macros_are_reported(app, trainer):
    from io import BytesIO

    url = "/author/scenarios/import"
    r = trainer.post(url, data={"csrf_token": token(trainer, url),
                                "file": (BytesIO(TWEE.encode()), "story.twee")},
                     content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert 'value="ting-che-jiu-fen"' in page
    assert "不支持" in page and "(set:" in page
    r = trainer.post(url, data={"csrf_token": token(trainer, url), "text": TWEE,
                                "filename": "story.twee", "slug": "parking-row",
                                "confirm": "y"})
    assert r.status_code == 302
    s = scenario("parking-row")
    assert s.status == "draft" and s.current_version is None  # the macro blocks it
    assert any("宏" in p for p in problems(s.draft))


def test_every_editor_problem_goes_through_gettext(app):
    """Each message is a translated catalogue entry (Chinese) naming the node."""
    from flask_babel import force_locale

    bad = {"version": 1, "slug": "x", "title": "", "department": None, "summary": "",
           "competencies": ["communication"], "start": "n1", "nodes": [
               {"key": "n1", "text": "开始", "ending": None, "choices": [
                   {"key": "c1", "label": "去", "goto": "n9", "effects": {"nope": 1},
                    "feedback": ""},
                   {"key": "c1", "label": "", "goto": "n2", "effects": {"communication": 11},
                    "feedback": ""}]},
               {"key": "n2", "text": "<<set $x to 1>>循环", "ending": None, "choices": [
                   {"key": "c1", "label": "回", "goto": "n2", "effects": {}, "feedback": ""}]},
               {"key": "n3", "text": "", "ending": "partial", "choices": []}]}
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        found = editor.problems(bad)
    assert len(found) >= 9
    for p in found:
        assert CJK.search(p.message), p.message
        assert not re.search(r"\b(node|goto|choice|unreachable|cycle)\b", p.message)


def test_no_editor_or_import_message_bypasses_gettext(app, monkeypatch):
    """With gettext replaced by a marker, every problem the editor check and the web
    import give carries the marker: none is built outside gettext."""
    from trainer.simulation import importing

    def marked(msgid, **variables):
        return "⟦" + (msgid % variables if variables else msgid) + "⟧"

    monkeypatch.setattr(editor, "_", marked)
    monkeypatch.setattr(importing, "_", marked)
    draft = {"version": 1, "slug": "x", "title": "", "department": None, "summary": "",
             "competencies": [], "start": "n9", "nodes": [
                 {"key": "n1", "text": "(set: $a to 1)", "ending": "success",
                  "choices": [{"key": "c1", "label": "", "goto": "n1", "effects": {},
                               "feedback": ""}]}]}
    uploads = [(b"\xff\xfe", "a.yml"), (b"x", "a.txt"), (b"version: [", "bad.yml"),
               (TWEE.encode(), "story.twee"), (b"<html></html>", "story.html")]
    with app.test_request_context():
        found = [str(p) for p in editor.problems(draft)]
        for raw, name in uploads:
            found += importing.read_upload(raw, name).problems
    assert len(found) >= 8
    for text in found:
        assert text.startswith("⟦") and text.endswith("⟧"), text


def _upload(client, raw: bytes, name: str):
    from io import BytesIO

    url = "/author/scenarios/import"
    return client.post(url, data={"csrf_token": token(client, url), "file": (BytesIO(raw), name)},
                       content_type="multipart/form-data")


def test_a_twee_file_with_a_dangling_link_becomes_a_draft_to_fix(app, trainer):
    """A real Twine story whose link points at a passage that is not there: the preview
    names the file, line and passage in Chinese, the trainer imports it as a draft, the
    visual editor opens it with the problem, it cannot be published until fixed."""
    from .conftest import FIXTURES

    text = (FIXTURES / "parking.twee").read_text("utf-8").replace("[[叫拖车|Tow]]",
                                                                  "[[叫拖车|Towing]]")
    page = _upload(trainer, text.encode(), "parking.twee").get_data(as_text=True)
    assert ("parking.twee：第 23 行，段落「Arrive」（set: $calm to 0 …）的链接「叫拖车」："
            "指向的段落「Towing」不存在") in page
    assert "parking.twee：第 38 行，段落「Tow」" in page  # now unreachable
    assert 'value="xiao-qu-ting-che-jiu-fen"' in page and "导入为草稿" in page
    url = "/author/scenarios/import"
    r = trainer.post(url, data={"csrf_token": token(trainer, url), "text": text,
                                "filename": "parking.twee", "slug": "xiao-qu-ting-che-jiu-fen",
                                "confirm": "y"})
    assert r.status_code == 302
    s = scenario("xiao-qu-ting-che-jiu-fen")
    assert s.status == "draft" and s.current_version is None
    arrive = next(n for n in s.draft["nodes"] if "张先生的车位" in n["text"])
    assert [c["goto"] for c in arrive["choices"]][-1] == "Towing"  # kept, to fix
    build = trainer.get(r.headers["Location"]).get_data(as_text=True)
    assert "指向的节点不存在" in build
    trainer.post("/author/scenarios/xiao-qu-ting-che-jiu-fen/status",
                 data={"csrf_token": token(trainer, r.headers["Location"]),
                       "status": "published", "back": "build"})
    assert scenario("xiao-qu-ting-che-jiu-fen").status == "draft"  # not publishable


@pytest.mark.parametrize(("raw", "name", "told"), [
    (b"title: [unclosed\nnodes: {}\n", "bad.yml",
     "文件「bad.yml」无法读取：第 2 行：YAML 格式有误"),
    (b"just some notes, no passage\n", "notes.twee",
     "文件「notes.twee」无法读取：文件里没有故事段落"),
    (b"<html><body>hi</body></html>", "page.html", "文件「page.html」无法读取：找不到"),
])
def test_a_file_that_cannot_be_read_is_refused_naming_why(app, trainer, raw, name, told):
    page = _upload(trainer, raw, name).get_data(as_text=True)
    assert told in page
    assert "导入为草稿" not in page
    with app_ctx(APP["app"]):
        assert db.session.scalar(sa.select(sa.func.count(Scenario.id))) == 0
