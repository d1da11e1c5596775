import pytest


@pytest.fixture
def api(client, auth):
    cache = {}

    def headers(username):
        if username not in cache:
            cache[username] = {"Authorization": f"Bearer {auth.token(username)}"}
        return cache[username]

    return headers
