"""The index follows the content: content load, flask search rebuild, a new source."""

import sqlalchemy as sa

from tests.search.conftest import CHARGING, found
from trainer.extensions import db
from trainer.search.models import SearchDocument

COURSE_YML = """version: 1
title: 居民权益
department: human-resources
summary: 欠薪求助怎么引导。
competencies: [communication]
hours: 1
lessons: [01-wages.md]
"""


def test_content_load_indexes_the_courses_it_loads(app, tmp_path, runner, client, auth, users):
    folder = tmp_path / "courses" / "wages"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(COURSE_YML, "utf-8")
    (folder / "01-wages.md").write_text("# 欠薪求助的引导\n\n告知劳动保障监察渠道。\n", "utf-8")
    (tmp_path / "scenarios").mkdir()
    result = runner.invoke(args=["content", "load", "--courses", str(tmp_path / "courses"),
                                 "--scenarios", str(tmp_path / "scenarios")])
    assert result.exit_code == 0, result.output
    auth.login("admin")  # a loaded course without "status: published" is a draft
    html = found(client, "欠薪")[1]
    assert "欠薪求助的引导" in html and "居民权益" in html


def test_rebuild_copies_every_source_again(app, runner, client, auth, make_course):
    make_course("safety", [CHARGING], title="安全")
    with app.app_context():
        db.session.execute(sa.delete(SearchDocument))
        db.session.commit()
    auth.login("worker")
    assert "电动自行车充电安全" not in found(client, "充电")[1]
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "lessons: 1" in result.output
    assert "电动自行车充电安全" in found(client, "飞线充电")[1]
    assert "电动自行车充电安全" in found(client, "充电")[1]


def test_a_new_domain_plugs_in_by_registering_a_source(app, client, auth, users):
    from trainer.search.index import reindex
    from trainer.search.sources import Document, Source, sources

    notes = [Document(ref_id=7, title="转介指引：欠薪", body="引导到劳动保障监察。",
                      endpoint="main.home", status="published")]
    sources.register("test-notes", Source(
        label="指引", documents=lambda ids: [d for d in notes if ids is None or d.ref_id in ids],
        visible=lambda user: SearchDocument.status == "published"))
    try:
        with app.app_context():
            assert reindex("test-notes") == 1
            db.session.commit()
        auth.login("worker")
        status, html = found(client, "欠薪")
        assert status == 200 and "转介指引：欠薪" in html and 'href="/"' in html
    finally:
        sources._items.pop("test-notes")  # the registry is global to the process
