"""Authorization matrix block of the simulation domain (merged by tests/authz_specs.py).

The scenario ``authz-scenario`` belongs to the trainer's department (public-security) and is
published district-wide. The run is the worker's, of ``authz-other``, a civil-affairs
scenario: the public-security trainer is not that worker's trainer for it, so gets 404.
"""

from tests.authz_specs import expect, fixed
from tests.conftest import app_ctx
from tests.simulation.conftest import NOISE

PAGE = expect(302, 200, 200, 200, 200)
AUTHOR_PAGE = expect(302, 403, 200, 403, 200)
STAFF_PAGE = expect(302, 403, 200, 200, 200)


def _slug(ctx):
    return ctx["sim_slug"]


SPECS = {
    ("GET", "/scenarios"): (fixed("/scenarios"), PAGE),
    ("GET", "/scenarios/<slug>"): (lambda c: f"/scenarios/{_slug(c)}", PAGE),
    ("POST", "/scenarios/<slug>/runs"): (lambda c: f"/scenarios/{_slug(c)}/runs",
                                         expect(302, 302, 302, 302, 302)),
    ("GET", "/scenarios/<slug>/again"): (lambda c: f"/scenarios/{_slug(c)}/again", PAGE),
    ("GET", "/scenarios/<slug>/results"): (lambda c: f"/scenarios/{_slug(c)}/results",
                                           STAFF_PAGE),
    ("GET", "/runs"): (fixed("/runs"), PAGE),
    ("GET", "/runs/<int:run_id>"): (lambda c: f"/runs/{c['sim_run']}",
                                    expect(302, 200, 404, 200, 200)),
    # The worker's own run: an empty form offers no choice (422); anyone else: 404.
    ("POST", "/runs/<int:run_id>/choices"): (lambda c: f"/runs/{c['sim_run']}/choices",
                                             expect(302, 422, 404, 404, 404)),
    ("GET", "/author/scenarios"): (fixed("/author/scenarios"), AUTHOR_PAGE),
    ("GET", "/author/scenarios/new"): (fixed("/author/scenarios/new"), AUTHOR_PAGE),
    # An empty form re-shows the editor.
    ("POST", "/author/scenarios/new"): (fixed("/author/scenarios/new"), AUTHOR_PAGE),
    ("GET", "/author/scenarios/<slug>"): (lambda c: f"/author/scenarios/{_slug(c)}",
                                          AUTHOR_PAGE),
    ("POST", "/author/scenarios/<slug>"): (lambda c: f"/author/scenarios/{_slug(c)}",
                                           AUTHOR_PAGE),
    ("POST", "/author/scenarios/<slug>/status"): (
        lambda c: f"/author/scenarios/{_slug(c)}/status", expect(302, 403, 400, 403, 400)),
    ("GET", "/author/scenarios/<slug>/preview"): (
        lambda c: f"/author/scenarios/{_slug(c)}/preview", AUTHOR_PAGE),
    ("GET", "/author/scenarios/<slug>/export"): (
        lambda c: f"/author/scenarios/{_slug(c)}/export", AUTHOR_PAGE),
    # The visual editor (forms). An empty POST carries no draft revision: a stale save
    # (409, the form again), or back to the editor (302) for adding a node.
    ("GET", "/author/scenarios/create"): (fixed("/author/scenarios/create"), AUTHOR_PAGE),
    ("POST", "/author/scenarios/create"): (fixed("/author/scenarios/create"),
                                           expect(302, 403, 422, 403, 422)),
    ("GET", "/author/scenarios/import"): (fixed("/author/scenarios/import"), AUTHOR_PAGE),
    ("POST", "/author/scenarios/import"): (fixed("/author/scenarios/import"),
                                           expect(302, 403, 422, 403, 422)),
    ("GET", "/author/scenarios/<slug>/build"): (
        lambda c: f"/author/scenarios/{_slug(c)}/build", AUTHOR_PAGE),
    ("POST", "/author/scenarios/<slug>/build"): (
        lambda c: f"/author/scenarios/{_slug(c)}/build", expect(302, 403, 409, 403, 409)),
    ("POST", "/author/scenarios/<slug>/nodes"): (
        lambda c: f"/author/scenarios/{_slug(c)}/nodes", expect(302, 403, 302, 403, 302)),
    ("GET", "/author/scenarios/<slug>/nodes/<key>"): (
        lambda c: f"/author/scenarios/{_slug(c)}/nodes/arrive", AUTHOR_PAGE),
    ("POST", "/author/scenarios/<slug>/nodes/<key>"): (
        lambda c: f"/author/scenarios/{_slug(c)}/nodes/arrive", expect(302, 403, 409, 403, 409)),
    ("GET", "/author/scenarios/<slug>/nodes/<key>/delete"): (
        lambda c: f"/author/scenarios/{_slug(c)}/nodes/listen/delete", AUTHOR_PAGE),
    ("POST", "/author/scenarios/<slug>/nodes/<key>/delete"): (
        lambda c: f"/author/scenarios/{_slug(c)}/nodes/listen/delete",
        expect(302, 403, 200, 403, 200)),
    ("GET", "/author/scenarios/<slug>/playtest"): (
        lambda c: f"/author/scenarios/{_slug(c)}/playtest", AUTHOR_PAGE),
    # The builder's script (JSON): a body without the draft revision is a stale save, 409.
    ("POST", "/author/scenarios/<slug>/layout"): (
        lambda c: f"/author/scenarios/{_slug(c)}/layout", expect(302, 403, 409, 403, 409)),
    ("POST", "/author/scenarios/<slug>/nodes/<key>/retarget"): (
        lambda c: f"/author/scenarios/{_slug(c)}/nodes/arrive/retarget",
        expect(302, 403, 409, 403, 409)),
    ("POST", "/author/scenarios/<slug>/nodes/<key>/inline"): (
        lambda c: f"/author/scenarios/{_slug(c)}/nodes/arrive/inline",
        expect(302, 403, 409, 403, 409)),
    ("GET", "/api/v1/scenarios"): (fixed("/api/v1/scenarios"), expect(401, 200, 200, 200, 200)),
    ("POST", "/api/v1/scenarios/<slug>/runs"): (
        lambda c: f"/api/v1/scenarios/{_slug(c)}/runs", expect(401, 201, 201, 201, 201)),
    ("POST", "/api/v1/runs/<int:run_id>/choices"): (
        lambda c: f"/api/v1/runs/{c['sim_run']}/choices", expect(401, 422, 404, 404, 404)),
    ("GET", "/api/v1/runs/<int:run_id>"): (lambda c: f"/api/v1/runs/{c['sim_run']}",
                                           expect(401, 200, 404, 200, 200)),
}

# A trainer limited to street S1 may not edit or unpublish the district-wide scenario: 404.
STREET_TRAINER = {
    ("GET", "/author/scenarios/<slug>"): 404,
    ("POST", "/author/scenarios/<slug>"): 404,
    ("POST", "/author/scenarios/<slug>/status"): 404,
    ("GET", "/author/scenarios/<slug>/preview"): 404,
    ("GET", "/author/scenarios/<slug>/export"): 404,
    ("GET", "/author/scenarios/<slug>/build"): 404,
    ("POST", "/author/scenarios/<slug>/build"): 404,
    ("POST", "/author/scenarios/<slug>/nodes"): 404,
    ("GET", "/author/scenarios/<slug>/nodes/<key>"): 404,
    ("POST", "/author/scenarios/<slug>/nodes/<key>"): 404,
    ("GET", "/author/scenarios/<slug>/nodes/<key>/delete"): 404,
    ("POST", "/author/scenarios/<slug>/nodes/<key>/delete"): 404,
    ("GET", "/author/scenarios/<slug>/playtest"): 404,
    ("POST", "/author/scenarios/<slug>/layout"): 404,
    ("POST", "/author/scenarios/<slug>/nodes/<key>/retarget"): 404,
    ("POST", "/author/scenarios/<slug>/nodes/<key>/inline"): 404,
}


def build(app, users) -> dict:
    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.org.services import ensure_departments
    from trainer.simulation import services
    from trainer.simulation.loader import upsert_scenario
    from trainer.simulation.validate import parse_yaml

    with app_ctx(app):
        ensure_departments()
        for slug, dept in (("authz-scenario", "public-security"), ("authz-other", None)):
            text = NOISE.replace("civil-affairs", dept) if dept else NOISE
            graph, _ = parse_yaml(text, f"{slug}.yml", slug)
            upsert_scenario(graph)
        other = services.playable_scenario(db.session.get(User, users["admin"]), "authz-other")
        run = services.start_run(db.session.get(User, users["worker"]), other)
        db.session.commit()
        return {"sim_slug": "authz-scenario", "sim_run": run.id}
