"""Authorization matrix entries of the privacy domain (erasure pages, a person's own data)."""

from tests.authz_specs import ADMIN_PAGE, LOGGED_IN_PAGE, expect, fixed

ADMIN_FORM = expect(302, 403, 403, 403, 422)  # an empty form is refused, nothing changes

SPECS = {
    ("GET", "/admin/users/<int:user_id>/erase"): (
        lambda c: f"/admin/users/{c['worker']}/erase", ADMIN_PAGE),
    ("POST", "/admin/users/<int:user_id>/erase"): (
        lambda c: f"/admin/users/{c['worker']}/erase", ADMIN_FORM),
    ("GET", "/admin/erasures"): (fixed("/admin/erasures"), ADMIN_PAGE),
    # Without a district and days the setting is refused back to the page.
    ("POST", "/admin/erasures/retention"): (fixed("/admin/erasures/retention"),
                                            expect(302, 403, 403, 403, 302)),
    ("GET", "/admin/erasures/bulk"): (fixed("/admin/erasures/bulk"), ADMIN_PAGE),
    ("POST", "/admin/erasures/bulk"): (fixed("/admin/erasures/bulk"), ADMIN_FORM),
    ("GET", "/me/data"): (fixed("/me/data"), LOGGED_IN_PAGE),
    ("GET", "/me/data.json"): (fixed("/me/data.json"), LOGGED_IN_PAGE),
}
