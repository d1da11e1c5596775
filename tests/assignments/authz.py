"""Authorization matrix entries of the assignments domain.

The context holds an assignment (``assignment``) of the learning block's library course to
street S1, made by the district organiser."""

from tests.authz_specs import expect, fixed
from tests.conftest import app_ctx

LOGGED_IN = expect(302, 200, 200, 200, 200)
MANAGER_PAGE = expect(302, 403, 403, 200, 200)
ORGANISER_PAGE = expect(302, 403, 403, 200, 403)
ORGANISER_POST = expect(302, 403, 403, 302, 403)
API_ANY = expect(401, 200, 200, 200, 200)


def _a(suffix=""):
    return lambda c: f"/assignments/{c['assignment']}{suffix}"


SPECS = {
    ("GET", "/assignments"): (fixed("/assignments"), MANAGER_PAGE),
    ("GET", "/assignments/new"): (fixed("/assignments/new"), ORGANISER_PAGE),
    # An empty form is shown again with its errors.
    ("POST", "/assignments/new"): (fixed("/assignments/new"), expect(302, 403, 403, 422, 403)),
    ("GET", "/assignments/<int:assignment_id>"): (_a(), MANAGER_PAGE),
    ("GET", "/assignments/<int:assignment_id>/close"): (_a("/close"), ORGANISER_PAGE),
    # Without the confirmation box ticked nothing changes: back to the confirmation page.
    ("POST", "/assignments/<int:assignment_id>/close"): (_a("/close"), ORGANISER_POST),
    ("GET", "/assignments/<int:assignment_id>/delete"): (_a("/delete"), ORGANISER_PAGE),
    ("POST", "/assignments/<int:assignment_id>/delete"): (_a("/delete"), ORGANISER_POST),
    ("GET", "/my/assignments"): (fixed("/my/assignments"), LOGGED_IN),
    ("GET", "/api/v1/assignments"): (fixed("/api/v1/assignments"), API_ANY),
    ("POST", "/api/v1/assignments"): (fixed("/api/v1/assignments"),
                                      expect(401, 403, 403, 422, 403)),
    ("GET", "/api/v1/me/assignments"): (fixed("/api/v1/me/assignments"), API_ANY),
}


def build(app, users) -> dict:
    import sqlalchemy as sa

    from trainer.assignments import services
    from trainer.auth.models import User
    from trainer.extensions import db

    with app_ctx(app):
        organiser = db.session.scalar(sa.select(User).where(User.username == "organiser"))
        a = services.create_assignment(organiser, "course", "authz-course",
                                       {"streets": ["S1"]}, "2099-12-31")
        db.session.commit()
        return {"assignment": a.id}
