"""The shipped guide/ folder: valid, big enough, every department, its facts sourced."""

import re

import pytest
import sqlalchemy as sa

from tests.conftest import app_ctx
from trainer.extensions import db
from trainer.guide.entry_format import read_guide_folder
from trainer.guide.loader import known_references, load_guide
from trainer.guide.models import GuideEntry
from trainer.org.services import DEPARTMENTS, ensure_departments

from .conftest import ROOT

DEPTS = {code for code, _name in DEPARTMENTS}


def shipped(app):
    with app_ctx(app):
        refs = known_references(ROOT / "courses", ROOT / "scenarios")
        return read_guide_folder(ROOT / "guide", DEPTS, refs)


@pytest.mark.usefixtures("db_ctx")
def test_shipped_guide_loads_without_problems_covering_every_department(app, org):
    ensure_departments()
    report = load_guide(ROOT / "guide", dry_run=False, known_departments=DEPTS,
                        refs=known_references(ROOT / "courses", ROOT / "scenarios"))
    db.session.commit()
    rows = db.session.scalars(sa.select(GuideEntry)).all()
    departments = {row.department.code for row in rows}
    assert report.problems == [] and report.warnings == []
    assert len(rows) >= 40 and departments == DEPTS
    assert all(len([r for r in rows if r.department.code == d]) >= 4 for d in DEPTS)


def test_every_law_of_the_guide_is_listed_in_sources(app):
    specs, _problems = shipped(app)
    sources = (ROOT / "courses" / "SOURCES.md").read_text("utf-8")
    section = sources.split("## Referral guide", 1)[1]
    laws = {law for spec in specs for law in spec.laws}
    assert laws and not [law for law in laws if f"| {law}" not in section]


def test_a_hotline_the_steps_tell_to_call_is_listed_as_a_hotline(app):
    specs, _problems = shipped(app)
    missing = {spec.key: set(re.findall(r"\*\*(\d{3,5})\*\*", spec.steps)) - set(spec.hotlines)
               for spec in specs}
    assert {k: v for k, v in missing.items() if v} == {}


def test_violence_entries_call_110_first_and_never_alone(app):
    specs, _problems = shipped(app)
    by_key = {spec.key: spec for spec in specs}
    for key in ("domestic-violence", "worker-threatened", "mental-disorder-risk"):
        assert by_key[key].hotlines[0] == "110" and "110" in by_key[key].steps
        assert "不独自" in by_key[key].steps
    for key in ("gas-leak-smell", "fire-or-smoke"):
        assert "119" in by_key[key].hotlines


def test_content_check_covers_the_guide(app, runner, tmp_path):
    bad = tmp_path / "guide"
    bad.mkdir()
    (bad / "fire.yml").write_text("version: 1\nentries:\n  - key: x1\n    situation: s\n"
                                  "    steps: t\n    hotlines: [12306]\n", "utf-8")
    empty = tmp_path / "none"
    empty.mkdir()
    args = ["content", "check", "--courses", str(empty), "--scenarios", str(empty)]
    result = runner.invoke(args=[*args, "--guide", str(bad)])
    assert result.exit_code == 1
    assert "fire.yml: 条目 x1: 字段“hotlines”: “12306”不是允许的全国热线" in result.output
    result = runner.invoke(args=[*args, "--guide", str(ROOT / "guide")])
    assert result.exit_code == 1 and "找不到课时" in result.output  # no courses to link to
    assert runner.invoke(args=[*args, "--guide", str(tmp_path / "missing")]).exit_code == 1


def test_content_load_loads_the_guide_once(app, runner, tmp_path, guide_dir):
    empty = tmp_path / "none"
    empty.mkdir()
    text = (guide_dir / "fire.yml").read_text("utf-8")
    (guide_dir / "fire.yml").write_text(text.split("    lessons:")[0] + text.split(
        "scenarios: [noise]\n")[1], "utf-8")
    args = ["content", "load", "--courses", str(empty), "--scenarios", str(empty),
            "--guide", str(guide_dir)]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "载入内容：新建 2 个，更新 0 个，未变 0 个，问题 0 个" in first.output
    again = runner.invoke(args=args)
    assert "载入内容：新建 0 个，更新 0 个，未变 2 个，问题 0 个" in again.output
