"""The venue screen at 1920×1080: big names, no site navigation, and a score given by a judge
appears in place (the page polls its JSON; it is never reloaded)."""

from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.test_smoke import login, serious
from trainer.models import utcnow

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _token(base, username):
    resp = requests.post(base + "/api/v1/tokens",
                         json={"username": username, "password": DEMO_PASSWORD}, timeout=10)
    assert resp.status_code == 201, resp.text
    return {"Authorization": "Bearer " + resp.json()["token"]}


def _contest(base) -> int:
    now = utcnow()
    body = {"title": "大屏测试竞赛", "kind": "skill", "street": None,
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(), "freeze_at": None,
            "team_by": "community", "team_size": 1, "eligibility": [],
            "honours": [{"title": "业务能手", "top": 1}],
            "rounds": [{"title": "现场调解实操", "kind": "judged", "weight": 100,
                        "opens_at": (now - timedelta(minutes=5)).isoformat(),
                        "closes_at": (now + timedelta(minutes=40)).isoformat(),
                        "criteria": [{"name": "沟通表达", "max": 10}], "judges": ["trainer"]}]}
    resp = requests.post(base + "/api/v1/competitions", json=body,
                         headers=_token(base, "organiser"), timeout=10)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def test_projector_updates_in_place_after_a_score_changes(screen):
    base = screen.base
    comp_id = _contest(base)
    resp = requests.post(f"{base}/api/v1/competitions/{comp_id}/entries",
                         headers=_token(base, "worker"), timeout=10)
    assert resp.status_code == 201, resp.text
    login(screen, "organiser")
    screen.goto(f"{base}/competitions/{comp_id}/projector")
    assert screen.locator("nav").count() == 0 and "退出" not in screen.inner_text("body")
    first = screen.locator("#projector-entries li").first
    assert first.locator(".score").inner_text() == "0.00"
    name_px = float(first.locator(".who").evaluate("e => getComputedStyle(e).fontSize")[:-2])
    score_px = float(first.locator(".score").evaluate("e => getComputedStyle(e).fontSize")[:-2])
    assert name_px >= 32 and score_px > name_px
    assert screen.locator("#projector-round").is_visible()
    clock = screen.locator("#projector-round time").inner_text()
    assert ":" in clock and clock.split(":")[0] in ("39", "40")
    # mark the page: a reload would lose it, an update in place keeps it
    screen.evaluate("document.body.dataset.same = 'yes'")
    resp = requests.put(f"{base}/api/v1/competitions/{comp_id}/rounds/1/scores/worker",
                        json={"criteria": {"沟通表达": 9}, "reason": "现场评分"},
                        headers=_token(base, "trainer"), timeout=10)
    assert resp.status_code == 200, resp.text
    expect(screen.locator("#projector-entries li .score").first).to_have_text("90.00",
                                                                            timeout=20000)
    assert screen.evaluate("document.body.dataset.same") == "yes"
    assert serious(screen) == []
    assert screen.console_errors == []
