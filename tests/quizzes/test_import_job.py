"""A large question import is stored by the job queue (immediate mode in tests), in batches,
with the progress page; the preview stays in the request."""

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import TestConfig
from trainer.jobs.models import Job
from trainer.quizzes import import_job
from trainer.quizzes.models import ImportDraft, Question

FIXTURES = Path(__file__).parent / "fixtures"


class SmallThreshold(TestConfig):
    QUESTIONS_IMPORT_JOB_THRESHOLD = 2


@pytest.fixture
def config():
    return SmallThreshold


def _preview(auth):
    auth.login("trainer")
    data = {"file": (io.BytesIO((FIXTURES / "good.csv").read_bytes()), "good.csv"),
            "bank": "街道题库"}
    html = auth.post("/bank/import", data=data, content_type="multipart/form-data"
                     ).get_data(as_text=True)
    return re.search(r'action="(/bank/import/[^"]+)"', html).group(1)


def _count(fresh, model=Question):
    return fresh.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_large_import_runs_as_a_job_in_batches(app, client, auth, fresh, users,
                                                 monkeypatch):
    monkeypatch.setattr(import_job, "BATCH", 4)
    action = _preview(auth)
    done = auth.post(action, page="/bank/import")
    assert done.status_code == 302 and re.search(r"/jobs/\d+$", done.headers["Location"])
    assert _count(fresh) == 6 and _count(fresh, ImportDraft) == 0
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "已处理 6 / 6 行" in html and "题目导入" in html
    job = fresh.scalar(sa.select(Job))
    assert job.kind == "questions-import" and job.status == "done"
    assert auth.post(action, page="/bank/import").status_code == 404  # the draft is gone


def test_a_failed_large_import_stores_nothing(app, client, auth, fresh, users, monkeypatch):
    from trainer.quizzes import bank

    real, calls = bank.import_questions, []

    def fail_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(import_job, "BATCH", 4)
    monkeypatch.setattr(import_job, "import_questions", fail_second)
    action = _preview(auth)
    location = auth.post(action, page="/bank/import").headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "任务失败" in html and "disk full" not in html
    assert len(calls) == 2 and _count(fresh) == 0  # the first batch was taken back
    assert _count(fresh, ImportDraft) == 1  # the preview stays: confirm again later
