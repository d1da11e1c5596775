"""Authorization matrix entries of the records domain: everyone sees their own record."""

from tests.authz_specs import expect, fixed

SPECS = {
    ("GET", "/me/record"): (fixed("/me/record"), expect(302, 200, 200, 200, 200)),
    ("GET", "/api/v1/me/record"): (fixed("/api/v1/me/record"), expect(401, 200, 200, 200, 200)),
}
