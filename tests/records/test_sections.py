"""The bulk sections are the record's sections for many workers: the same items; the
record's sessions carry credited_hours (0 until the session has ended); organisers read
a worker's record in scope only."""

import sqlalchemy as sa

from tests.conftest import app_ctx
from tests.records.seed import YEAR, seed
from trainer.extensions import db


def test_every_bulk_section_answers_what_the_one_worker_section_does(app, users):
    from trainer.auth.models import User
    from trainer.records.figures import gather
    from trainer.records.sections import bulk, sections

    seed(app, 16)
    with app_ctx(app):
        assert set(dict(bulk.items())) == set(dict(sections.items()))
        workers = db.session.scalars(sa.select(User).where(User.role == "worker")).all()
        found = gather(sa.select(User.id).where(User.role == "worker"), YEAR,
                       keys=[k for k, _fn in sections.items()])
        checked = 0
        for user in workers:
            for key, one in sections.items():
                assert one(user, YEAR) == found[key].get(user.id, []), (user.username, key)
                checked += len(found[key].get(user.id, []))
        assert checked > 50


def test_sessions_credit_hours_only_once_ended(app, client, api, users):
    seed(app, 4)
    record = client.get(f"/api/v1/me/record?year={YEAR}", headers=api("worker")).get_json()
    assert record["sessions"] == []  # "worker" attended none
    from trainer.auth.models import User

    with app_ctx(app):
        # s0000 attended the September session (4 hours) and the one not yet ended (5)
        user = db.session.scalar(sa.select(User).where(User.username == "s0000"))
        from trainer.records.services import build_record

        record = build_record(user, YEAR)
    by_hours = {s["session_hours"]: s for s in record["sessions"]}
    assert by_hours[4]["credited_hours"] == 4 == by_hours[4]["hours"]  # ended
    assert by_hours[5]["credited_hours"] == 0 == by_hours[5]["hours"]  # not yet ended
    assert record["total_hours"] == sum(s["credited_hours"] for s in record["sessions"]) + \
        sum(c["hours"] for c in record["courses"])
    assert record["summary"]["suggested_rating"] in ("优秀", "良好", "合格", "不合格")


def test_organisers_read_a_workers_record_in_scope_only(app, client, api, users, make_user):
    make_user("org_s1", role="organiser", unit="S1")
    seed(app, 4)
    # s0000, s0001 live in S1; s0002, s0003 in S2
    ok = client.get(f"/api/v1/records/workers/s0001?year={YEAR}", headers=api("org_s1"))
    assert ok.status_code == 200 and ok.get_json()["username"] == "s0001"
    assert client.get("/api/v1/records/workers/s0002", headers=api("org_s1")).status_code == 404
    assert client.get("/api/v1/records/workers/org_s1",
                      headers=api("organiser")).status_code == 404  # not a worker
    assert client.get("/api/v1/records/workers/s0002",
                      headers=api("organiser")).status_code == 200
    assert client.get("/api/v1/records/workers/s0002", headers=api("worker")).status_code == 403
