"""Plans' review steps and roll call reach the site's audit log (trainer/audit), in the
plan's street."""

import sqlalchemy as sa

from tests.plans.factories import uid
from trainer.audit.models import AuditEvent


def _events(fresh, action):
    return fresh.scalars(sa.select(AuditEvent).where(AuditEvent.action == action))


def test_submit_and_approve_are_stored_in_the_streets_scope(app, fresh, client, auth, plan,
                                                            make_user, org):
    make_user("org_s1", role="organiser", unit="S1")
    auth.login("org_s1")
    page = f"/plans/{plan}"
    assert auth.post(f"{page}/submit", page=page).status_code == 302
    auth.logout()
    auth.login("organiser")
    auth.post(f"{page}/review", {"decision": "approve", "comment": "同意"}, page=page)
    (submitted,) = _events(fresh, "plan_submitted")
    (approved,) = _events(fresh, "plan_approved")
    assert submitted.actor_username == "org_s1" and approved.actor_username == "organiser"
    assert approved.object_type == "plan" and approved.object_id == plan
    assert approved.street_id == org.ids["S1"]
    html = client.get("/admin/audit?type=plan").get_data(as_text=True)
    assert "批准了培训计划 S1街道 2026" in html


def test_roll_call_is_stored_about_the_person(app, fresh, client, auth, live, org):
    auth.login("trainer")
    worker = uid(app, "worker")
    page = f"/sessions/{live}/rollcall"
    assert auth.post(page, {"user_id": worker, "status": "absent"}).status_code == 302
    auth.post(page, {"user_id": worker, "status": "absent"})  # no change: no event
    (event,) = _events(fresh, "attendance_changed")
    assert event.subject_id == worker and event.details["after"] == "absent"
    assert event.street_id == org.ids["S1"]
    auth.logout()
    auth.login("organiser")
    html = client.get("/admin/audit?action=attendance_changed").get_data(as_text=True)
    assert "worker用户（worker） 在" in html and "的考勤改为缺勤" in html
