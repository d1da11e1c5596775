"""Authorization matrix entries of the search domain: anyone signed in may search; what
each one finds is filtered by the sources (tests/search/test_explanations.py)."""

from tests.authz_specs import expect, fixed

SPECS = {
    ("GET", "/search"): (fixed("/search?q=%E5%85%85%E7%94%B5"), expect(302, 200, 200, 200, 200)),
    ("GET", "/api/v1/search"): (fixed("/api/v1/search?q=%22*AND-"),
                                expect(401, 200, 200, 200, 200)),
}
