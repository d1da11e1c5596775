"""Authorization matrix entries of the records domain: everyone sees their own record and
downloads their own xAPI statements; organisers and admins download a worker's or a
street's in their scope."""

from tests.authz_specs import expect, fixed

ORGANISERS = expect(302, 403, 403, 200, 200)

SPECS = {
    ("GET", "/me/record"): (fixed("/me/record"), expect(302, 200, 200, 200, 200)),
    ("GET", "/api/v1/me/record"): (fixed("/api/v1/me/record"), expect(401, 200, 200, 200, 200)),
    ("GET", "/me/record/xapi.json"): (fixed("/me/record/xapi.json"),
                                      expect(302, 200, 200, 200, 200)),
    ("GET", "/records/xapi"): (fixed("/records/xapi"), ORGANISERS),
    ("GET", "/records/xapi/worker.json"): (fixed("/records/xapi/worker.json?username=worker"),
                                           ORGANISERS),
    ("GET", "/records/xapi/streets/<code>.json"): (fixed("/records/xapi/streets/S1.json"),
                                                   ORGANISERS),
    # no LRS configured in the tests: back to the page with a message
    ("POST", "/records/xapi/send"): (fixed("/records/xapi/send"),
                                     expect(302, 403, 403, 403, 302)),
}
