"""Every kind of audit event the code emits reads as a Chinese sentence on /admin/audit.

An AST scan of trainer/ finds every place an event is written (``security_event``, the
site log's ``record``/``record_object`` and the competitions' log, mirrored as
``competition.<action>``) and works out the action codes each may write: a literal, either
branch of a conditional, the values of a lookup table, a parameter's guard
(``action == "open"``) or else every call of its function. An event without an entry in
sentences.ACTIONS would be shown as its raw code (the fallback sentence); this test names
it instead.
"""

import ast
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


class _Scan:
    def __init__(self) -> None:
        self.trees = {p: ast.parse(p.read_text("utf-8")) for p in (ROOT / "trainer").rglob("*.py")}
        self.parents: dict[ast.AST, ast.AST] = {}
        for tree in self.trees.values():
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    self.parents[child] = node
        self.unresolved: list[str] = []

    # --- where events are written ------------------------------------------------------

    def emitters(self):
        """(path, call, action argument, prefix) of every call that writes an event."""
        for path, tree in self.trees.items():
            site, contest = _aliases(tree)
            if path.name == "audit.py" and path.parent.name == "competitions":
                continue  # the mirror: f"competition.{action}", resolved at its callers
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(
                    func.value, ast.Name) else None
                if name == "security_event" and node.args:
                    yield path, node, node.args[0], ""
                elif name in ("record", "record_object") and owner in site and node.args:
                    yield path, node, node.args[0], ""
                elif name == "record" and owner in contest and len(node.args) >= 3:
                    yield path, node, node.args[2], "competition."

    # --- what an expression may be -----------------------------------------------------

    def values(self, expr: ast.AST, path: Path, depth: int = 0) -> set[str]:
        if depth > 4:
            self.unresolved.append(f"{path.name}:{expr.lineno}: too deep")
            return set()
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self.values(expr.body, path, depth) | self.values(expr.orelse, path, depth)
        if isinstance(expr, ast.Dict):
            return set().union(*(self.values(v, path, depth) for v in expr.values))
        if isinstance(expr, ast.Subscript):
            return self.values(expr.value, path, depth + 1)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) \
                and expr.func.attr == "get":  # table.get(key, default)
            found = self.values(expr.func.value, path, depth + 1)
            return found.union(*(self.values(a, path, depth) for a in expr.args[1:2]))
        if isinstance(expr, ast.Name):
            return self._name(expr, path, depth)
        self.unresolved.append(f"{path.name}:{expr.lineno}: {ast.unparse(expr)}")
        return set()

    def _name(self, name: ast.Name, path: Path, depth: int) -> set[str]:
        function = self._enclosing(name)
        scopes = [function] if function is not None else []
        scopes.append(self.trees[path])
        for scope in scopes:  # an assignment in the function, else at module level
            found = [n.value for n in ast.walk(scope) if isinstance(n, ast.Assign)
                     and any(isinstance(t, ast.Name) and t.id == name.id for t in n.targets)]
            if found:
                return set().union(*(self.values(v, path, depth + 1) for v in found))
        if function is not None:
            params = [a.arg for a in function.args.args]
            guards = _compared_with(function, name.id)
            if name.id in params and guards:  # the function accepts only these
                return guards
            if name.id in params:
                return self._arguments(path, function.name, params.index(name.id), name.id,
                                       depth)
        self.unresolved.append(f"{path.name}:{name.lineno}: {name.id}")
        return set()

    def _enclosing(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def _arguments(self, home: Path, function: str, index: int, keyword: str,
                   depth: int) -> set[str]:
        """What every call of ``function`` (defined in ``home``) passes for one parameter:
        calls in its own module, by its module's name, or after importing it by name."""
        module = ".".join(home.relative_to(ROOT).with_suffix("").parts)
        out: set[str] = set()
        calls = 0
        for path, tree in self.trees.items():
            imported = path == home or any(
                isinstance(n, ast.ImportFrom) and n.module == module
                and any(a.name == function for a in n.names) for n in ast.walk(tree))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if isinstance(func, ast.Attribute):
                    if func.attr != function or not isinstance(func.value, ast.Name) \
                            or func.value.id != home.stem:
                        continue
                elif getattr(func, "id", "") != function or not imported:
                    continue
                given = [k.value for k in node.keywords if k.arg == keyword]
                if not given and len(node.args) > index:
                    given = [node.args[index]]
                for expr in given:
                    calls += 1
                    out |= self.values(expr, path, depth + 1)
        if not calls:
            self.unresolved.append(f"no call of {function}() passes {keyword}")
        return out


def _compared_with(function: ast.FunctionDef, name: str) -> set[str]:
    """The literals a parameter is compared with (``action == "open"``) in its function."""
    out = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) \
                and node.left.id == name and all(isinstance(op, ast.Eq) for op in node.ops):
            out |= {c.value for c in node.comparators if isinstance(c, ast.Constant)
                    and isinstance(c.value, str)}
    return out


def _aliases(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names bound to the site's audit module and to the competitions' audit module."""
    site, contest = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "trainer.audit":
            site |= {a.asname or a.name for a in node.names if a.name == "events"}
        if isinstance(node, ast.ImportFrom) and node.module == "trainer.competitions":
            contest |= {a.asname or a.name for a in node.names if a.name == "audit"}
    return site, contest


def emitted_actions() -> tuple[dict[str, str], list[str]]:
    """Action code -> one place that writes it; and what could not be worked out."""
    scan = _Scan()
    found: dict[str, str] = {}
    for path, call, expr, prefix in scan.emitters():
        for value in scan.values(expr, path):
            found.setdefault(prefix + value, f"{path.relative_to(ROOT)}:{call.lineno}")
    return found, scan.unresolved


def test_every_emitted_audit_event_has_a_chinese_sentence(app):
    from flask_babel import force_locale

    from trainer.audit.sentences import ACTIONS

    found, unresolved = emitted_actions()
    assert not unresolved, f"cannot tell which events these write: {unresolved}"
    missing = {code: where for code, where in found.items() if code not in ACTIONS()}
    assert not missing, f"audit events without a sentence: {missing}"
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        for code in found:
            label, sentence = ACTIONS()[code]
            assert CJK.search(str(label)) and CJK.search(str(sentence)), code


def test_the_scan_finds_events_of_every_kind_of_emitter():
    """Guards the test above: a literal, a conditional, a table, a parameter and a
    competition action are each found."""
    found, _ = emitted_actions()
    for code in ("login_success", "user_deactivated", "plan_approved", "course_withdrawn",
                 "unit_moved", "contact_deleted", "competition.open", "competition.publish",
                 "scenario_withdrawn", "login_throttled"):
        assert code in found, code


@pytest.mark.parametrize("code", ["job_result_taken", "personal_data_erased", "retention_set",
                                  "password_change_failure"])
def test_a_sentence_renders_without_json_or_codes(app, code):
    from flask_babel import force_locale

    from trainer.audit.sentences import sentence

    event = SimpleNamespace(action=code, actor_name="张三", actor_username="zhang3",
                            object_label="", at=datetime(2026, 12, 1, 6, 0, tzinfo=UTC),
                            details={"job": 7, "kind": "people_import", "days": 365,
                                     "district": "D1", "district_name": "袁州区",
                                     "pseudonym": "erased_ab12", "channel": "api"})
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        text = sentence(event)
    assert text.startswith("张三（zhang3） 于 2026年12月1日 14:00") and code not in text
    assert "{" not in text and "_" not in text.replace("erased_ab12", "")
    assert "D1" not in text  # a district by its name, not its code
