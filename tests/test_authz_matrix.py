"""Every route, every role: the expected status. A route missing here fails the suite."""

import pytest
import sqlalchemy as sa

from tests.authz_specs import ANON, ROLES, SPECS, STREET_TRAINER, TRAINER, street_trainer_differs
from tests.conftest import csrf_from
from trainer.extensions import db

WRITE = {"POST", "PUT", "PATCH", "DELETE"}


def app_routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_is_in_the_matrix(app):
    missing = app_routes(app) - set(SPECS)
    stale = set(SPECS) - app_routes(app)
    assert not missing, f"routes missing from tests/authz_specs.py: {sorted(missing)}"
    assert not stale, f"specs for routes that no longer exist: {sorted(stale)}"


# The matrix runs every route for every role on the same objects: they are built once through
# the real fixtures and services, then each later test restores those rows (the app fixture
# has emptied every table) instead of building them again. Keyed by database URL.
_SNAPSHOTS: dict[str, tuple[dict, list]] = {}


def _dump_rows() -> list[tuple[sa.Table, list[dict]]]:
    return [(table, [dict(row._mapping) for row in db.session.execute(table.select())])
            for table in db.metadata.sorted_tables]


def _restore_rows(rows: list[tuple[sa.Table, list[dict]]]) -> None:
    order = {table: n for n, (table, _items) in enumerate(rows)}
    later = []  # foreign keys to a table restored after this one (a cycle): set afterwards
    for table, items in rows:
        cyclic = [fk.parent.name for fk in table.foreign_keys if fk.column.table is not table
                  and order.get(fk.column.table, -1) >= order[table]]
        if not items:
            continue
        db.session.execute(table.insert(), [{**r, **dict.fromkeys(cyclic)} for r in items])
        later += [(table, r, cyclic) for r in items if any(r[c] is not None for c in cyclic)]
    for table, row, cyclic in later:
        key = [table.c[c.name] == row[c.name] for c in table.primary_key]
        db.session.execute(table.update().where(*key).values({c: row[c] for c in cyclic}))
    if db.engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
        for table, items in rows:
            if items and "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                db.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM \"{table.name}\"))"))
    db.session.commit()


@pytest.fixture
def ctx(request, app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url not in _SNAPSHOTS:
        users, org = request.getfixturevalue("users"), request.getfixturevalue("org")
        # A trainer of the same department as "trainer", limited to street S1.
        make_user = request.getfixturevalue("make_user")
        users = {**users, STREET_TRAINER: make_user(STREET_TRAINER, role="trainer", unit="S1")}
        # A second district (D2 > T1 > T1-C1 > T1-C1-G1) with its organiser and worker.
        _second_district(app)
        users.update({name: make_user(name, role=role, unit=unit)
                      for name, (role, unit) in OTHER_DISTRICT.items()})
        objects = request.getfixturevalue("matrix_objects")
        with app.app_context():
            _SNAPSHOTS[url] = ({**users, **org.ids, **objects}, _dump_rows())
    else:
        with app.app_context():
            _restore_rows(_SNAPSHOTS[url][1])
    return _SNAPSHOTS[url][0]


# Accounts of the second district, each checked against the column of the same role.
OTHER_DISTRICT = {"org2": ("organiser", "D2"), "worker2": ("worker", "T1-C1-G1")}
# Context keys of objects that belong to district D (the first one).
# (A calendar feed's token is its owner's key, not an object of the caller's scope.)
DISTRICT_OBJECTS = ("plan", "session", "comp", "appeal", "certificate", "sim_run",
                    "quiz_attempt", "job", "record_worker", "record_worker_name",
                    "assignment")
# Pages anyone holding the link may open, whatever their district: the certificate's
# public verification (its code is the key).
PUBLIC_BY_KEY = {("GET", "/certificates/<code>")}
# Routes on shared objects where the second district's people answer otherwise, and why.
OTHER_DISTRICT_DIFFERS = {
    # the library quiz: worker2 starts an attempt where the worker resumes theirs
    (("POST", "/api/v1/quizzes/<int:quiz_id>/attempts"), "worker2"): 201,
    # district D's worker and street, named by username and code: unknown to org2
    (("GET", "/records/xapi/worker.json"), "org2"): 404,
    (("GET", "/records/xapi/streets/<code>.json"), "org2"): 404,
}


def _second_district(app) -> None:
    from trainer.org import services

    with app.app_context():
        d2 = services.create_unit("D2", "第二区", "district", None)
        street = services.create_unit("T1", "T1街道", "street", d2)
        comm = services.create_unit("T1-C1", "T1社区", "community", street)
        services.create_unit("T1-C1-G1", "T1网格", "grid", comm)
        db.session.commit()


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


@pytest.mark.parametrize("route", sorted(SPECS), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_street_limited_trainer_gets_expected_status(client, auth, ctx, route):
    """The trainer's column again, for a trainer limited to street S1: the same except
    where district-wide objects are at stake (``street_trainer_differs``)."""
    method, _rule = route
    build_path, expected = SPECS[route]
    want = street_trainer_differs().get(route, expected[TRAINER])
    resp = _call(client, auth, STREET_TRAINER, method, build_path(ctx))
    assert resp.status_code == want, resp.get_data(as_text=True)[:300]


def _targets_district_objects(build_path, ctx) -> bool:
    """Whether the route's path names one of district D's objects."""
    moved = {**ctx, **{key: f"x{key}x" for key in DISTRICT_OBJECTS if key in ctx}}
    try:
        return build_path(moved) != build_path(ctx)
    except (TypeError, ValueError, AttributeError):
        return True


@pytest.mark.parametrize("account", sorted(OTHER_DISTRICT))
@pytest.mark.parametrize("route", sorted(SPECS), ids=lambda r: f"{r[0]} {r[1]}")
def test_another_districts_people_reach_none_of_its_objects(client, auth, ctx, route,
                                                            account):
    """Every route again for the second district's organiser and worker: district D's
    plans, sessions, competitions, runs and attempts are out of sight (403 or 404, never
    a page or a change); every other route answers as for the same role in D."""
    method, _rule = route
    build_path, expected = SPECS[route]
    resp = _call(client, auth, account, method, build_path(ctx))
    role = OTHER_DISTRICT[account][0]
    if route in PUBLIC_BY_KEY or not _targets_district_objects(build_path, ctx):
        want = OTHER_DISTRICT_DIFFERS.get((route, account), expected[role])
        assert resp.status_code == want, resp.get_data(as_text=True)[:300]
    elif resp.status_code == 302:  # a page's refusal: flashed, back to a page it cannot see
        assert client.get(resp.headers["Location"]).status_code in (403, 404)
    else:
        assert resp.status_code in (403, 404), resp.get_data(as_text=True)[:300]


FORM_POSTS = sorted(r for r in SPECS if r[0] in WRITE and not r[1].startswith("/api/"))


@pytest.mark.parametrize("route", FORM_POSTS, ids=lambda r: f"{r[0]} {r[1]}")
def test_a_form_post_without_a_csrf_token_is_refused(client, auth, ctx, route):
    method, _rule = route
    auth.login("admin")
    resp = client.open(SPECS[route][0](ctx), method=method, data={"anything": "1"})
    assert resp.status_code == 400
    assert "表单已过期或无效" in resp.get_data(as_text=True)


def test_every_form_post_is_checked_for_csrf():
    assert len(FORM_POSTS) > 50  # guards the test above against an empty parametrisation
