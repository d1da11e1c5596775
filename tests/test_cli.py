import pytest
import sqlalchemy as sa

from tests.conftest import TestConfig
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


def test_demo_seed_is_idempotent(app, fresh, runner):
    runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"])
    before = fresh.scalar(sa.select(sa.func.count()).select_from(User))
    assert runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"]).exit_code == 0
    assert fresh.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_demo_seed_refuses_weak_password(app, fresh, runner):
    result = runner.invoke(args=["demo", "seed", "--password", "123456"])
    assert result.exit_code != 0
    assert fresh.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0


def test_first_run_prints_password_only_when_no_users(app, runner):
    result = runner.invoke(args=["demo", "first-run"])
    assert "admin" in result.output and "Grid-" in result.output
    again = runner.invoke(args=["demo", "first-run"])
    assert "nothing seeded" in again.output


def test_users_create_worker_in_grid(app, fresh, runner, org):
    result = runner.invoke(args=["users", "create", "li", "--role", "worker", "--grid",
                                 "S1-C1-G1", "--password", "Long-pass-2026"])
    assert result.exit_code == 0, result.output
    assert fresh.scalar(sa.select(User).where(User.username == "li")).unit.code \
        == "S1-C1-G1"


def test_users_create_reports_bad_input(app, runner, org):
    for args in (["--role", "worker", "--grid", "NOPE"], ["--role", "worker"],
                 ["--role", "trainer", "--department", "nope"]):
        result = runner.invoke(args=["users", "create", "li", *args, "--password",
                                     "Long-pass-2026"])
        assert result.exit_code != 0 and "Error" in result.output


class _SecondFactorConfig(TestConfig):
    REQUIRE_SECOND_FACTOR = ("admin", "organiser")


@pytest.mark.parametrize("config", [_SecondFactorConfig])
def test_demo_seed_says_which_accounts_set_up_two_step_verification(app, runner):
    result = runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"])
    assert result.exit_code == 0, result.output
    assert "two-step verification" in result.output and "admin, organiser" in result.output
    first = runner.invoke(args=["demo", "first-run"])  # accounts exist: nothing to say
    assert "two-step" not in first.output


def test_demo_seed_is_quiet_about_it_when_no_role_must(app, runner):
    result = runner.invoke(args=["demo", "seed", "--password", "Demo-pass-2026"])
    assert "two-step" not in result.output


@pytest.mark.parametrize("value, expected", [
    (None, "('admin', 'organiser')"), ("", "()"), ("admin", "('admin',)")])
def test_require_second_factor_comes_from_the_environment(value, expected):
    """Development keeps the documented default: security is not switched off there."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k != "REQUIRE_SECOND_FACTOR"}
    if value is not None:
        env["REQUIRE_SECOND_FACTOR"] = value
    out = subprocess.run(
        [sys.executable, "-c", "import config; print(config.DevelopmentConfig."
         "REQUIRE_SECOND_FACTOR, config.ProductionConfig.REQUIRE_SECOND_FACTOR, sep='|')"],
        env=env, cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
        check=True).stdout.strip()
    assert out == f"{expected}|{expected}"


def test_production_refuses_an_unknown_role_in_require_second_factor():
    from config import ProductionConfig

    good = {"SECRET_KEY": "x" * 40, "REQUIRE_SECOND_FACTOR": ("admin",)}
    ProductionConfig.check(good)
    with pytest.raises(RuntimeError, match="admn"):
        ProductionConfig.check({**good, "REQUIRE_SECOND_FACTOR": ("admn",)})
