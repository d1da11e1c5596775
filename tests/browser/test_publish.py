"""Publishing a contest's results on a phone: the review page lists what is outstanding
and the honours about to be awarded, and a tap on 发布成绩 without the confirmation box
publishes nothing (issue 16 item 4)."""

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.test_projector import _contest, _token
from tests.browser.test_smoke import login, serious

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _published(base, comp_id) -> bool:
    resp = requests.get(f"{base}/api/v1/competitions/{comp_id}",
                        headers=_token(base, "organiser"), timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()["status"] == "published"


def _name(base, username) -> str:
    resp = requests.get(f"{base}/api/v1/me", headers=_token(base, username), timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()["name"]


def test_publishing_without_the_confirmation_publishes_nothing(phone):
    base = phone.base
    comp_id = _contest(base)  # its judged round is open for another 40 minutes
    resp = requests.post(f"{base}/api/v1/competitions/{comp_id}/entries",
                         headers=_token(base, "worker"), timeout=10)
    assert resp.status_code == 201, resp.text
    login(phone, "organiser")
    phone.goto(f"{base}/competitions/{comp_id}/manage")
    phone.get_by_role("link", name="发布成绩").click()
    expect(phone.locator("h1")).to_contain_text("发布前核对")
    outstanding = phone.locator("ul.outstanding").inner_text()
    assert "第 1 轮仍在进行" in outstanding
    judge, worker = _name(base, "trainer"), _name(base, "worker")
    assert f"评委 {judge} 尚未给 {worker} 评分" in outstanding  # names, not codes
    assert "trainer" not in outstanding
    resp = requests.put(f"{base}/api/v1/competitions/{comp_id}/rounds/1/scores/worker",
                        json={"criteria": {"沟通表达": 9}, "reason": "现场评分"},
                        headers=_token(base, "trainer"), timeout=10)
    assert resp.status_code == 200, resp.text
    phone.reload()
    honours = phone.locator("table").inner_text()
    assert "业务能手" in honours and worker in honours and "90.00" in honours
    phone.get_by_role("button", name="发布成绩").click()
    expect(phone.locator(".flash-error").first).to_contain_text("请勾选确认框")
    assert not _published(base, comp_id)
    phone.get_by_label("我已核对，确认发布").check()
    phone.get_by_role("button", name="发布成绩").click()
    phone.wait_for_load_state("networkidle")
    assert _published(base, comp_id)
    assert serious(phone) == [] and phone.console_errors == []
