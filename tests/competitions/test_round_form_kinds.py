"""The round form shows and keeps only the fields of each round's kind (from the round-kind
registry), groups its quizzes, scenarios and judges by department, and keeps every setting
and time of a round made through the API when saved unchanged."""

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.competitions.test_form_fidelity import _form
from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.models import utcnow


def _round(app, comp_id: int, n: int = 1) -> dict | None:
    from trainer.competitions.models import Round

    with app_ctx(app):
        rnd = db.session.scalar(sa.select(Round).where(Round.competition_id == comp_id,
                                                       Round.n == n))
        if rnd is None:
            return None
        return {"title": rnd.title, "kind": rnd.kind, "weight": rnd.weight,
                "opens_at": rnd.opens_at, "closes_at": rnd.closes_at,
                "time_limit": rnd.time_limit, "quiz_id": rnd.quiz_id,
                "scenario_id": rnd.scenario_id, "criteria": rnd.criteria,
                "judges": sorted((j.user.username, j.community.code if j.community else None)
                                 for j in rnd.judges)}


def test_each_kind_has_its_own_fieldset_from_the_registry(app, client, auth, create):
    from trainer.competitions.kinds.registry import KINDS

    comp_id = create()
    auth.login("organiser")
    page = client.get(f"/competitions/{comp_id}/rounds/new").get_data(as_text=True)
    sets = dict(re.findall(r'<fieldset class="kind-fields" data-kinds="([a-z ]+)"[^>]*>\s*'
                           r'<legend>([^<]+)</legend>', page))
    assert set(sets) == {"quiz", "quiz scenario", "scenario", "judged"}
    assert sets["quiz scenario"] == "仅适用于：测验轮次、情景模拟轮次"
    for name, kind in KINDS.items():  # every field a kind reads sits in a fieldset of it
        for field in kind.form_fields:
            owner = [k for k in sets if re.search(
                rf'data-kinds="{k}"[^>]*>(?:(?!</fieldset>).)*name="{field}[-"]', page, re.S)]
            assert owner and all(name in k.split() for k in owner), (name, field)
    assert "js/round-form.js" in page


def test_another_kinds_fields_are_neither_checked_nor_saved(app, client, auth, create):
    comp_id = create()
    auth.login("organiser")
    page = f"/competitions/{comp_id}/rounds/new"
    resp = auth.post(page, {"title": "实操二", "kind": "judged", "weight": "5",
                            "criteria": "沟通: 10", "time_limit": "NaN", "quiz": "99999",
                            "scenario": "nowhere"}, page=page)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    saved = _round(app, comp_id, 2)
    assert saved["kind"] == "judged" and saved["criteria"] == [{"name": "沟通", "max": 10}]
    assert (saved["time_limit"], saved["quiz_id"], saved["scenario_id"]) == (None, None, None)


def test_the_chosen_kinds_bad_field_is_a_chinese_error_and_nothing_is_saved(
        app, client, auth, create, make_quiz):
    quiz_id, _ids = make_quiz(published=True)
    comp_id = create()
    auth.login("organiser")
    page = f"/competitions/{comp_id}/rounds/new"
    resp = auth.post(page, {"title": "笔试", "kind": "quiz", "weight": "5",
                            "quiz": str(quiz_id), "time_limit": "NaN",
                            "criteria": "no colon here"}, page=page)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    errors = re.findall(r'<p class="error" id="([a-z_]+)-error">([^<]+)</p>', html)
    assert [name for name, _text in errors] == ["time_limit"], errors  # not the criteria
    assert re.search(r"[\u4e00-\u9fff]", errors[0][1])
    assert _round(app, comp_id, 2) is None


def test_a_quiz_round_made_through_the_api_survives_an_unchanged_web_edit(
        app, client, auth, users, create, make_quiz):
    quiz_id, _ids = make_quiz(published=True, title="笔试卷")
    start = (utcnow() + timedelta(days=2)).replace(microsecond=0, second=11)
    comp_id = create(starts_at=start.isoformat(),
                     ends_at=(start + timedelta(hours=3)).isoformat(), rounds=[
        {"title": "笔试", "kind": "quiz", "quiz": quiz_id, "weight": 40, "time_limit": 25,
         "opens_at": (start + timedelta(minutes=5, seconds=7)).isoformat(),
         "closes_at": (start + timedelta(hours=1, seconds=53)).isoformat()},
        {"title": "现场调解", "kind": "judged", "weight": 60,
         "criteria": [{"name": "沟通", "max": 10}, {"name": "方案", "max": 15}],
         "judges": [{"username": "trainer", "community": "S1-C1"}, "organiser"]}])
    auth.login("organiser")
    for n in (1, 2):
        before = _round(app, comp_id, n)
        html = client.get(f"/competitions/{comp_id}/rounds/{n}/edit").get_data(as_text=True)
        resp = client.post(f"/competitions/{comp_id}/rounds/{n}/edit", data=_form(html))
        assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
        assert _round(app, comp_id, n) == before
    assert _round(app, comp_id, 1)["opens_at"].second == 18  # 11 + 7
    assert _round(app, comp_id, 2)["judges"] == [("organiser", None), ("trainer", "S1-C1")]
    # the judge's community is shown as a row chosen by its Chinese path, not typed as a code
    html = client.get(f"/competitions/{comp_id}/rounds/2/edit").get_data(as_text=True)
    row = html.split('id="judge_communities-0-community"', 1)[1].split("</select>", 1)[0]
    assert '<option value="S1-C1" selected>测试区 › S1街道 › S1社区</option>' in row
    assert '<option value="trainer" selected>' in html.split(
        'id="judge_communities-0-judge"', 1)[1].split("</select>", 1)[0]


def test_quizzes_scenarios_and_judges_are_grouped_by_department_name(
        app, client, auth, users, create, make_quiz, make_scenario):
    from trainer.auth.models import User
    from trainer.org.models import Department
    from trainer.quizzes.models import Quiz

    quiz_id, _ids = make_quiz(published=True, title="治安笔试")
    make_quiz(published=True, title="通用笔试")
    make_scenario()
    with app_ctx(app):
        police = db.session.scalar(sa.select(Department).where(
            Department.code == "public-security"))
        db.session.get(Quiz, quiz_id).department_id = police.id
        trainer = db.session.scalar(sa.select(User).where(User.username == "trainer"))
        assert trainer.department_id == police.id
        db.session.commit()
        police_name = police.name
    comp_id = create()
    auth.login("organiser")
    html = client.get(f"/competitions/{comp_id}/rounds/new").get_data(as_text=True)
    quiz_select = html.split('<select id="quiz"', 1)[1].split("</select>", 1)[0]
    assert re.search(rf'<optgroup label="{police_name}">\s*<option value="{quiz_id}">治安笔试',
                     quiz_select)
    assert '<optgroup label="各部门通用">' in quiz_select and "通用笔试" in quiz_select
    assert "public-security" not in html  # departments by name, never code
    judges = html.split('id="judges-picker"', 1)[1].split("</details>", 1)[0]
    assert re.search(rf'data-name="{police_name}".*value="trainer"', judges, re.S)
    assert 'id="quiz-filter"' in html and 'id="judges-filter"' in html
