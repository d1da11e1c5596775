"""How the domains reach each other: signals and registries, connected only by the factory
(trainer/domains.py lists them)."""

import ast
import subprocess
import sys
from pathlib import Path

from trainer import signals
from trainer.registry import Registry

ROOT = Path(__file__).resolve().parents[1]
TRAINER = ROOT / "trainer"

IMPORT_EVERYTHING = """
import importlib, pkgutil, trainer
for info in pkgutil.walk_packages(trainer.__path__, "trainer."):
    importlib.import_module(info.name)
from trainer import signals
from trainer.registry import Registry
connected = [s.name for s in signals.ALL if s.receivers]
registered = [r.name for r in Registry.every if len(r)]
print(repr((connected, registered, sorted(r.name for r in Registry.every))))
"""


def test_importing_every_module_connects_and_registers_nothing():
    out = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    connected, registered, names = eval(out.strip().splitlines()[-1])  # noqa: S307
    assert connected == [] and registered == []
    assert names == ["auth.erasers", "jobs.periodic", "jobs.tasks", "learning.lesson_asides",
                     "main.home_blocks",
                     "main.nav_badges", "monitoring.collectors",
                     "notifications.producers",
                     "quizzes.competency_sources", "quizzes.course_scopes",
                     "quizzes.graded_first",
                     "quizzes.review_policies", "quizzes.withheld_sources",
                     "records.assessment_inputs", "records.sections", "records.sections.bulk",
                     "search.sources", "simulation.choice_guards", "simulation.debrief_asides",
                     "simulation.reveal_policies", "simulation.withheld_scenarios"]


def test_the_factory_connects_every_signal_and_fills_every_registry(app):
    assert all(s.receivers for s in signals.ALL)
    assert all(len(r) for r in Registry.every), [r.name for r in Registry.every if not len(r)]


def test_only_the_factory_calls_the_domains_wiring():
    callers = []
    for path in TRAINER.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(a.name for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Name):
                names = [node.id]
            if any(n == "initialisers" or n.endswith(".wiring") or n == "wiring"
                   for n in names):
                callers.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(callers)) == ["trainer/__init__.py"]  # domains.py names them by string


def test_domains_page_lists_every_signal_and_registry():
    doc = (TRAINER / "domains.py").read_text(encoding="utf-8")
    for signal in signals.ALL:
        assert signal.name.replace("-", "_") in doc
    for registry in Registry.every:
        assert registry.name.split(".")[-1] in doc
