import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from
from trainer.extensions import db
from trainer.guide.models import GuideEntry, GuideRevision


@pytest.fixture
def entries(make_entry):
    make_entry()  # gas-smell, emergency
    make_entry("wage-arrears", "human-resources", "欠薪", "引导拨打 **12333**。",
               hotlines=["12333"], keywords=["讨薪"], laws=["保障农民工工资支付条例"])
    make_entry("corridor", "fire", "楼道堆物", "拍照，与物业一起劝导。", hotlines=["96119"])


@pytest.mark.parametrize("role", ["worker", "trainer", "organiser", "admin"])
def test_every_role_sees_all_situations_grouped_by_department(client, auth, users, entries,
                                                              role):
    auth.login(role)
    html = client.get("/guide").get_data(as_text=True)
    assert "闻到燃气味" in html and "欠薪" in html and "楼道堆物" in html
    assert html.index("<h2>应急</h2>") < html.index("闻到燃气味") < html.index("<h2>人社</h2>")
    assert 'href="/guide/wage-arrears"' in html and "遇事找谁" in html


def test_pages_are_for_logged_in_users_only(client, entries):
    for path in ("/guide", "/guide/gas-smell", "/guide/contacts"):
        assert client.get(path).status_code == 302


@pytest.mark.parametrize(("query", "found", "absent"), [
    ("燃气", "闻到燃气味", "欠薪"),      # the situation
    ("讨薪", "欠薪", "闻到燃气味"),      # a keyword
    ("物业", "楼道堆物", "欠薪"),        # a step
    ("100%", None, "欠薪"),             # LIKE wildcards are plain text
])
def test_the_filter_matches_situation_keywords_and_steps(client, auth, users, entries, query,
                                                         found, absent):
    auth.login("worker")
    html = client.get("/guide", query_string={"q": query}).get_data(as_text=True)
    assert absent not in html
    assert (found in html) if found else "没有找到相符的情况" in html


def test_the_department_filter(client, auth, users, entries):
    auth.login("worker")
    html = client.get("/guide?department=fire").get_data(as_text=True)
    assert "楼道堆物" in html and "欠薪" not in html


def test_an_entry_shows_department_hotlines_law_and_steps(client, auth, users, entries):
    auth.login("worker")
    html = client.get("/guide/wage-arrears").get_data(as_text=True)
    assert "人社" in html and 'href="tel:12333"' in html and "人社服务" in html
    assert "《保障农民工工资支付条例》" in html and "<strong>12333</strong>" in html
    assert "编辑这个条目" not in html
    assert client.get("/guide/no-such-entry").status_code == 404


def test_an_entry_links_only_the_lessons_and_scenarios_the_caller_may_see(
        client, auth, users, make_entry, make_course, make_scenario):
    ids = make_course()
    hidden = make_course("other-street", street="S2")
    make_scenario("noise")
    make_entry(lessons=["demo-course/02-b.md", "other-street/01-a.md"], scenarios=["noise"])
    auth.login("worker")  # of street S1
    html = client.get("/guide/gas-smell").get_data(as_text=True)
    assert f'href="/lessons/{ids["02-b.md"]}"' in html and 'href="/scenarios/noise"' in html
    assert f'href="/lessons/{hidden["01-a.md"]}"' not in html


def test_a_trainer_of_the_department_edits_an_entry(client, auth, make_user, entries, app):
    make_user("em_trainer", role="trainer", department="emergency")
    auth.login("em_trainer")
    page = client.get("/guide/gas-smell/edit")
    assert page.status_code == 200 and "闻到燃气味" in page.get_data(as_text=True)
    resp = client.post("/guide/gas-smell/edit", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "situation": "闻到燃气泄漏的气味",
        "keywords": "煤气，天然气", "hotlines": ["119", "12345"], "contacts": ["gas"],
        "laws": "《城镇燃气管理条例》", "steps": "1. 不开关电器。\n2. 到室外拨打 **119**。",
        "lessons": "", "scenarios": ""})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/guide/gas-smell")
    with app.app_context():
        row = db.session.scalar(sa.select(GuideEntry).where(GuideEntry.key == "gas-smell"))
        assert row.web_edited and row.situation == "闻到燃气泄漏的气味"
        assert row.keywords == ["煤气", "天然气"] and row.laws == ["城镇燃气管理条例"]
        assert row.hotlines == ["119", "12345"] and "<ol>" in row.steps_html
        revision = db.session.scalars(sa.select(GuideRevision).where(
            GuideRevision.entry_id == row.id).order_by(GuideRevision.id.desc())).first()
        assert revision.action == "web edit" and revision.user.username == "em_trainer"
    html = client.get("/guide/gas-smell").get_data(as_text=True)
    assert "已保存" in html and "（已在网页上修改）" in html


def test_the_editor_shows_problems_in_chinese_on_the_fields(client, auth, users, entries):
    auth.login("admin")
    page = client.get("/guide/gas-smell/edit").get_data(as_text=True)
    resp = client.post("/guide/gas-smell/edit", data={
        "csrf_token": csrf_from(page), "situation": "闻到燃气味", "steps": "离开。",
        "keywords": "词" * 21, "lessons": "no-course/01.md", "scenarios": "ghost"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "找不到课时“no-course/01.md”" in html and "找不到情景“ghost”" in html
    assert "关键词须为 1 到 20 个字符" in html


@pytest.mark.parametrize(("username", "role", "department"), [
    ("ps_trainer", "trainer", "public-security"), ("org", "organiser", None),
    ("w2", "worker", None)])
def test_others_may_not_edit_an_entry(client, auth, make_user, entries, app, fresh, username, role,
                                      department):
    make_user(username, role=role, department=department)
    auth.login(username)
    assert client.get("/guide/gas-smell/edit").status_code == 403
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    assert client.post("/guide/gas-smell/edit", data={
        "csrf_token": token, "situation": "改", "steps": "改"}).status_code == 403
    assert fresh.scalar(sa.select(GuideEntry.situation).where(
        GuideEntry.key == "gas-smell")) == "闻到燃气味"


def test_a_web_edit_survives_the_next_load(client, auth, users, app, guide_dir, load_guide):
    load_guide(guide_dir)
    auth.login("admin")
    page = client.get("/guide/corridor-clutter/edit").get_data(as_text=True)
    client.post("/guide/corridor-clutter/edit", data={
        "csrf_token": csrf_from(page), "situation": "网页版标题", "steps": "网页版步骤"})
    text = (guide_dir / "fire.yml").read_text("utf-8").replace("楼道堆物", "文件版标题")
    (guide_dir / "fire.yml").write_text(text, "utf-8")
    report = load_guide(guide_dir)
    assert report.warnings and "guide:corridor-clutter" in report.unchanged
    html = client.get("/guide/corridor-clutter").get_data(as_text=True)
    assert "网页版标题" in html and "文件版标题" not in html
