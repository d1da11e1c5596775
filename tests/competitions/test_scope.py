import pytest
import sqlalchemy as sa

from tests.competitions.conftest import body
from tests.conftest import bearer
from trainer.extensions import db


def test_a_street_organiser_creates_only_in_their_street(client, auth, users, make_user):
    make_user("org_s1", role="organiser", unit="S1")
    token = auth.token("org_s1")
    assert client.post("/api/v1/competitions", json=body(street=None),
                       headers=bearer(token)).status_code == 403
    assert client.post("/api/v1/competitions", json=body(street="S2"),
                       headers=bearer(token)).status_code == 403
    created = client.post("/api/v1/competitions", json=body(street="S1"), headers=bearer(token))
    assert created.status_code == 201, created.get_json()
    resp = client.post("/api/v1/competitions", json=body(street="NOPE"), headers=bearer(token))
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == "street"


def test_another_streets_organiser_cannot_manage_or_publish(client, auth, create, make_user):
    make_user("org_s2", role="organiser", unit="S2")
    comp_id = create(street="S1")
    token = auth.token("org_s2")
    assert client.post(f"/api/v1/competitions/{comp_id}/publish",
                       headers=bearer(token)).status_code == 404
    auth.login("org_s2")
    assert client.get(f"/competitions/{comp_id}/manage").status_code == 404
    district = create()
    assert client.get(f"/competitions/{district}/manage").status_code == 403


def test_drafts_are_seen_only_by_those_who_manage_them(app, client, auth, users):
    from trainer.auth.models import User
    from trainer.competitions.services import create_competition
    from trainer.competitions.spec import parse_competition

    with app.app_context():
        organiser = db.session.scalar(sa.select(User).where(User.username == "organiser"))
        comp = create_competition(organiser, parse_competition(body()), status="draft")
        db.session.commit()
        comp_id = comp.id
    for role, seen in (("worker", 404), ("trainer", 404), ("organiser", 200), ("admin", 200)):
        resp = client.get(f"/api/v1/competitions/{comp_id}", headers=bearer(auth.token(role)))
        assert resp.status_code == seen, role
        board = client.get(f"/api/v1/competitions/{comp_id}/leaderboard",
                           headers=bearer(auth.token(role)))
        assert board.status_code == seen, role  # the lean leaderboard query agrees
    token = auth.token("worker")
    assert client.post(f"/api/v1/competitions/{comp_id}/entries",
                       headers=bearer(token)).status_code == 404


def test_the_lean_leaderboard_scope_matches_the_full_one(app, create, make_user, users):
    from trainer.auth.models import User
    from trainer.competitions.models import Competition
    from trainer.competitions.queries import visible_competitions
    from trainer.competitions.standings import fastsql

    make_user("org_s1", role="organiser", unit="S1")
    make_user("tr_s2", role="trainer", unit="S2")
    make_user("w_s2", unit="S2-C1-G1")
    ids = [create(), create(street="S1"), create(street="S2")]
    with app.app_context():
        db.session.execute(sa.update(Competition).where(Competition.id == ids[1])
                           .values(status="draft"))
        db.session.commit()
        for user in db.session.scalars(sa.select(User)):
            full = set(db.session.scalars(visible_competitions(user).with_only_columns(
                Competition.id)))
            lean = {i for i in ids if fastsql.competition(user, i) is not None}
            assert full == lean, user.username


def test_a_workers_token_statement_sees_what_the_full_scope_rule_lets_them(
        app, create, make_user, users):
    """fastsql.for_token (a worker's leaderboard: token, scope and own entry in one
    statement) against queries.visible_competitions, for workers of a grid, a street, the
    district and of no unit, over district, street and draft competitions."""
    from trainer.auth.models import User
    from trainer.auth.services import issue_token
    from trainer.competitions.models import Competition
    from trainer.competitions.queries import visible_competitions
    from trainer.competitions.standings import fastsql
    from trainer.org.services import unit_by_code

    for name in ("w_s2", "w_street", "w_district", "w_nowhere"):
        make_user(name, unit="S2-C1-G1")
    ids = [create(), create(street="S1"), create(street="S2"), create(street="S2")]
    with app.app_context():
        # workers are created in a grid; rows left by older data or a moved unit may not be
        for name, unit in (("w_street", unit_by_code("S2")), ("w_district", unit_by_code("D")),
                           ("w_nowhere", None)):
            db.session.execute(sa.update(User).where(User.username == name)
                               .values(unit_id=unit.id if unit else None))
        db.session.execute(sa.update(Competition).where(Competition.id == ids[3])
                           .values(status="draft"))
        workers = list(db.session.scalars(sa.select(User).where(User.role == "worker")))
        tokens = {user.id: issue_token(user)[0] for user in workers}
        db.session.commit()
        assert len(workers) == 5
        for user in workers:
            full = set(db.session.scalars(visible_competitions(user).with_only_columns(
                Competition.id)))
            rows = {i: fastsql.for_token(fastsql_digest(tokens[user.id]), i) for i in ids}
            assert all(row.viewer_id == user.id for row in rows.values())
            assert {i for i, row in rows.items() if row.id is not None} == full, user.username


def fastsql_digest(token: str) -> str:
    from trainer.auth.services import bearer_digest

    return bearer_digest(f"Bearer {token}")


def test_closing_early_closes_every_round_and_is_audited(app, client, auth, create):
    from trainer.competitions.models import AuditEntry, Competition

    comp_id = create()
    auth.login("organiser")
    manage = f"/competitions/{comp_id}/manage"
    auth.post(f"/competitions/{comp_id}/status", {"action": "close", "reason": "停电"},
              page=manage)  # no confirmation: nothing closes
    with app.app_context():
        from trainer.competitions.models import Competition
        assert db.session.get(Competition, comp_id).status == "open"
    resp = auth.post(f"/competitions/{comp_id}/status",
                     {"action": "close", "reason": "停电", "confirm": "y"}, page=manage)
    assert resp.status_code == 302
    with app.app_context():
        comp = db.session.get(Competition, comp_id)
        assert comp.status == "closed" and all(r.closed_at for r in comp.rounds)
        row = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "close"))
        assert row.reason == "停电" and row.user.username == "organiser"
    text = client.get(f"/competitions/{comp_id}/audit").get_data(as_text=True)
    assert "停电" in text


@pytest.mark.parametrize("command", [["competitions", "grade-closed"],
                                     ["jobs", "run-periodic", "grade-closed-rounds"]])
def test_grade_closed_command_grades_attempts_left_open(app, fresh, runner, client, auth, create,
                                                        make_quiz, command):
    """By hand, or as the job consumer's periodic task (every minute): no cron needed."""
    from datetime import timedelta

    from tests.competitions.conftest import shift_round
    from trainer.quizzes.models import Attempt

    quiz_id, _ids = make_quiz()
    comp_id = create(rounds=[{"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 1}])
    token = auth.token("worker")
    client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(token))
    client.post(f"/api/v1/competitions/{comp_id}/rounds/1/start", headers=bearer(token))
    shift_round(app, comp_id, 1, opens=timedelta(hours=-1), closes=timedelta(seconds=-1))
    result = runner.invoke(args=command)
    assert result.exit_code == 0 and ("graded 1" in result.output
                                      or "grade-closed-rounds: 1" in result.output)
    assert fresh.scalar(sa.select(Attempt)).submitted_at is not None
