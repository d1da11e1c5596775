import sqlalchemy as sa

from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Department, Unit


def test_demo_seed_builds_district_and_accounts(app, runner):
    result = runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        levels = dict(db.session.execute(
            sa.select(Unit.level, sa.func.count()).group_by(Unit.level)).all())
        assert levels == {"district": 1, "street": 3, "community": 6, "grid": 18}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Department)) == 10
        names = set(db.session.scalars(sa.select(User.username)))
        assert {"admin", "organiser", "trainer", "worker"} <= names
        worker = db.session.scalar(sa.select(User).where(User.username == "worker"))
        assert worker.unit.street.code == "S01"
        trainer = db.session.scalar(sa.select(User).where(User.username == "trainer"))
        assert trainer.unit.level == "district" and trainer.department is not None
        workers = db.session.scalar(sa.select(sa.func.count()).where(User.role == "worker"))
        assert workers > 18


def test_demo_seed_is_idempotent(app, runner):
    runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"])
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    assert runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_demo_seed_refuses_weak_password(app, runner):
    result = runner.invoke(args=["demo", "seed", "--password", "123456"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0


def test_first_run_prints_password_only_when_no_users(app, runner):
    result = runner.invoke(args=["demo", "first-run"])
    assert "admin" in result.output and "Grid-" in result.output
    again = runner.invoke(args=["demo", "first-run"])
    assert "nothing seeded" in again.output


def test_users_create_worker_in_grid(app, runner, org):
    result = runner.invoke(args=["users", "create", "li", "--role", "worker", "--grid",
                                 "S1-C1-G1", "--password", "Long-pass-2026"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "li")).unit.code \
            == "S1-C1-G1"


def test_users_create_reports_bad_input(app, runner, org):
    for args in (["--role", "worker", "--grid", "NOPE"], ["--role", "worker"],
                 ["--role", "trainer", "--department", "nope"]):
        result = runner.invoke(args=["users", "create", "li", *args, "--password",
                                     "Long-pass-2026"])
        assert result.exit_code != 0 and "Error" in result.output
