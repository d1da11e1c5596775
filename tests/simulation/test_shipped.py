"""The shipped scenarios, played to every ending on the phone pages and through the API,
with the debrief checked against the scoring rules computed by brute force."""

import re

import pytest
from markupsafe import escape

from tests.conftest import bearer, csrf_from
from tests.simulation.oracles import mean_percent
from trainer.simulation.engine import (
    assessed,
    debrief,
    outcome,
    paths_to_endings,
    reference_path,
    score_path,
)
from trainer.simulation.validate import parse_yaml

from .conftest import SHIPPED
from .strategies import all_paths, oracle_names, oracle_reference, oracle_worth

FILES = sorted(SHIPPED.glob("*.yml"))
OUTCOME = {"success": "Resolved", "partial": "Partly resolved", "failure": "Not resolved"}


def graph_of(path):
    graph, problems = parse_yaml(path.read_text(encoding="utf-8"), path.name, path.stem)
    assert problems == [], problems
    return graph


def expected_scores(graph, keys):
    """DESIGN.md: the sum of the effects along the path as a percent of the reference
    path's sum in that competency, floored at 0, capped at 100; None when that sum is
    not positive (the competency is not assessed)."""
    reference = oracle_reference(graph)
    taken, node = [], graph.nodes[graph.start]
    for key in keys:
        choice = node.choice(key)
        taken.append(choice)
        node = graph.nodes[choice.goto]
    scores = {}
    for name in oracle_names(graph):
        best = sum(c.effects.get(name, 0) for c in reference)
        total = sum(c.effects.get(name, 0) for c in taken)
        scores[name] = round(min(100, max(0, total) / best * 100), 1) if best > 0 else None
    return scores, taken


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_reference_path_scores_100_in_every_assessed_competency(path):
    graph = graph_of(path)
    reference = reference_path(graph)
    assert reference == oracle_reference(graph)
    keys = [c.key for c in reference]
    assert outcome(graph, keys) == "success"
    scores = score_path(graph, keys)
    assert assessed(graph), path.name
    assert {name: 100.0 for name in assessed(graph)} == {
        name: value for name, value in scores.items() if value is not None}
    assert mean_percent(graph, keys) == 100.0


def test_the_library_meets_the_issue(app):
    assert len(FILES) >= 8
    for path in FILES:
        graph = graph_of(path)
        endings = {n.ending for n in graph.nodes.values() if n.ending}
        assert len(graph.nodes) >= 12 and endings == {"success", "partial", "failure"}
        raised = {n for node in graph.nodes.values() for c in node.choices for n in c.effects}
        assert len(raised) >= 3, path.name
        assert all(c.feedback.strip() for n in graph.nodes.values() for c in n.choices)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_chart_tells_the_same_story_as_the_outcome(path):
    """Over every path: each success scores a higher mean percent (over the scenario's
    competencies, as on the chart) than each partial and each failure, and the best
    partial beats the best failure. Each partial above each failure is not asked: a
    partial path full of blunders cannot outscore a failure that started well."""
    graph = graph_of(path)
    means: dict[str, list[float]] = {"success": [], "partial": [], "failure": []}
    for taken in all_paths(graph):
        keys = [c.key for c in taken]
        means[outcome(graph, keys)].append(mean_percent(graph, keys))
    assert min(means["success"]) > max(means["failure"])
    assert min(means["success"]) > max(means["partial"])
    assert max(means["failure"]) < max(means["partial"]) < max(means["success"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_debrief_never_recommends_a_net_loss(path):
    """A choice whose effects add up to a loss is a mistake in the feedback's terms; no
    blunder-and-recovery route may score better than the sound choice."""
    graph = graph_of(path)
    for taken in all_paths(graph):
        for step in debrief(graph, [c.key for c in taken]):
            assert step.better is None or sum(step.better.effects.values()) >= 0, step


@pytest.fixture
def loaded(load_folder, users):
    report = load_folder(SHIPPED)
    assert report.problems == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_worker_plays_every_ending_on_the_phone_pages(client, auth, loaded, path):
    graph = graph_of(path)
    auth.login("worker")
    client.set_cookie("lang", "en")
    for ending, keys in paths_to_endings(graph).items():
        page = client.get(f"/scenarios/{path.stem}").get_data(as_text=True)
        resp = auth.client.post(f"/scenarios/{path.stem}/runs",
                                data={"csrf_token": csrf_from(page)})
        run_url = resp.headers["Location"]
        html = client.get(run_url).get_data(as_text=True)
        assert "Step 1 of about" in html
        node = graph.nodes[graph.start]
        for key in keys:
            choice = node.choice(key)
            node = graph.nodes[choice.goto]
            resp = client.post(f"{run_url}/choices",
                               data={"choice": key, "csrf_token": csrf_from(html)})
            assert resp.status_code == 302
            html = client.get(run_url).get_data(as_text=True)
            assert str(escape(choice.feedback)) in html  # shown right after the choice
        _check_debrief_page(graph, keys, ending, html)


def _check_debrief_page(graph, keys, ending, html):
    assert len(html.encode()) < 60_000
    assert f">{OUTCOME[graph.nodes[ending].ending]}</h2>" in html
    scores, taken = expected_scores(graph, keys)
    shown = [value for value in scores.values() if value is not None]
    chart = re.search(r"<svg[^>]*class=\"chart\".*?</svg>", html, re.S)
    assert (chart is not None) == bool(shown)
    assert chart.group(0).count("%</text>") == len(shown)
    for value in shown:
        assert f">{value:g}%</text>" in chart.group(0)
    assert ">Reference path</h2>" in html
    for choice in reference_path(graph):
        assert f"<li>{escape(choice.label)}</li>" in html
    for choice in taken:
        assert str(escape(choice.feedback)) in html
    assert 'style="' not in html and "<script" not in html


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_api_debrief_matches_the_scoring_rules_at_every_ending(client, auth, loaded, path):
    graph = graph_of(path)
    headers = bearer(auth.token("worker"))
    for ending, keys in paths_to_endings(graph).items():
        start = client.post(f"/api/v1/scenarios/{path.stem}/runs", headers=headers)
        assert start.status_code == 201
        run_id = start.get_json()["run_id"]
        for key in keys:
            answer = client.post(f"/api/v1/runs/{run_id}/choices", json={"choice": key},
                                 headers=headers).get_json()
        scores, taken = expected_scores(graph, keys)
        assert answer["finished"] is True and answer["node"]["key"] == ending
        assert answer["outcome"] == graph.nodes[ending].ending
        assert answer["scores"] == scores
        debrief = client.get(f"/api/v1/runs/{run_id}", headers=headers).get_json()
        assert (debrief["outcome"], debrief["scores"], debrief["path"]) == (
            answer["outcome"], scores, keys)
        assert debrief["feedback"] == [c.feedback for c in taken]
        for i, (step, choice) in enumerate(zip(debrief["steps"], taken, strict=True)):
            offered = graph.nodes[step["node"]["key"]].choices
            best = max(oracle_worth(graph, taken[:i], c) for c in offered)
            if step["better"] is None:
                assert oracle_worth(graph, taken[:i], choice) == best
            else:
                better = next(c for c in offered if c.key == step["better"]["key"])
                assert oracle_worth(graph, taken[:i], better) == best > oracle_worth(
                    graph, taken[:i], choice)
