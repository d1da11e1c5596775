"""quiz.js's handling of the autosave answer, run under node against a tiny fake page."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def autosave(reply: dict, answer: str = "B") -> dict:
    out = subprocess.run(
        [NODE, str(Path(__file__).with_name("quiz_js_harness.js")),
         str(ROOT / "trainer/static/js/quiz.js"), json.dumps(reply), answer],
        check=True, capture_output=True, text=True, timeout=30)
    return json.loads(out.stdout)


def test_a_save_the_server_applied_shows_saved_and_moves_the_marker():
    page = autosave({"question_id": 5, "answer": "B", "seq": 2, "saved": True,
                     "saved_at": "2026-01-01T00:00:00+00:00"})
    assert page["sent"][0]["body"]["answer"] == "B"
    assert (page["status"], page["unsaved"], page["warnsOnLeave"]) == (
        "quiz-status quiz-saved", False, False)
    assert page["marker"] == "2026-01-01T00:00:00+00:00"


def test_a_stale_save_is_not_shown_as_saved():
    page = autosave({"question_id": 5, "answer": "C", "seq": 2**52, "saved": False,
                     "saved_at": "2026-01-01T00:00:00+00:00"})
    assert (page["status"], page["text"]) == ("quiz-status quiz-stale", "stale")
    assert page["unsaved"] is True and page["warnsOnLeave"] is True
    assert page["marker"] == "shown-at"  # an emptied field must not clear the newer answer


def test_a_replayed_save_of_the_same_answer_counts_as_saved():
    page = autosave({"question_id": 5, "answer": "B", "seq": 9, "saved": False,
                     "saved_at": "2026-01-01T00:00:00+00:00"})
    assert page["status"] == "quiz-status quiz-saved" and page["unsaved"] is False
