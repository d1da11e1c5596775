import pytest

from tests.plans import factories


@pytest.fixture
def plan(app, users):
    """This test year's (2026) draft plan for street S1."""
    return factories.make_plan(app)


@pytest.fixture
def api(client, auth):
    """Bearer headers per username, fetched once per test."""
    cache = {}

    def headers(username):
        if username not in cache:
            cache[username] = {"Authorization": f"Bearer {auth.token(username)}"}
        return cache[username]

    return headers


@pytest.fixture
def live(app, users):
    """A session running now (sign-in open)."""
    from tests.plans import factories

    return factories.live_session(app)
