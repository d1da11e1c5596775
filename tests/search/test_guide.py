"""The referral guide is a search source: its entries are found like the lessons."""

import sqlalchemy as sa

from tests.search.conftest import WAGES, found
from trainer.extensions import db


def make_entry(app, key, situation, steps, keywords=()):
    from trainer.guide.entry_format import to_spec
    from trainer.guide.services import upsert_entry

    with app.app_context():
        upsert_entry(to_spec({"key": key, "situation": situation, "steps": steps,
                              "keywords": list(keywords), "hotlines": ["12333"]},
                             "human-resources", 1))
        db.session.commit()


def test_chinese_keywords_find_guide_entries_and_lessons(app, client, auth, users, make_course):
    make_course("wages", [WAGES])
    make_entry(app, "unpaid-wages", "居民被拖欠工资", "先记录情况，引导到劳动保障监察。",
               keywords=["欠薪", "讨薪"])
    make_entry(app, "e-bike", "楼道里给电动车充电", "劝导移到集中充电点，拒不整改的报社区。")
    auth.login("worker")
    status, html = found(client, "欠薪")
    assert status == 200 and "居民被拖欠工资" in html and "协助被拖欠工资的居民" in html
    assert "遇事找谁" in html and 'href="/guide/unpaid-wages"' in html
    html = found(client, "充电")[1]
    assert "楼道里给电动车充电" in html and "居民被拖欠工资" not in html


def test_a_web_edit_of_an_entry_updates_the_index(app, client, auth, users):
    from trainer.auth.models import User
    from trainer.guide.entry_format import to_spec
    from trainer.guide.services import edit_entry, get_entry

    make_entry(app, "unpaid-wages", "居民被拖欠工资", "引导到劳动保障监察。", keywords=["欠薪"])
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
        edit_entry(admin, get_entry("unpaid-wages"), to_spec(
            {"key": "unpaid-wages", "situation": "农民工讨薪", "steps": "拨打12333。"},
            "human-resources", 1))
        db.session.commit()
    auth.login("worker")
    assert "农民工讨薪" in found(client, "讨薪")[1]
    assert "讨薪" not in found(client, "欠薪")[1]
