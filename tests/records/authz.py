"""Authorization matrix entries of the records domain: everyone sees their own record;
organisers (and admins) the dashboards, the assessment pages, the export and the records
of the workers in their scope, and the xAPI statements of a worker or a street in it."""

from tests.authz_specs import expect, fixed

ORG_PAGE = expect(302, 403, 403, 200, 200)

SPECS = {
    ("GET", "/me/record"): (fixed("/me/record"), expect(302, 200, 200, 200, 200)),
    ("GET", "/api/v1/me/record"): (fixed("/api/v1/me/record"), expect(401, 200, 200, 200, 200)),
    ("GET", "/api/v1/records/workers/<username>"): (
        lambda c: f"/api/v1/records/workers/{c['record_worker_name']}",
        expect(401, 403, 403, 200, 200)),
    ("GET", "/records/workers/<int:user_id>"): (
        lambda c: f"/records/workers/{c['record_worker']}", ORG_PAGE),
    ("GET", "/records/dashboard"): (fixed("/records/dashboard"), ORG_PAGE),
    ("GET", "/records/dashboard.xlsx"): (fixed("/records/dashboard.xlsx?table=groups"),
                                         ORG_PAGE),
    ("GET", "/records/assessment/rule"): (fixed("/records/assessment/rule"), ORG_PAGE),
    # Without the numbers the form is shown again with its errors.
    ("POST", "/records/assessment/rule"): (fixed("/records/assessment/rule"), ORG_PAGE),
    ("GET", "/records/ratings"): (fixed("/records/ratings"), ORG_PAGE),
    # Without the confirmation box nothing happens: back to the ratings.
    ("POST", "/records/ratings/confirm"): (fixed("/records/ratings/confirm"),
                                           expect(302, 403, 403, 302, 302)),
    ("GET", "/records/ratings/<int:user_id>"): (
        lambda c: f"/records/ratings/{c['record_worker']}", ORG_PAGE),
    # Without a reason the form is shown again.
    ("POST", "/records/ratings/<int:user_id>"): (
        lambda c: f"/records/ratings/{c['record_worker']}", ORG_PAGE),
    ("GET", "/records/export"): (fixed("/records/export"), ORG_PAGE),
    ("GET", "/me/record/xapi.json"): (fixed("/me/record/xapi.json"),
                                      expect(302, 200, 200, 200, 200)),
    ("GET", "/records/xapi"): (fixed("/records/xapi"), ORG_PAGE),
    ("GET", "/records/xapi/worker.json"): (fixed("/records/xapi/worker.json?username=worker"),
                                           ORG_PAGE),
    ("GET", "/records/xapi/streets/<code>.json"): (fixed("/records/xapi/streets/S1.json"),
                                                   ORG_PAGE),
    # no LRS configured in the tests: back to the page with a message
    ("POST", "/records/xapi/send"): (fixed("/records/xapi/send"),
                                     expect(302, 403, 403, 403, 302)),
}


def build(app, users) -> dict:
    """The worker whose record organisers open (district D's: out of the second
    district's sight)."""
    return {"record_worker": users["worker"], "record_worker_name": "worker"}

# The background export: started, then to its progress page.
SPECS[("POST", "/records/export")] = (fixed("/records/export"), expect(302, 403, 403, 302, 302))
