"""No two modules of ``trainer`` import each other at import time.

A cycle is a strongly connected component of the graph of module-level imports: statements
at module level (also inside a module-level ``if``/``try``/``with``/class body), not inside
functions and not under ``if TYPE_CHECKING:``. ``from a.b import c`` imports ``a.b.c`` when
that is a module, else ``a.b``; importing a package means its ``__init__``. An import of one
of the importing module's own ancestor packages is not an edge: a package's ``__init__``
importing its submodules, which import their siblings through the package, is not a cycle.
"""

import ast
from pathlib import Path

TRAINER = Path(__file__).resolve().parents[1] / "trainer"


def module_files(root: Path) -> dict[str, Path]:
    """Every module under the package directory ``root``, by dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _blocks(node: ast.stmt):
    for field in ("body", "orelse", "finalbody"):
        yield getattr(node, field, None) or []
    for part in (getattr(node, "handlers", None) or []) + (getattr(node, "cases", None) or []):
        yield part.body


def _import_time_nodes(body: list[ast.stmt]):
    """The import statements that run when a module with this body is imported."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _import_time_nodes(node.orelse)
        else:
            for block in _blocks(node):
                yield from _import_time_nodes(block)


def _targets(node: ast.Import | ast.ImportFrom, name: str, is_package: bool, modules) -> set:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    base = node.module or ""
    if node.level:
        package = name if is_package else name.rpartition(".")[0]
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    return {f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
            for alias in node.names}


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package tree it imports at import time."""
    modules = module_files(root)
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        edges = set()
        for node in _import_time_nodes(tree.body):
            edges |= _targets(node, name, is_package, modules)
        graph[name] = {target for target in edges if target in modules and target != name
                       and not name.startswith(target + ".")}  # not its own ancestor
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def test_trainer_has_no_import_cycles():
    found = cycles(import_graph(TRAINER))
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_domain_packages_import_nothing():
    for init in sorted(TRAINER.glob("*/__init__.py")):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        assert not imports, f"{init.relative_to(TRAINER.parent)} imports something"


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_finder_reports_a_cycle_through_a_from_import(tmp_path):
    pkg = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg import b\n",
        "pkg/b.py": "try:\n    import pkg.c\nexcept ImportError:\n    pass\n",
        "pkg/c.py": "import os\nif True:\n    from pkg.a import thing\n",
        "pkg/d.py": "from pkg.a import thing\n",
    })
    assert cycles(import_graph(pkg)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_finder_ignores_imports_of_the_modules_own_ancestor_packages(tmp_path):
    pkg = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/views/__init__.py": ("from pkg.views import one, two\n"
                                  "from pkg.views.blueprint import bp\n"),
        "pkg/views/blueprint.py": "bp = object()\n",
        "pkg/views/one.py": "from pkg.views import blueprint\n",
        "pkg/views/two.py": "from . import one\nfrom .blueprint import bp\n",
    })
    graph = import_graph(pkg)
    assert graph["pkg.views.two"] == {"pkg.views.one", "pkg.views.blueprint"}
    assert graph["pkg.views.one"] == {"pkg.views.blueprint"}
    assert cycles(graph) == []


def test_finder_counts_a_sibling_importing_the_package_init(tmp_path):
    # pkg.x is not an ancestor of pkg.y, so pkg.y importing pkg.x's __init__ is an edge.
    pkg = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/x/__init__.py": "from pkg import y\n",
        "pkg/y.py": "from pkg.x import something\n",
    })
    assert cycles(import_graph(pkg)) == [["pkg.x", "pkg.y"]]


def test_finder_ignores_function_level_and_type_checking_imports(tmp_path):
    pkg = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "import pkg.b\n",
        "pkg/b.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.a\n"
                     "def late():\n    from pkg import a\n"
                     "class K:\n    def m(self):\n        import pkg.a\n"),
    })
    graph = import_graph(pkg)
    assert graph["pkg.b"] == set()
    assert cycles(graph) == []
    (pkg / "b.py").write_text("class K:\n    import pkg.a\n", encoding="utf-8")
    assert cycles(import_graph(pkg)) == [["pkg.a", "pkg.b"]]
