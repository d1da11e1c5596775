"""Scenario files: loading the YAML form and checking DESIGN.md's rules.

Every problem names the file and the field, node or choice at fault, so that
`flask content check` can print one line per problem. The rules themselves live in
`rules` (shared with the Twine import) and are re-exported here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from .graph import FORMAT_VERSION, Choice, Node, Scenario, quote
from .rules import Problem, Report, graph_problems, validate

__all__ = ["Report", "graph_problems", "parse_yaml", "read_draft", "validate"]

_TOP_FIELDS = ("version", "title", "department", "summary", "competencies", "start", "nodes")
_NODE_FIELDS = ("text", "ending", "choices")
_CHOICE_FIELDS = ("key", "label", "goto", "effects", "feedback")
Parsed = tuple[Scenario | None, list[Problem]]
# A choice that could not be read (its problem is reported): blank key and goto.
_UNREAD = Choice("", "", "")


# --- the YAML form ---------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """safe_load, except that a key given twice in one mapping is an error, not an override."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if (key_node.tag, key_node.value) in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {quote(key_node.value)}", key_node.start_mark
                    )
                seen.add((key_node.tag, key_node.value))
        return super().construct_mapping(node, deep)


def parse_yaml(text: str, file: str, slug: str,
               known_departments: set[str] | None = None) -> Parsed:
    """Load a scenario file: (scenario, []) when valid, else (None, every problem found)."""
    scenario, problems = read_draft(text, file, slug, known_departments)
    return (None if problems else scenario), problems


def read_draft(text: str, file: str, slug: str,
               known_departments: set[str] | None = None) -> Parsed:
    """Like `parse_yaml`, but return the graph as far as it reads despite problems (for an
    editor to draw a broken draft); None only when the text is not YAML."""
    report = Report(file)
    try:
        doc = yaml.load(text, Loader=_Loader)  # a SafeLoader: builds only plain data
    except yaml.YAMLError as exc:
        report.add(*_yaml_error(exc))
        return None, report.problems
    except RecursionError:  # PyYAML composes nested collections recursively
        report.add("file", "invalid YAML: lists or mappings nested too deeply")
        return None, report.problems
    except ValueError:  # e.g. an integer of more than 4300 digits, a date like 2024-13-45
        report.add("file", "invalid YAML: a value cannot be read (a number with too many "
                   "digits, or an impossible date)")
        return None, report.problems
    scenario = _read_scenario(doc, slug, known_departments, report)
    if scenario.nodes:  # the graph could be built: its rules too, beside field problems
        report.problems.extend(validate(scenario, file, partial=True))
    return scenario, report.problems


def _yaml_error(exc: yaml.YAMLError) -> tuple[str, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"line {mark.line + 1}" if mark is not None else "file"
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    return where, "invalid YAML: " + (", ".join(p for p in parts if p) or str(exc))


def _read_scenario(doc: Any, slug: str, departments: set[str] | None, report: Report) -> Scenario:
    """Build the scenario from a loaded document, reporting what is malformed."""
    if not isinstance(doc, dict):
        report.add("file", f"must be a mapping of fields, not {_kind(doc)}")
        doc = {}
    get = _Fields(doc, "", report.add)
    get.unknown(_TOP_FIELDS)
    if type(doc.get("version")) is not int or doc["version"] != FORMAT_VERSION:
        report.add("field 'version'", f"must be {FORMAT_VERSION}")
    if doc.get("nodes") == {}:
        report.add("field 'nodes'", "must not be empty")
    department = get.text("department", required=False) or None  # None: as a .twee file
    if departments is not None and department and department not in departments:
        known = ", ".join(sorted(departments))
        report.add("field 'department'", f"unknown department {quote(department)}; known: {known}")
    return Scenario(
        slug=slug,
        title=get.text("title"),
        department=department,
        summary=get.text("summary", required=False, blank_ok=True),
        competencies=tuple(get.names("competencies")),
        start=get.text("start"),
        nodes=_read_nodes(get.typed("nodes", dict, required=True), report),
    )


def _read_nodes(value: dict[Any, Any], report: Report) -> dict[str, Node]:
    nodes = {}
    for key, body in value.items():
        if not isinstance(key, str) or not key.strip():
            report.add("field 'nodes'", f"node key {key!r} must be text (put it in quotes)")
        elif not isinstance(body, dict):
            report.add(report.node(key), f"must be a mapping, not {_kind(body)}")
            nodes[key] = Node(key, "", (), "")  # unread: gotos to it still resolve
        else:
            nodes[key] = _read_node(key, body, report)
    return nodes


def _read_node(key: str, body: dict[str, Any], report: Report) -> Node:
    get = _Fields(body, report.node(key), report.add)
    get.unknown(_NODE_FIELDS)
    text = get.text("text", blank_ok=True)
    # An ending that cannot be read is "" (reported), so the node is no dead end too.
    ending = None if body.get("ending") is None else get.text("ending")
    raw = get.typed("choices", list)
    choices = tuple(_read_choice(key, i, c, report) for i, c in enumerate(raw, 1))
    if body.get("choices") is not None and not isinstance(body["choices"], list) \
            and ending is None:
        choices = (_UNREAD,)  # reported; not also a dead end
    return Node(key, text, choices, ending)


def _read_choice(node_key: str, number: int, body: Any, report: Report) -> Choice:
    key = body.get("key") if isinstance(body, dict) else None
    named = isinstance(key, str) and key.strip()
    where = report.choice(node_key, key) if named else f"{report.node(node_key)}, choice #{number}"
    if not isinstance(body, dict):
        report.add(where, f"must be a mapping with key, label and goto, not {_kind(body)}")
        return _UNREAD
    get = _Fields(body, where, report.add)
    get.unknown(_CHOICE_FIELDS)
    feedback = get.text("feedback", required=False, blank_ok=True)
    return Choice(get.text("key"), get.text("label"), get.text("goto"), get.effects(), feedback)


@dataclass
class _Fields:
    """Typed reads of one mapping's fields; each misfit is reported at `where`, field `name`."""

    data: dict[Any, Any]
    where: str
    complain: Callable[[str, str], None]

    def _at(self, name: str) -> str:
        return f"{self.where}, field {quote(name)}" if self.where else f"field {quote(name)}"

    def unknown(self, allowed: tuple[str, ...]) -> None:
        for name in self.data:
            if name not in allowed:
                self.complain(self._at(name), f"unknown field; expected {', '.join(allowed)}")

    def typed(self, name: str, kind: type, *, required: bool = False) -> Any:
        """The value when it has this type; else reported, and an empty one of the type."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.complain(self._at(name), "missing")
            return kind()
        if not isinstance(value, kind):
            self.complain(self._at(name), f"must be {_kind(kind())}, not {_kind(value)}")
            return kind()
        return value

    def text(self, name: str, *, required: bool = True, blank_ok: bool = False) -> str:
        value = self.typed(name, str, required=required)
        if not blank_ok and isinstance(self.data.get(name), str) and not value.strip():
            self.complain(self._at(name), "must not be blank")
        return value

    def names(self, name: str) -> list[str]:
        value = self.typed(name, list)
        if not all(isinstance(v, str) for v in value):
            self.complain(self._at(name), "must be a list of competency names")
            return []
        return value

    def effects(self) -> dict[str, int]:
        value = self.typed("effects", dict)
        for name, amount in value.items():
            if not isinstance(name, str):
                self.complain(self._at("effects"), f"effect name {name!r} must be text")
            elif type(amount) is not int:
                message = f"effect {quote(name)} must be a whole number, not {_kind(amount)}"
                self.complain(self._at("effects"), message)
        return {k: v for k, v in value.items() if isinstance(k, str) and type(v) is int}


_KINDS = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list"}
_KINDS |= {dict: "a mapping", type(None): "nothing"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)
