"""Every message a validator or importer gives a trainer goes through gettext.

An AST scan of the course validator, the GIFT and spreadsheet importers, the scenario
validator, Twine importer, loader, scoring advice and web import, and the content and
question commands: a problem appended to a list, added to a report, built as a Problem,
an exception raised, a line echoed or a problem returned may not be a plain string
literal or an f-string (they would reach the trainer in English, or glue Chinese with
half-width punctuation). Wrap it in ``_()`` (or ``message()`` of
``trainer.quizzes.parse_messages`` for code that runs without an app).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "trainer/learning/course_format.py",
    "trainer/learning/images.py",
    "trainer/learning/loader.py",
    "trainer/learning/strict_yaml.py",
    "trainer/learning/cli.py",
    "trainer/quizzes/cli.py",
    "trainer/quizzes/imports.py",
    "trainer/quizzes/bank_lint.py",
    "trainer/quizzes/gift/reader.py",
    "trainer/quizzes/gift/lexer.py",
    "trainer/quizzes/sheets/reader.py",
    "trainer/quizzes/sheets/rows.py",
    "trainer/quizzes/sheets/extras.py",
    "trainer/quizzes/sheets/columns.py",
    "trainer/sheet_reading.py",
    "trainer/simulation/rules.py",
    "trainer/simulation/validate.py",
    "trainer/simulation/twee.py",
    "trainer/simulation/loader.py",
    "trainer/simulation/advice.py",
    "trainer/simulation/authoring.py",
    "trainer/simulation/importing.py",
    "trainer/simulation/editor.py",
]
# Calls whose first argument a user reads.
SINKS = {"append", "echo", "secho", "ClickException", "BadParameter", "Invalid", "NotFound",
         "Refused", "ImportProblem", "TooLarge", "ConstructorError", "ValueError",
         "complain", "Upload", "EditorProblem"}
# Calls every argument of which may reach a user: a scenario problem's place and message.
ALL_ARGS = {"add", "Problem"}


def _is_literal_text(node: ast.AST) -> bool:
    """A str literal or f-string holding words (not a bare code or an empty string)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(ch.isalpha() for ch in node.value) and " " in node.value.strip() or any(
            "\u4e00" <= ch <= "\u9fff" for ch in node.value)
    if isinstance(node, ast.BinOp):  # "..." % x, "..." + x
        return _is_literal_text(node.left) or _is_literal_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_literal_text(node.body) or _is_literal_text(node.orelse)
    return False


def _name(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def bypasses(source: str) -> list[tuple[int, str]]:
    """(line, code) of every user-facing message built without gettext in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        args: list[ast.AST] = []
        if isinstance(node, ast.Call) and _name(node.func) in ALL_ARGS:
            args = [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.Call) and _name(node.func) in SINKS:
            args = [a for a in node.args if not (
                _name(node.func) == "ConstructorError" and isinstance(a, ast.Constant)
                and a.value is None)]
            args = args[:1] if _name(node.func) != "ConstructorError" else args[:1]
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(
                node.value, ast.List | ast.ListComp):
            value = node.value
            args = [value.elt] if isinstance(value, ast.ListComp) else list(value.elts)
        for arg in args:
            if _is_literal_text(arg):
                found.append((arg.lineno, ast.unparse(arg)[:80]))
    return found


@pytest.mark.parametrize("module", MODULES)
def test_messages_go_through_gettext(module):
    found = bypasses((ROOT / module).read_text("utf-8"))
    assert not found, f"{module}: messages not wrapped in gettext: {found}"


def test_the_scan_catches_plain_and_formatted_messages():
    """Guards the test above: a scan that finds nothing proves nothing."""
    source = ('out.append(f"{where}: file not found")\n'
              'raise Invalid("Nothing was imported")\n'
              'out += [f"{name}: bad {x}" for x in xs]\n'
              'click.echo("导入完成")\n'
              'out.append(_("%(where)s: file not found", where=w))\n'
              'raise Invalid(_("Nothing was imported"))\n'
              'report.add("field \'start\'", _("missing"))\n'
              'out.append(Problem(file, where, f"goto {x} is not a node"))\n'
              'report.add(report.node(key), _("cycle"), "cycle")\n')
    assert sorted(line for line, _code in bypasses(source)) == [1, 2, 3, 4, 7, 8]
