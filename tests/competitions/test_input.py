"""Bad input of any kind gets a clear answer (422 naming the field, a form error, or a
clamped page) and changes nothing: never a 500."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.competitions.conftest import body, iso
from tests.conftest import app_ctx, bearer
from trainer.extensions import db
from trainer.models import utcnow

HUGE_PAGE = str(10**20)


def _count(app, model) -> int:
    with app_ctx(app):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(("overrides", "name"), [
    ({"starts_at": "0001-01-01T00:00:00+14:00"}, "starts_at"),
    ({"ends_at": "9999-12-31T23:59:59-14:00"}, "ends_at"),
    ({"freeze_at": "1999-12-31T23:59:59+08:00"}, "freeze_at"),
    ({"entry_closes_at": "2101-01-01T00:00:00+00:00"}, "entry_closes_at"),
    ({"rounds": [{"title": "实操", "kind": "judged", "weight": 1,
                  "opens_at": "0001-01-01T00:00:00+14:00",
                  "criteria": [{"name": "沟通", "max": 10}]}]}, "rounds[0].opens_at"),
])
def test_a_time_outside_2000_to_2100_is_a_422_naming_the_field(app, client, auth, users,
                                                                 overrides, name):
    from trainer.competitions.models import Competition

    resp = client.post("/api/v1/competitions", json=body(**overrides),
                       headers=bearer(auth.token("organiser")))
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["field"] == name and "2000" in error["message"]
    assert _count(app, Competition) == 0


def _competition_form(**overrides) -> dict:
    data = {"title": "街道比武", "kind": "skill", "street": "S1",
            "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-02T09:00",
            "team_size": "3", "visibility": "full", "appeal_hours": "2",
            "honour_title": "业务能手", "honour_top": "3", "practice_days": "30",
            "team_honour_top": "1"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("overrides", [
    {"starts_at": "0001-01-01T00:00"},
    {"ends_at": "9999-12-31T23:59"},
    {"appeal_hours": "NaN"}, {"appeal_hours": "sNaN"}, {"appeal_hours": "Infinity"},
    {"honour_percent": "NaN"},
    {"team_size": "²"}, {"team_size": "⑤"}, {"visible_top": HUGE_PAGE},
    {"practice_questions": "NaN"},
    {"title": None}, {"kind": None}, {"starts_at": None}, {"visibility": None},
    {"quiz_passed": "12"},
])
def test_the_competition_form_refuses_bad_fields_without_a_500(app, client, auth, users,
                                                               overrides):
    from trainer.competitions.models import Competition

    auth.login("organiser")
    resp = auth.post("/competitions/new", _competition_form(**overrides),
                     page="/competitions/new")
    assert resp.status_code == 422
    assert re.search(r'class="error"', resp.get_data(as_text=True))
    assert _count(app, Competition) == 0


@pytest.mark.parametrize("data", [
    {"title": "x", "kind": "judged", "weight": "²", "criteria": "沟通: 10"},
    # a judged round has no time limit: its own field is what is checked (the time limit
    # of a quiz round is, in test_round_form_kinds.py)
    {"title": "x", "kind": "judged", "weight": "5", "judges": "nobody",
     "criteria": "沟通: 10"},
    {"title": "x", "kind": "judged", "weight": "5", "opens_at": "0001-01-01T00:00",
     "criteria": "沟通: 10"},
    {"title": "x", "kind": "judged", "weight": "5", "criteria": "沟通: 10",
     "judges": "trainer", "judge_communities-0-judge": "trainer"},  # no community
    {"title": "x", "kind": "judged", "weight": "5", "criteria": "沟通: 10",
     "judge_communities-0-judge": "trainer",  # not ticked among the judges
     "judge_communities-0-community": "S1-C1"},
    {"title": "x", "kind": "judged", "weight": "5", "criteria": "沟通: 10",
     "judges": "trainer", "judge_communities-0-judge": "trainer",
     "judge_communities-0-community": "NOPE"},
    {"title": "x", "kind": "quiz", "weight": "5", "quiz": "99999"},
    {"title": "x", "weight": "5"},
    {},
])
def test_the_round_form_refuses_bad_fields_without_a_500(app, client, auth, create, data):
    from trainer.competitions.models import Round

    comp_id = create()
    auth.login("organiser")
    page = f"/competitions/{comp_id}/rounds/new"
    resp = auth.post(page, data, page=page)
    assert resp.status_code == 422
    assert _count(app, Round) == 1


@pytest.mark.parametrize("percent", ["NaN", "sNaN", "-Infinity", "²", "101"])
def test_a_bad_corrected_percent_is_refused(app, fresh, client, auth, create, workers, percent):
    from trainer.competitions.models import Appeal

    comp_id = create()
    client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token("w1")))
    with app.app_context():
        from trainer.competitions.models import Entry, Round

        appeal = Appeal(round_id=db.session.scalar(sa.select(Round.id)),
                        entry_id=db.session.scalar(sa.select(Entry.id)), text="复核")
        db.session.add(appeal)
        db.session.commit()
        appeal_id = appeal.id
    auth.login("organiser")
    page = f"/competitions/{comp_id}/appeals"
    resp = auth.post(f"{page}/{appeal_id}", {"decision": "upheld", "reason": "复核",
                                             "percent": percent}, page=page)
    assert resp.status_code == 302
    assert fresh.get(Appeal, appeal_id).status == "open"


@pytest.mark.parametrize("points", ["NaN", "²", "1e999", "-1", "abc"])
def test_a_bad_score_sheet_field_is_named(app, client, auth, create, workers, points):
    from trainer.competitions.models import ScoreSheet

    comp_id = create()
    client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token("w1")))
    auth.login("trainer")
    page = f"/competitions/{comp_id}/rounds/1/judge/1"
    resp = auth.post(page, {"c0": points, "c1": "5"}, page=page)
    assert resp.status_code == 422
    assert _count(app, ScoreSheet) == 0


@pytest.mark.parametrize("path", ["standings", "standings?tab=team", "standings/live",
                                  "audit", "appeals", "rounds/1/judge"])
@pytest.mark.parametrize("page", [HUGE_PAGE, "-3", "x", "²"])
def test_page_numbers_are_clamped(client, auth, create, path, page):
    comp_id = create()
    auth.login("organiser" if "judge" not in path else "trainer")
    joiner = "&" if "?" in path else "?"
    resp = client.get(f"/competitions/{comp_id}/{path}{joiner}page={page}")
    assert resp.status_code == 200


def test_times_within_the_range_still_work(client, auth, users):
    resp = client.post("/api/v1/competitions", json=body(
        starts_at=iso(-timedelta(hours=1)), ends_at="2100-12-31T23:59:59-14:00",
        freeze_at=(utcnow() + timedelta(days=1)).isoformat()),
        headers=bearer(auth.token("organiser")))
    assert resp.status_code == 201


def test_full_width_digits_are_read_as_on_the_plans_pages(app, fresh, client, auth, create,
                                                          workers):
    from trainer.competitions.models import Round, ScoreSheet

    comp_id = create()
    auth.login("organiser")
    page = f"/competitions/{comp_id}/rounds/new"
    resp = auth.post(page, {"title": "实操二", "kind": "judged", "weight": "５",
                            "criteria": "沟通：１０\n方案: ２０"}, page=page)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    with app.app_context():
        added = db.session.scalar(sa.select(Round).where(Round.title == "实操二"))
        assert added.weight == 5
        assert added.criteria == [{"name": "沟通", "max": 10}, {"name": "方案", "max": 20}]
    client.post(f"/api/v1/competitions/{comp_id}/entries", headers=bearer(auth.token("w1")))
    auth.login("trainer")
    sheet = f"/competitions/{comp_id}/rounds/1/judge/1"
    assert auth.post(sheet, {"c0": "８．５", "c1": "５"}, page=sheet).status_code in (200, 302)
    assert sorted(fresh.scalar(sa.select(ScoreSheet.points)).values()) == [5.0, 8.5]
