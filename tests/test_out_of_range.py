"""Numbers no column can hold get a clear answer, never a 500 (ids 404, other values 400)."""

import pytest

from tests.conftest import bearer

HUGE = "9" * 25


@pytest.mark.parametrize("path", [f"/lessons/{HUGE}", f"/plans/{HUGE}",
                                  f"/competitions/{HUGE}", f"/lessons/{2**31}"])
def test_an_id_beyond_the_columns_is_not_found(client, auth, users, path):
    auth.login("admin")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", [f"/api/v1/lessons/{HUGE}", f"/api/v1/runs/{HUGE}",
                                  f"/api/v1/attempts/{HUGE}"])
def test_an_api_id_beyond_the_columns_is_a_json_404(client, auth, users, path):
    resp = client.get(path, headers=bearer(auth.token("worker")))
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_a_page_number_beyond_the_columns_is_a_json_400(client, auth, users):
    resp = client.get(f"/api/v1/courses?page={HUGE}", headers=bearer(auth.token("worker")))
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "out_of_range"


def test_a_page_number_beyond_the_columns_is_a_chinese_400_page(client, auth, users):
    auth.login("worker")
    resp = client.get(f"/courses?page={HUGE}")
    assert resp.status_code == 400
    assert "超出" in resp.get_data(as_text=True)
