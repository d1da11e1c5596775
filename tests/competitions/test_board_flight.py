"""The leaderboard page cache under many threads (gunicorn gthread): one thread of a
process rebuilds an expired page while the others serve the page it replaces or wait for
it (no thundering herd at the opening), and a page fetched across a change this process
commits is never stored."""

import threading
import time

import pytest

from tests.conftest import bearer

SLOW = 1.0  # seconds a fetch takes here


@pytest.fixture
def board(app):
    from trainer.competitions.standings import board

    return board


@pytest.fixture
def comp(client, auth, users, create, workers):
    comp_id = create()
    for name in ("worker", "w1", "w2"):
        assert client.post(f"/api/v1/competitions/{comp_id}/entries",
                           headers=bearer(auth.token(name))).status_code == 201
    return comp_id


@pytest.fixture
def slow_fetches(monkeypatch, board):
    """The real sql_rows, counted and slowed so that the threads overlap."""
    real, calls = board.sql_rows, []

    def counted(*args):
        calls.append(args)
        time.sleep(SLOW)
        return real(*args)

    monkeypatch.setattr(board, "sql_rows", counted)
    return calls


def _in_threads(app, fn, n: int) -> list:
    results, barrier = [None] * n, threading.Barrier(n)

    def run(i):
        with app.app_context():
            barrier.wait(5)
            results[i] = fn()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _page(comp_id):
    from trainer.competitions.standings import board

    return board.cached_rows(comp_id, False, 50, 0, None, False)


def test_a_missing_page_is_fetched_once_by_many_threads(app, comp, slow_fetches):
    results = _in_threads(app, lambda: _page(comp), 8)
    assert len(slow_fetches) == 1
    assert all(r == results[0] for r in results) and len(results[0][0]) == 3


def test_an_expired_page_is_rebuilt_once_and_served_meanwhile(app, comp, slow_fetches):
    with app.app_context():
        app.config["COMPETITION_BOARD_CACHE_SECONDS"] = 0.2
        first = _page(comp)
        time.sleep(0.3)  # expired
    started = time.monotonic()
    results = _in_threads(app, lambda: (_page(comp), time.monotonic()), 8)
    assert len(slow_fetches) == 2  # the first fill and one rebuild
    assert all(rows == first for rows, _t in results)
    # seven threads served the expired page without waiting for the rebuild
    assert sorted(t - started for _rows, t in results)[6] < SLOW * 0.8


def test_a_page_fetched_across_a_committed_change_is_not_stored(app, comp, monkeypatch,
                                                                board):
    real = board.sql_rows

    def changed_meanwhile(*args):
        rows = real(*args)
        board.forget({comp})  # as this process's commit of a change does
        return rows

    monkeypatch.setattr(board, "sql_rows", changed_meanwhile)
    with app.app_context():
        _page(comp)
        assert not [k for k in board._cache() if k[0] == comp]
        monkeypatch.setattr(board, "sql_rows", real)
        _page(comp)
        assert [k for k in board._cache() if k[0] == comp]
