"""The session form's audience picker: a tree of the plan's street, people found by name,
materials by their titles; no codes typed."""

import sqlalchemy as sa

from tests.conftest import app_ctx, csrf_from
from tests.plans.test_session_input import materials  # noqa: F401, F811 - a fixture
from trainer.extensions import db
from trainer.plans.models import TrainingSession

FORM = {"title": "课", "kind": "lecture", "half": "1", "starts_at": "2026-04-08T09:00",
        "ends_at": "2026-04-08T11:00", "place": "会议室", "department": "fire",
        "lecturer": "", "hours": "2", "capacity": ""}


def _session(app):
    with app_ctx(app):
        s = db.session.scalar(sa.select(TrainingSession))
        return s and (s.audience_kind, sorted(a.unit.code if a.unit else a.user.username
                                              for a in s.audience))


def test_new_form_shows_the_plans_street_as_a_tree_with_the_street_ticked(client, auth,
                                                                          plan):
    auth.login("organiser")
    page = client.get(f"/plans/{plan}/sessions/new").get_data(as_text=True)
    tree = page.split('id="audience"')[1]
    assert 'name="streets" value="S1" checked' in tree
    assert 'name="communities" value="S1-C1"' in tree and 'value="S1-C1-G2"' in tree
    # another street's units are not offered (by code or name; a bare "S2" can occur in
    # a random CSRF token further down the page)
    assert 'value="S2' not in tree and "S2街道" not in tree and "S2社区" not in tree
    assert "S1社区" in tree and "audience_codes" not in page


def test_finding_people_keeps_the_form_and_saves_nothing(app, client, auth, make_user, plan):
    make_user("zhang", name="张三", unit="S1-C1-G2")
    make_user("zhangs2", name="张四", unit="S2-C1-G1")
    auth.login("organiser")
    path = f"/plans/{plan}/sessions/new"
    found = auth.post(path, {**FORM, "title": "留着的标题", "q": "张", "find": "1"})
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and _session(app) is None
    assert 'value="留着的标题"' in page
    assert 'name="users" value="zhang"' in page and "zhangs2" not in page
    resp = auth.post(path, {**FORM, "users": "zhang"})
    assert resp.status_code == 302
    assert _session(app) == ("users", ["zhang"])


def test_grids_under_a_ticked_community_are_covered_and_mixing_kinds_is_refused(
        app, client, auth, make_user, plan):
    make_user("zhang", name="张三", unit="S1-C1-G2")
    auth.login("organiser")
    path = f"/plans/{plan}/sessions/new"
    mixed = auth.post(path, {**FORM, "grids": "S1-C1-G1", "users": "zhang"})
    assert mixed.status_code == 422 and _session(app) is None
    assert "一种" in mixed.get_data(as_text=True) or "one kind" in mixed.get_data(as_text=True)
    ok = auth.post(path, {**FORM, "communities": "S1-C1", "grids": "S1-C1-G1"})
    assert ok.status_code == 302
    assert _session(app) == ("communities", ["S1-C1"])


def test_edit_form_ticks_the_saved_audience_and_saves_it_unchanged(app, client, auth, plan):
    auth.login("organiser")
    auth.post(f"/plans/{plan}/sessions/new", {**FORM, "grids": ["S1-C1-G1", "S1-C1-G2"]})
    with app_ctx(app):
        sid = db.session.scalar(sa.select(TrainingSession.id))
    page = client.get(f"/sessions/{sid}/edit").get_data(as_text=True)
    assert 'value="S1-C1-G1" checked' in page and 'value="S1" checked' not in page
    resp = client.post(f"/sessions/{sid}/edit", data={
        **FORM, "csrf_token": csrf_from(page), "grids": ["S1-C1-G1", "S1-C1-G2"]})
    assert resp.status_code == 302
    assert _session(app) == ("grids", ["S1-C1-G1", "S1-C1-G2"])


def test_materials_are_chosen_by_title(client, auth, plan, materials):  # noqa: F811
    auth.login("organiser")
    page = client.get(f"/plans/{plan}/sessions/new").get_data(as_text=True)
    assert f'name="quizzes" value="{materials["quiz"]}"' in page
    assert "消防测验" in page
    assert f'name="quizzes" value="{materials["s2_quiz"]}"' not in page  # another street's quiz
