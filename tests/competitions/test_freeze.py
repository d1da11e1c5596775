"""The frozen table is the table as it stood at the freeze, however often it is rebuilt."""

from datetime import timedelta

import sqlalchemy as sa

from tests.competitions.conftest import body, iso
from tests.competitions.test_standings_views import _board, _enter_and_score, _set_freeze
from tests.conftest import app_ctx, bearer
from trainer.extensions import db
from trainer.models import utcnow


def age_history(app, comp_id, delta=timedelta(minutes=5)):
    """Let time pass: move every sheet revision and correction ``delta`` into the past."""
    from trainer.competitions.models import Round, RoundResult, ScoreRevision

    with app_ctx(app):
        rounds = sa.select(Round.id).where(Round.competition_id == comp_id)
        for row in db.session.scalars(sa.select(ScoreRevision).where(
                ScoreRevision.round_id.in_(rounds))):
            row.at -= delta
        for row in db.session.scalars(sa.select(RoundResult).where(
                RoundResult.round_id.in_(rounds), RoundResult.adjusted_at.is_not(None))):
            row.adjusted_at -= delta
        db.session.commit()


def _frozen(client, auth, comp_id):
    served = _board(client, auth.token("w2"), comp_id)
    assert served["frozen"] is True
    return [(e["rank"], e["name"], e["score"]) for e in served["entries"]]


def test_adding_a_round_after_the_freeze_does_not_leak_later_scores(app, client, auth,
                                                                      create, workers):
    comp_id = create(freeze_at=iso(timedelta(minutes=30)))
    _enter_and_score(client, auth, comp_id, {"worker": 5, "w1": None, "w2": None})
    age_history(app, comp_id)
    _set_freeze(app, comp_id, -timedelta(minutes=1))
    _enter_and_score(client, auth, comp_id, {"w1": 10})  # after the freeze
    assert _frozen(client, auth, comp_id)[:2] == [(1, "worker用户", 50.0), (2, "张一", 0.0)]
    auth.login("organiser")
    resp = auth.post(f"/competitions/{comp_id}/rounds/new", {
        "title": "附加", "kind": "judged", "weight": "1", "criteria": "表现: 10",
        "judges": "trainer"}, page=f"/competitions/{comp_id}/rounds/new")
    assert resp.status_code == 302
    # Rebuilt with the new weights (100 and 1) from the sheets as they stood at the freeze.
    assert _frozen(client, auth, comp_id)[:2] == [(1, "worker用户", 49.5), (2, "张一", 0.0)]
    live = _board(client, auth.token("organiser"), comp_id)["entries"][0]
    assert (live["name"], live["score"]) == ("张一", 99.01)


def test_a_sheet_changed_after_the_freeze_counts_with_its_value_at_the_freeze(
        app, client, auth, create, workers):
    from trainer.competitions.models import Competition
    from trainer.competitions.standings.scoring import refresh_competition

    comp_id = create(freeze_at=iso(timedelta(minutes=30)))
    _enter_and_score(client, auth, comp_id, {"worker": 4, "w1": 6, "w2": None})
    age_history(app, comp_id)
    _set_freeze(app, comp_id, -timedelta(minutes=1))
    _enter_and_score(client, auth, comp_id, {"worker": 10, "w1": 1})
    with app.app_context():
        refresh_competition(db.session.get(Competition, comp_id))
        db.session.commit()
    assert _frozen(client, auth, comp_id) == [(1, "张一", 60.0), (2, "worker用户", 40.0),
                                              (3, "李二", 0.0)]
    worker = _board(client, auth.token("worker"), comp_id)
    assert worker["me"] == {"rank": None, "score": 100.0, "seconds": 0}


def test_a_correction_after_the_freeze_stays_out_of_the_frozen_table(app, client, auth,
                                                                     create, workers):
    from trainer.auth.models import User
    from trainer.competitions.appeals import resolve_appeal
    from trainer.competitions.models import Appeal, Competition, Entry

    comp_id = create(freeze_at=iso(timedelta(minutes=30)))
    _enter_and_score(client, auth, comp_id, {"worker": 5, "w1": 3})
    age_history(app, comp_id)
    _set_freeze(app, comp_id, -timedelta(minutes=1))
    with app.app_context():
        comp = db.session.get(Competition, comp_id)
        entry = db.session.scalar(sa.select(Entry).join(User).where(User.username == "w1"))
        appeal = Appeal(round_id=comp.rounds[0].id, entry_id=entry.id, text="复核")
        db.session.add(appeal)
        organiser = db.session.scalar(sa.select(User).where(User.username == "organiser"))
        resolve_appeal(organiser, appeal, "upheld", "漏计一项", 90)
        db.session.commit()
    edit = client.put(f"/api/v1/competitions/{comp_id}/rounds/1/scores/worker",
                      json={"criteria": {"沟通": 5, "方案": 5}},
                      headers=bearer(auth.token("trainer")))
    assert edit.status_code == 200
    with app.app_context():  # moving the freeze rebuilds the frozen table
        from trainer.competitions.services import update_competition
        from trainer.competitions.spec import parse_competition

        comp = db.session.get(Competition, comp_id)
        organiser = db.session.scalar(sa.select(User).where(User.username == "organiser"))
        moved = comp.freeze_at - timedelta(seconds=30)
        spec = parse_competition(body(freeze_at=moved.isoformat(),
                                      starts_at=comp.starts_at.isoformat(),
                                      ends_at=comp.ends_at.isoformat(), rounds=[]))
        update_competition(organiser, comp, spec, "封榜时间调整")
        db.session.commit()
    assert _frozen(client, auth, comp_id)[:2] == [(1, "worker用户", 50.0), (2, "张一", 30.0)]
    live = _board(client, auth.token("organiser"), comp_id)["entries"]
    assert [(e["name"], e["score"]) for e in live[:2]] == [("张一", 90.0), ("worker用户", 50.0)]
    assert utcnow() > moved
