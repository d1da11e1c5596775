"""Every route, every role: the expected status. A route missing here fails the suite."""

import pytest

from tests.authz_specs import ANON, ROLES, SPECS
from tests.conftest import csrf_from

WRITE = {"POST", "PUT", "PATCH", "DELETE"}


def app_routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_is_in_the_matrix(app):
    missing = app_routes(app) - set(SPECS)
    stale = set(SPECS) - app_routes(app)
    assert not missing, f"routes missing from tests/authz_specs.py: {sorted(missing)}"
    assert not stale, f"specs for routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def ctx(app, users, org, matrix_objects):
    return {**users, **org.ids, **matrix_objects}


@pytest.fixture
def matrix_objects(app, users):
    """Objects that parametrised routes point at; domains extend this as they land."""
    from tests.authz_objects import build

    return build(app, users)


def _call(client, auth, role, method, path):
    api = path.startswith("/api/")
    headers = {}
    if role != ANON and api:
        headers["Authorization"] = f"Bearer {auth.token(role)}"
    elif role != ANON:
        auth.login(role)
    if method not in WRITE:
        return client.open(path, method=method, headers=headers)
    if api:
        return client.open(path, method=method, headers=headers, json={})
    page = "/account/password" if role != ANON else "/login"
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.open(path, method=method, data={"csrf_token": token})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(SPECS), ids=lambda r: f"{r[0]} {r[1]}")
def test_role_gets_expected_status(client, auth, ctx, route, role):
    method, _rule = route
    build_path, expected = SPECS[route]
    resp = _call(client, auth, role, method, build_path(ctx))
    assert resp.status_code == expected[role], resp.get_data(as_text=True)[:300]
