"""Authorization matrix entries of the notifications domain: everyone's own pages."""

from tests.authz_specs import expect, fixed

LOGGED_IN = expect(302, 200, 200, 200, 200)
REDIRECTS = expect(302, 302, 302, 302, 302)

SPECS = {
    ("GET", "/notifications"): (fixed("/notifications"), LOGGED_IN),
    ("POST", "/notifications/read"): (fixed("/notifications/read"), REDIRECTS),
    ("GET", "/notifications/settings"): (fixed("/notifications/settings"), LOGGED_IN),
    # Every box unticked is a valid choice: saved, back to the page.
    ("POST", "/notifications/settings"): (fixed("/notifications/settings"), REDIRECTS),
}
