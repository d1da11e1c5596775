"""One rule for "whose street": org/scope.py's unit_street_id, its SQL twin used by the
leaderboard's one-statement path (competitions/fastsql.py), and street_by_code."""

import pytest
import sqlalchemy as sa

from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.scope import street_by_code, street_id_of, unit_street_id, unit_street_id_sql


@pytest.mark.usefixtures("db_ctx")
def test_the_sql_rule_agrees_with_the_python_rule_for_every_unit_and_user(app, org,
                                                                            make_user):
    make_user("worker")
    make_user("organiser")  # a district unit
    make_user("street_org", role="organiser", unit="S2")
    make_user("trainer", role="trainer")  # no unit
    # even a district row that wrongly names a street belongs to no street
    db.session.execute(sa.update(Unit).where(Unit.level == "district")
                       .values(street_id=org.ids["S1"]))
    db.session.commit()
    db.session.expire_all()
    units = db.session.scalars(sa.select(Unit)).all()
    sql = dict(db.session.execute(sa.select(
        Unit.id, unit_street_id_sql(Unit.level, Unit.street_id))).all())
    assert {u.id: unit_street_id(u) for u in units} == sql
    assert sql[org.ids["D"]] is None and sql[org.ids["S2-C1-G2"]] == org.ids["S2"]
    assert unit_street_id(None) is None
    rows = db.session.execute(
        sa.select(User.username, unit_street_id_sql(Unit.level, Unit.street_id))
        .outerjoin(Unit, Unit.id == User.unit_id)).all()
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    assert {name: street_id_of(users[name]) for name, _ in rows} == dict(rows)


def test_the_fast_leaderboard_path_uses_the_shared_rule():
    from trainer.competitions.standings import fastsql

    expected = unit_street_id_sql(fastsql._UNIT.level, fastsql._UNIT.street_id)
    assert str(fastsql._callers_street) == str(expected)


@pytest.mark.usefixtures("db_ctx")
def test_street_by_code(app, org):
    assert street_by_code(" S1 ").id == org.ids["S1"]
    assert street_by_code("S1-C1") is None  # a community is no street
    assert street_by_code("") is None and street_by_code(None) is None
    db.session.execute(sa.update(Unit).where(Unit.code == "S2").values(active=False))
    assert street_by_code("S2") is not None
    assert street_by_code("S2", active_only=True) is None
