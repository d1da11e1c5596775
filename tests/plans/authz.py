"""Authorization matrix entries of the plans domain.

The context holds a draft plan of S1 for this year (``plan``) and a session of it running
now (``session``) taught by the demo trainer for the whole of S1 (the worker's street), the
worker's calendar token (``feed``) and a current sign-in code (``code``).
"""

from tests.authz_specs import expect, fixed
from tests.conftest import app_ctx

STAFF_PAGE = expect(302, 403, 200, 200, 200)
LOGGED_IN = expect(302, 200, 200, 200, 200)
ORGANISER_FORM = expect(302, 403, 403, 422, 403)
ORGANISER_POST = expect(302, 403, 403, 302, 403)
SCHEDULER_PAGE = expect(302, 403, 200, 200, 403)
SIGNIN_PAGE = expect(302, 403, 200, 200, 403)
API_ANY = expect(401, 200, 200, 200, 200)


def _s(suffix=""):
    return lambda c: f"/sessions/{c['session']}{suffix}"


def _p(suffix=""):
    return lambda c: f"/plans/{c['plan']}{suffix}"


SPECS = {
    ("GET", "/plans"): (fixed("/plans"), STAFF_PAGE),
    # An empty form re-shows the page with its errors.
    ("POST", "/plans"): (fixed("/plans"), ORGANISER_FORM),
    ("POST", "/plans/copy"): (fixed("/plans/copy"), ORGANISER_FORM),
    ("GET", "/plans/<int:plan_id>"): (_p(), STAFF_PAGE),
    # Empty priorities are valid: the organiser's save redirects.
    ("POST", "/plans/<int:plan_id>"): (_p(), expect(302, 403, 403, 302, 403)),
    ("POST", "/plans/<int:plan_id>/submit"): (_p("/submit"), ORGANISER_POST),
    ("POST", "/plans/<int:plan_id>/review"): (_p("/review"), ORGANISER_POST),
    ("POST", "/plans/<int:plan_id>/comments"): (_p("/comments"), ORGANISER_POST),
    ("GET", "/plans/<int:plan_id>/export.xlsx"): (_p("/export.xlsx"), STAFF_PAGE),
    ("GET", "/plans/<int:plan_id>/sessions/new"): (_p("/sessions/new"), SCHEDULER_PAGE),
    ("POST", "/plans/<int:plan_id>/sessions/new"): (_p("/sessions/new"),
                                                     expect(302, 403, 422, 422, 403)),
    ("GET", "/sessions/<int:session_id>"): (_s(), LOGGED_IN),
    ("GET", "/sessions/<int:session_id>/edit"): (_s("/edit"), SCHEDULER_PAGE),
    ("POST", "/sessions/<int:session_id>/edit"): (_s("/edit"), expect(302, 403, 422, 422, 403)),
    # The lecturer and an organiser may delete it: nobody has attended yet.
    ("POST", "/sessions/<int:session_id>/delete"): (_s("/delete"), expect(302, 403, 302, 302, 403)),
    ("GET", "/sessions/<int:session_id>/signin"): (_s("/signin"), SIGNIN_PAGE),
    ("GET", "/sessions/<int:session_id>/signin/code"): (_s("/signin/code"), SIGNIN_PAGE),
    # With a valid code: the anonymous scanner goes to log in; only the audience signs in.
    ("GET", "/sessions/<int:session_id>/checkin"): (
        lambda c: f"/sessions/{c['session']}/checkin?code={c['code']}",
        expect(302, 200, 403, 403, 403)),
    ("POST", "/sessions/<int:session_id>/checkin"): (_s("/checkin"),
                                                     expect(302, 400, 403, 403, 403)),
    # The typed six-digit code: only the audience; an empty code re-shows the page (422).
    ("GET", "/sessions/<int:session_id>/code"): (_s("/code"), expect(302, 200, 403, 403, 403)),
    ("POST", "/sessions/<int:session_id>/code"): (_s("/code"), expect(302, 422, 403, 403, 403)),
    ("GET", "/sessions/<int:session_id>/rollcall"): (_s("/rollcall"), SIGNIN_PAGE),
    ("POST", "/sessions/<int:session_id>/rollcall"): (_s("/rollcall"),
                                                      expect(302, 403, 302, 302, 403)),
    ("POST", "/sessions/<int:session_id>/feedback"): (_s("/feedback"),
                                                      expect(302, 302, 302, 302, 302)),
    ("GET", "/my/sessions"): (fixed("/my/sessions"), LOGGED_IN),
    ("POST", "/calendar/feed"): (fixed("/calendar/feed"), LOGGED_IN),
    ("POST", "/calendar/feed/revoke"): (fixed("/calendar/feed/revoke"),
                                        expect(302, 302, 302, 302, 302)),
    # The feed needs no login: the secret URL is the credential.
    ("GET", "/calendar/<token>.ics"): (lambda c: f"/calendar/{c['feed']}.ics",
                                       expect(200, 200, 200, 200, 200)),
    ("GET", "/compliance"): (fixed("/compliance"), expect(302, 403, 403, 200, 200)),
    ("GET", "/api/v1/plans"): (fixed("/api/v1/plans"), API_ANY),
    ("POST", "/api/v1/plans"): (fixed("/api/v1/plans"), expect(401, 403, 403, 422, 403)),
    ("POST", "/api/v1/plans/<int:plan_id>/sessions"): (
        lambda c: f"/api/v1/plans/{c['plan']}/sessions", expect(401, 403, 422, 422, 403)),
    ("GET", "/api/v1/sessions"): (fixed("/api/v1/sessions"), API_ANY),
    ("GET", "/api/v1/sessions/<int:session_id>/checkin-code"): (
        lambda c: f"/api/v1/sessions/{c['session']}/checkin-code",
        expect(401, 403, 200, 200, 403)),
    ("POST", "/api/v1/sessions/<int:session_id>/checkin"): (
        lambda c: f"/api/v1/sessions/{c['session']}/checkin", expect(401, 422, 403, 403, 403)),
    ("GET", "/api/v1/compliance"): (fixed("/api/v1/compliance"),
                                    expect(401, 403, 403, 200, 200)),
}


class CurrentCode:
    """The session's sign-in code at the moment a path is built (codes rotate every 30 s,
    and the matrix reuses the objects it built for many minutes)."""

    def __init__(self, app, session_id: int):
        self.app, self.session_id = app, session_id

    def __format__(self, spec: str) -> str:
        from trainer.extensions import db
        from trainer.plans import signin
        from trainer.plans.models import TrainingSession

        with self.app.app_context():
            return signin.current_code(db.session.get(TrainingSession, self.session_id)).code

# The sessions are the other trainer's: a trainer limited to street S1 does not run them.
STREET_TRAINER = {
    ("GET", "/sessions/<int:session_id>/edit"): 403,
    ("POST", "/sessions/<int:session_id>/edit"): 403,
    ("GET", "/sessions/<int:session_id>/rollcall"): 403,
    ("POST", "/sessions/<int:session_id>/rollcall"): 403,
    ("GET", "/sessions/<int:session_id>/signin"): 403,
    ("GET", "/sessions/<int:session_id>/signin/code"): 403,
    ("GET", "/api/v1/sessions/<int:session_id>/checkin-code"): 403,
}


def build(app, users) -> dict:
    from tests.plans import factories
    from trainer.extensions import db
    from trainer.plans import calendar
    from trainer.plans.models import TrainingSession

    session_id = factories.live_session(app)
    with app_ctx(app):
        session = db.session.get(TrainingSession, session_id)
        feed = calendar.create_feed(factories.user("worker"))
        plan_id = session.plan_id
        db.session.commit()
    return {"plan": plan_id, "session": session_id, "code": CurrentCode(app, session_id),
            "feed": feed}
