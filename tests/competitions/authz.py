"""Authorization matrix entries of the competitions domain.

The fixture contest is a district contest, running, with one judged round judged by the
trainer; the worker has entered (entrant No. 1), has an open appeal and a certificate.
"""

from datetime import timedelta

import sqlalchemy as sa

from tests.authz_specs import expect, fixed
from tests.conftest import app_ctx
from trainer.extensions import db

PAGE = expect(302, 200, 200, 200, 200)
ORG_PAGE = expect(302, 403, 403, 200, 200)
ORG_FORM = expect(302, 403, 403, 422, 422)
ORG_POST = expect(302, 403, 403, 302, 302)
ANY_POST = expect(302, 302, 302, 302, 302)
ENTRANT_ONLY = expect(302, 404, 403, 403, 403)
JUDGE_PAGE = expect(302, 403, 200, 403, 403)
API = expect(401, 200, 200, 200, 200)


def c(path):
    return lambda ctx: path.format(**ctx)


SPECS = {
    ("GET", "/competitions"): (fixed("/competitions"), PAGE),
    ("GET", "/competitions/new"): (fixed("/competitions/new"), ORG_PAGE),
    ("POST", "/competitions/new"): (fixed("/competitions/new"), ORG_FORM),
    ("GET", "/competitions/<int:comp_id>"): (c("/competitions/{comp}"), PAGE),
    ("POST", "/competitions/<int:comp_id>/enter"): (c("/competitions/{comp}/enter"), ANY_POST),
    ("POST", "/competitions/<int:comp_id>/rounds/<int:n>/start"): (
        c("/competitions/{comp}/rounds/1/start"), ANY_POST),
    ("GET", "/competitions/<int:comp_id>/rounds/<int:n>/play"): (
        c("/competitions/{comp}/rounds/1/play"), ENTRANT_ONLY),
    ("POST", "/competitions/<int:comp_id>/rounds/<int:n>/answers"): (
        c("/competitions/{comp}/rounds/1/answers"), ENTRANT_ONLY),
    ("POST", "/competitions/<int:comp_id>/rounds/<int:n>/choose"): (
        c("/competitions/{comp}/rounds/1/choose"), ANY_POST),
    ("POST", "/competitions/<int:comp_id>/rounds/<int:n>/leave"): (
        c("/competitions/{comp}/rounds/1/leave"), ENTRANT_ONLY),
    ("GET", "/competitions/<int:comp_id>/rounds/<int:n>/review"): (
        c("/competitions/{comp}/rounds/1/review"), ENTRANT_ONLY),
    ("POST", "/competitions/<int:comp_id>/rounds/<int:n>/appeal"): (
        c("/competitions/{comp}/rounds/1/appeal"), ANY_POST),
    ("GET", "/competitions/<int:comp_id>/standings"): (c("/competitions/{comp}/standings"),
                                                      PAGE),
    ("GET", "/competitions/<int:comp_id>/standings/live"): (
        c("/competitions/{comp}/standings/live"), PAGE),
    ("GET", "/competitions/<int:comp_id>/projector"): (c("/competitions/{comp}/projector"),
                                                      expect(302, 403, 200, 200, 200)),
    ("GET", "/competitions/<int:comp_id>/projector.json"): (
        c("/competitions/{comp}/projector.json"), expect(302, 403, 200, 200, 200)),
    ("GET", "/certificates/<code>"): (c("/certificates/{certificate}"),
                                      expect(200, 200, 200, 200, 200)),
    ("GET", "/certificates/<code>/print"): (c("/certificates/{certificate}/print"),
                                            expect(302, 200, 404, 200, 200)),
    ("GET", "/competitions/<int:comp_id>/rounds/<int:n>/judge"): (
        c("/competitions/{comp}/rounds/1/judge"), JUDGE_PAGE),
    ("GET", "/competitions/<int:comp_id>/rounds/<int:n>/judge/<int:number>"): (
        c("/competitions/{comp}/rounds/1/judge/1"), JUDGE_PAGE),
    # An empty sheet names the criterion without points.
    ("POST", "/competitions/<int:comp_id>/rounds/<int:n>/judge/<int:number>"): (
        c("/competitions/{comp}/rounds/1/judge/1"), expect(302, 403, 422, 403, 403)),
    ("GET", "/competitions/<int:comp_id>/edit"): (c("/competitions/{comp}/edit"), ORG_PAGE),
    ("POST", "/competitions/<int:comp_id>/edit"): (c("/competitions/{comp}/edit"), ORG_FORM),
    ("GET", "/competitions/<int:comp_id>/manage"): (c("/competitions/{comp}/manage"), ORG_PAGE),
    ("GET", "/competitions/<int:comp_id>/rounds/new"): (c("/competitions/{comp}/rounds/new"),
                                                       ORG_PAGE),
    ("POST", "/competitions/<int:comp_id>/rounds/new"): (c("/competitions/{comp}/rounds/new"),
                                                        ORG_FORM),
    ("GET", "/competitions/<int:comp_id>/rounds/<int:n>/edit"): (
        c("/competitions/{comp}/rounds/1/edit"), ORG_PAGE),
    ("POST", "/competitions/<int:comp_id>/rounds/<int:n>/edit"): (
        c("/competitions/{comp}/rounds/1/edit"), ORG_FORM),
    ("POST", "/competitions/<int:comp_id>/status"): (c("/competitions/{comp}/status"),
                                                    ORG_POST),
    # Publishing waits for the open appeal: refused with a message, redirected.
    ("GET", "/competitions/<int:comp_id>/publish"): (c("/competitions/{comp}/publish"),
                                                    ORG_PAGE),
    ("POST", "/competitions/<int:comp_id>/publish"): (c("/competitions/{comp}/publish"),
                                                     ORG_POST),
    ("GET", "/competitions/<int:comp_id>/dashboard"): (c("/competitions/{comp}/dashboard"),
                                                      ORG_PAGE),
    ("GET", "/competitions/<int:comp_id>/results.xlsx"): (
        c("/competitions/{comp}/results.xlsx"), ORG_PAGE),
    ("GET", "/competitions/<int:comp_id>/audit"): (c("/competitions/{comp}/audit"), ORG_PAGE),
    ("GET", "/competitions/<int:comp_id>/integrity"): (c("/competitions/{comp}/integrity"),
                                                      ORG_PAGE),
    ("GET", "/competitions/<int:comp_id>/appeals"): (c("/competitions/{comp}/appeals"),
                                                    ORG_PAGE),
    ("POST", "/competitions/<int:comp_id>/appeals/<int:appeal_id>"): (
        c("/competitions/{comp}/appeals/{appeal}"), ORG_POST),
    ("GET", "/api/v1/competitions"): (fixed("/api/v1/competitions"), API),
    ("POST", "/api/v1/competitions"): (fixed("/api/v1/competitions"),
                                       expect(401, 403, 403, 422, 422)),
    ("GET", "/api/v1/competitions/<int:comp_id>"): (c("/api/v1/competitions/{comp}"), API),
    ("POST", "/api/v1/competitions/<int:comp_id>/entries"): (
        c("/api/v1/competitions/{comp}/entries"), expect(401, 200, 403, 403, 403)),
    ("POST", "/api/v1/competitions/<int:comp_id>/rounds/<int:n>/start"): (
        c("/api/v1/competitions/{comp}/rounds/1/start"), expect(401, 409, 403, 403, 403)),
    ("PUT", "/api/v1/competitions/<int:comp_id>/rounds/<int:n>/scores/<username>"): (
        c("/api/v1/competitions/{comp}/rounds/1/scores/worker"),
        expect(401, 403, 422, 403, 403)),
    ("POST", "/api/v1/competitions/<int:comp_id>/publish"): (
        c("/api/v1/competitions/{comp}/publish"), expect(401, 403, 403, 409, 409)),
    ("GET", "/api/v1/competitions/<int:comp_id>/leaderboard"): (
        c("/api/v1/competitions/{comp}/leaderboard"), API),
}

# The judge of the round is the other trainer: a trainer limited to street S1 is none.
STREET_TRAINER = {
    ("GET", "/competitions/<int:comp_id>/rounds/<int:n>/judge"): 403,
    ("GET", "/competitions/<int:comp_id>/rounds/<int:n>/judge/<int:number>"): 403,
    ("POST", "/competitions/<int:comp_id>/rounds/<int:n>/judge/<int:number>"): 403,
    ("PUT", "/api/v1/competitions/<int:comp_id>/rounds/<int:n>/scores/<username>"): 403,
}


def build(app, users) -> dict:
    from trainer.auth.models import User
    from trainer.competitions.models import Appeal, Honour
    from trainer.competitions.publishing import issue_certificate
    from trainer.competitions.services import create_competition, enter
    from trainer.competitions.spec import parse_competition
    from trainer.models import utcnow

    now = utcnow()
    with app_ctx(app):
        by_name = {u.username: u for u in db.session.scalars(sa.select(User))}
        comp = create_competition(by_name["organiser"], parse_competition({
            "title": "授权测试竞赛", "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
            "rounds": [{"title": "实操", "kind": "judged", "weight": 1,
                        "criteria": [{"name": "沟通", "max": 10}], "judges": ["trainer"]}]}))
        entry, _new = enter(by_name["worker"], comp)
        appeal = Appeal(round_id=comp.rounds[0].id, entry_id=entry.id, text="成绩有误")
        honour = Honour(competition_id=comp.id, title="业务能手", entry_id=entry.id,
                        user_id=entry.user_id, rank=1)
        db.session.add_all([appeal, honour])
        cert = issue_certificate(honour)
        db.session.commit()
        return {"comp": comp.id, "appeal": appeal.id, "certificate": cert.code}
