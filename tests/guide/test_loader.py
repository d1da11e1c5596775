import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.guide.entry_format import References
from trainer.guide.models import GuideEntry, GuideRevision

from .conftest import FIRE_YML


def entries(app) -> dict[str, GuideEntry]:
    with app_ctx(app):
        rows = db.session.scalars(sa.select(GuideEntry)).all()
        db.session.expunge_all()
        return {row.key: row for row in rows}


@pytest.mark.usefixtures("db_ctx")
def test_a_valid_file_loads_its_entries_with_their_department(app, guide_dir, load_guide):
    report = load_guide(guide_dir)
    assert report.problems == [] and sorted(report.created) == [
        "guide:corridor-clutter", "guide:ebike-charging"]
    rows = entries(app)
    row = rows["ebike-charging"]
    assert row.hotlines == ["119", "96119"] and row.laws == ["中华人民共和国消防法"]
    assert row.lessons == ["demo-course/01-a.md"] and row.scenarios == ["noise"]
    assert row.contact_kinds == ["property"] and row.keywords == ["电瓶车", "飞线"]
    assert "<strong>119</strong>" in row.steps_html and "<ol>" in row.steps_html
    assert rows["corridor-clutter"].hotlines == ["96119"]
    assert db.session.get(GuideEntry, row.id).department.code == "fire"


@pytest.mark.usefixtures("db_ctx")
def test_loading_twice_changes_nothing(app, guide_dir, load_guide):
    load_guide(guide_dir)
    before = entries(app)
    report = load_guide(guide_dir)
    assert report.created == [] and report.updated == [] and len(report.unchanged) == 2
    after = entries(app)
    assert {k: v.updated_at for k, v in before.items()} == {
        k: v.updated_at for k, v in after.items()}
    assert db.session.scalar(sa.select(sa.func.count(GuideRevision.id))) == 2


def test_a_changed_file_updates_the_entry(app, guide_dir, load_guide):
    load_guide(guide_dir)
    (guide_dir / "fire.yml").write_text(FIRE_YML.replace("楼道堆物", "楼道堆放杂物"), "utf-8")
    report = load_guide(guide_dir)
    assert report.updated == ["guide:corridor-clutter"]
    assert entries(app)["corridor-clutter"].situation == "楼道堆放杂物"


@pytest.mark.usefixtures("db_ctx")
def test_a_load_never_overwrites_an_entry_edited_on_the_web(app, guide_dir, load_guide):
    load_guide(guide_dir)
    row = db.session.scalar(sa.select(GuideEntry).where(GuideEntry.key == "corridor-clutter"))
    row.situation, row.web_edited = "网页上改过的标题", True
    db.session.commit()
    assert load_guide(guide_dir).warnings == []  # the file has not changed since
    (guide_dir / "fire.yml").write_text(FIRE_YML.replace("楼道堆物", "文件里的新标题"), "utf-8")
    report = load_guide(guide_dir)
    assert report.updated == [] and "guide:corridor-clutter" in report.unchanged
    assert len(report.warnings) == 1 and "corridor-clutter" in report.warnings[0]
    assert report.warnings[0].startswith("warning: fire.yml: 条目 corridor-clutter: ")
    assert entries(app)["corridor-clutter"].situation == "网页上改过的标题"


def test_a_dry_run_writes_nothing(app, guide_dir, load_guide):
    report = load_guide(guide_dir, dry_run=True)
    assert report.ok and entries(app) == {}


def test_a_file_with_a_problem_loads_nothing_but_others_load(app, guide_dir, load_guide):
    (guide_dir / "health.yml").write_text(
        "version: 1\nentries:\n  - key: ok-one\n    situation: 好的\n    steps: 步骤\n"
        "  - key: bad-one\n    situation: 坏的\n    steps: 步骤\n    hotlines: [12306]\n", "utf-8")
    report = load_guide(guide_dir)
    assert len(report.problems) == 1 and report.problems[0].startswith(
        "health.yml: 条目 bad-one: 字段“hotlines”: ")
    assert set(entries(app)) == {"ebike-charging", "corridor-clutter"}


@pytest.mark.usefixtures("db_ctx")
def test_references_come_from_the_database_and_the_folders(app, tmp_path, load_guide,
                                                          make_scenario):
    from trainer.guide.loader import known_references

    courses = tmp_path / "courses" / "folder-course"
    courses.mkdir(parents=True)
    (courses / "course.yml").write_text("lessons: [01-x.md, 02-y.md]\n", "utf-8")
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "file-scenario.twee").write_text("", "utf-8")
    make_scenario("db-scenario")
    refs = known_references(tmp_path / "courses", scenarios)
    assert refs.lessons == {"folder-course/01-x.md", "folder-course/02-y.md"}
    assert refs.scenarios == {"file-scenario", "db-scenario"}


def test_unknown_references_are_problems(guide_dir, load_guide):
    report = load_guide(guide_dir, refs=References(lessons=set(), scenarios=set()))
    assert sorted(report.problems) == [
        "fire.yml: 条目 ebike-charging: 字段“lessons”: 找不到课时“demo-course/01-a.md”",
        "fire.yml: 条目 ebike-charging: 字段“scenarios”: 找不到情景“noise”"]
