"""Competitions' audit lines are mirrored into the site's audit log (trainer/audit), in the
same transaction, with the contest's scope: score changes and publishing among them."""

import sqlalchemy as sa

from tests.competitions.test_judging import _entered, _score
from trainer.audit.models import AuditEvent


def test_creation_and_score_changes_reach_the_site_log(app, fresh, client, auth, create,
                                                       workers, org):
    comp_id = create(street="S1")
    created = fresh.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "competition.create"))
    assert created.object_id == comp_id and created.object_label == "业务知识竞赛"
    assert (created.street_id, created.district_id) == (org.ids["S1"], org.ids["D"])
    _entered(client, auth, comp_id, "w1")
    judge = auth.token("trainer")
    assert _score(client, judge, comp_id, "w1", {"沟通": 8, "方案": 6}).status_code == 200
    assert _score(client, judge, comp_id, "w1", {"沟通": 9, "方案": 6},
                  reason="复核录像后更正").status_code == 200
    change = fresh.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "competition.score.change"))
    assert change.details["reason"] == "复核录像后更正"
    assert change.details["before"] == {"沟通": 8.0, "方案": 6.0}
    auth.login("organiser")
    html = client.get("/admin/audit?action=competition.score.change").get_data(as_text=True)
    assert "成绩由 方案 6、沟通 8 改为 方案 6、沟通 9" in html
