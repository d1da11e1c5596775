"""Route-by-route expectations for the authorization matrix (tests/test_authz_matrix.py).

Each entry: (method, rule) -> (path builder, {role: status}). A path builder receives the
context (ids of the fixture objects) and returns the URL to call. Every route of the app
must appear here; each domain adds its own block as it lands.
"""

ANON, WORKER, TRAINER, ORGANISER, ADMIN = "anonymous", "worker", "trainer", "organiser", "admin"
ROLES = (ANON, WORKER, TRAINER, ORGANISER, ADMIN)
# A second pass of the matrix (tests/test_authz_matrix.py) runs the trainer's column as a
# trainer of the same department limited to street S1: see ``street_trainer_differs``.
STREET_TRAINER = "street_trainer"


def expect(anonymous, worker, trainer, organiser, admin):
    return dict(zip(ROLES, (anonymous, worker, trainer, organiser, admin), strict=True))


def fixed(path):
    return lambda ctx: path


LOGGED_IN_PAGE = expect(302, 200, 200, 200, 200)
ADMIN_PAGE = expect(302, 403, 403, 403, 200)
ADMIN_POST = expect(302, 403, 403, 403, 302)
PUBLIC = expect(200, 200, 200, 200, 200)
API_ANY = expect(401, 200, 200, 200, 200)

SPECS = {
    ("GET", "/"): (fixed("/"), LOGGED_IN_PAGE),
    ("GET", "/healthz"): (fixed("/healthz"), PUBLIC),
    ("GET", "/manifest.webmanifest"): (fixed("/manifest.webmanifest"), PUBLIC),
    ("GET", "/sw.js"): (fixed("/sw.js"), PUBLIC),
    ("GET", "/lang/<code>"): (fixed("/lang/en"), expect(302, 302, 302, 302, 302)),
    ("GET", "/login"): (fixed("/login"), PUBLIC),
    # A POST with a valid token but no credentials re-shows the form.
    ("POST", "/login"): (fixed("/login"), PUBLIC),
    ("GET", "/logout"): (fixed("/logout"), LOGGED_IN_PAGE),
    ("POST", "/logout"): (fixed("/logout"), expect(302, 302, 302, 302, 302)),
    ("GET", "/account/password"): (fixed("/account/password"), LOGGED_IN_PAGE),
    ("POST", "/account/password"): (fixed("/account/password"), LOGGED_IN_PAGE),
    # Without a login waiting for its code, the second step sends back to the login.
    ("GET", "/login/code"): (fixed("/login/code"), expect(302, 302, 302, 302, 302)),
    ("POST", "/login/code"): (fixed("/login/code"), expect(302, 302, 302, 302, 302)),
    ("GET", "/account/second-factor"): (fixed("/account/second-factor"), LOGGED_IN_PAGE),
    ("GET", "/account/second-factor/enrol"): (fixed("/account/second-factor/enrol"),
                                              LOGGED_IN_PAGE),
    # Without a code the form is shown again.
    ("POST", "/account/second-factor/enrol"): (fixed("/account/second-factor/enrol"),
                                               LOGGED_IN_PAGE),
    # Without a code (or codes) each is refused back to the status page.
    ("POST", "/account/second-factor/recovery-codes"): (
        fixed("/account/second-factor/recovery-codes"), expect(302, 302, 302, 302, 302)),
    ("POST", "/account/second-factor/recovery-codes.txt"): (
        fixed("/account/second-factor/recovery-codes.txt"), expect(302, 302, 302, 302, 302)),
    ("POST", "/account/second-factor/off"): (fixed("/account/second-factor/off"),
                                             expect(302, 302, 302, 302, 302)),
    ("GET", "/admin/users"): (fixed("/admin/users"), ADMIN_PAGE),
    ("GET", "/admin/users/new"): (fixed("/admin/users/new"), ADMIN_PAGE),
    ("POST", "/admin/users/new"): (fixed("/admin/users/new"), ADMIN_PAGE),
    ("GET", "/admin/users/<int:user_id>"): (lambda c: f"/admin/users/{c['worker']}", ADMIN_PAGE),
    ("POST", "/admin/users/<int:user_id>"): (lambda c: f"/admin/users/{c['worker']}",
                                             ADMIN_PAGE),
    ("POST", "/admin/users/<int:user_id>/password"): (
        lambda c: f"/admin/users/{c['worker']}/password", ADMIN_POST),
    # Without a reason the reset is refused back to the user's page.
    ("POST", "/admin/users/<int:user_id>/second-factor"): (
        lambda c: f"/admin/users/{c['worker']}/second-factor", ADMIN_POST),
    ("POST", "/admin/users/<int:user_id>/active"): (
        lambda c: f"/admin/users/{c['worker']}/active", ADMIN_POST),
    ("GET", "/admin/org/"): (fixed("/admin/org/"), ADMIN_PAGE),
    ("POST", "/admin/org/units"): (fixed("/admin/org/units"), ADMIN_POST),
    ("GET", "/admin/org/units/<int:unit_id>"): (lambda c: f"/admin/org/units/{c['S1']}",
                                                ADMIN_PAGE),
    # Without a new name the form keeps the current one: a no-op rename.
    ("POST", "/admin/org/units/<int:unit_id>"): (lambda c: f"/admin/org/units/{c['S1']}",
                                                 ADMIN_POST),
    ("POST", "/admin/org/units/<int:unit_id>/move"): (
        lambda c: f"/admin/org/units/{c['S1-C1']}/move", ADMIN_POST),
    ("POST", "/admin/org/units/<int:unit_id>/active"): (
        lambda c: f"/admin/org/units/{c['S1-C1']}/active", ADMIN_POST),
    ("GET", "/admin/org/people/import"): (fixed("/admin/org/people/import"), ADMIN_PAGE),
    ("POST", "/admin/org/people/import"): (fixed("/admin/org/people/import"), ADMIN_PAGE),
    # The audit log: admins everything, organisers their scope (tests/audit/).
    ("GET", "/admin/audit"): (fixed("/admin/audit"), expect(302, 403, 403, 200, 200)),
    ("GET", "/admin/audit.xlsx"): (fixed("/admin/audit.xlsx"), expect(302, 403, 403, 200, 200)),
    # Answered by address or token, never by role: the test client calls from 127.0.0.1,
    # an allowed address by default (tests/monitoring/ checks the refusals).
    ("GET", "/metrics"): (fixed("/metrics"), PUBLIC),
    ("GET", "/api/v1/openapi.json"): (fixed("/api/v1/openapi.json"), PUBLIC),
    ("POST", "/api/v1/tokens"): (fixed("/api/v1/tokens"), expect(422, 422, 422, 422, 422)),
    ("GET", "/api/v1/me"): (fixed("/api/v1/me"), API_ANY),
    # With or without a token (the form without one is how an initial password is
    # changed); an empty body misses its fields.
    ("POST", "/api/v1/me/password"): (fixed("/api/v1/me/password"),
                                      expect(422, 422, 422, 422, 422)),
    ("DELETE", "/api/v1/tokens"): (fixed("/api/v1/tokens"), expect(401, 204, 204, 204, 204)),
}


def street_trainer_differs() -> dict:
    """Routes where the street-limited trainer's status differs from the trainer's: each
    domain's ``STREET_TRAINER`` dict in tests/<domain>/authz.py, {route: status}."""
    from importlib import import_module
    from importlib.util import find_spec

    from trainer.domains import FEATURES

    found: dict = {}
    for domain in ("jobs", *FEATURES):  # jobs: core, with its own block
        if find_spec(f"tests.{domain}") and find_spec(f"tests.{domain}.authz"):
            found.update(getattr(import_module(f"tests.{domain}.authz"), "STREET_TRAINER", {}))
    return found


def _merge_domain_specs() -> None:
    """Each feature domain keeps its block in tests/<domain>/authz.py (``SPECS``)."""
    from importlib import import_module
    from importlib.util import find_spec

    from trainer.domains import FEATURES

    for domain in ("jobs", *FEATURES):  # jobs: core, with its own block
        if find_spec(f"tests.{domain}") and find_spec(f"tests.{domain}.authz"):
            SPECS.update(import_module(f"tests.{domain}.authz").SPECS)


_merge_domain_specs()
