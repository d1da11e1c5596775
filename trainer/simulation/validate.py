"""Scenario files: loading the YAML form and checking DESIGN.md's rules.

Every problem names the file, the line where it is known (a node's and a choice's lines
come from the composed YAML) and the field, node or choice at fault, in Chinese through
gettext, so that `flask content check` can print one line per problem. The rules
themselves live in `rules` (shared with the Twine import) and are re-exported here.
"""

from dataclasses import dataclass
from typing import Any

import yaml

from trainer.quizzes.parse_messages import message as _

from .graph import FORMAT_VERSION, Choice, Node, Scenario
from .rules import Problem, Report, graph_problems, listing, named, validate

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
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if (key_node.tag, key_node.value) in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, _("the key %(key)s is given twice", key=named(key_node.value)),
                        key_node.start_mark)
                seen.add((key_node.tag, key_node.value))
        return super().construct_mapping(node, deep)


def _load(text: str) -> tuple[Any, yaml.Node | None]:
    """The document and its composed node tree (which knows every line)."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    finally:
        loader.dispose()


def _mapping(node: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node]]:
    return node.value if isinstance(node, yaml.MappingNode) else []


def _note_lines(root: yaml.Node | None, report: Report) -> None:
    """Each node's line (its key under ``nodes``) and each of its choices' lines."""
    for key, value in _mapping(root):
        if isinstance(key, yaml.ScalarNode) and key.value == "nodes":
            for node_key, body in _mapping(value):
                report.lines.setdefault(node_key.value, node_key.start_mark.line + 1)
                for field_key, field_value in _mapping(body):
                    if field_key.value == "choices" and isinstance(field_value,
                                                                   yaml.SequenceNode):
                        for i, item in enumerate(field_value.value):
                            report.choice_lines[(node_key.value, i)] = item.start_mark.line + 1


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
        doc, root = _load(text)  # a SafeLoader: builds only plain data
    except yaml.YAMLError as exc:
        report.add(*_yaml_error(exc), "invalid_yaml")
        return None, report.problems
    except RecursionError:  # PyYAML composes nested collections recursively
        report.add("", _("invalid YAML: lists or mappings nested too deeply"), "invalid_yaml")
        return None, report.problems
    except ValueError:  # e.g. an integer of more than 4300 digits, a date like 2024-13-45
        report.add("", _("invalid YAML: a value cannot be read (a number with too many "
                         "digits, or an impossible date)"), "invalid_yaml")
        return None, report.problems
    _note_lines(root, report)
    scenario = _read_scenario(doc, slug, known_departments, report)
    if scenario.nodes:  # the graph could be built: its rules too, beside field problems
        report.problems.extend(validate(scenario, file, partial=True, report=report))
    return scenario, report.problems


def _yaml_error(exc: yaml.YAMLError) -> tuple[str, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = _("line %(line)s", line=mark.line + 1) if mark is not None else ""
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    detail = "; ".join(p for p in parts if p) or str(exc)  # PyYAML's own words
    return where, _("invalid YAML: %(detail)s", detail=detail)


def _read_scenario(doc: Any, slug: str, departments: set[str] | None, report: Report) -> Scenario:
    """Build the scenario from a loaded document, reporting what is malformed."""
    if not isinstance(doc, dict):
        report.add("", _("the file must be a mapping of fields, not %(kind)s", kind=_kind(doc)),
                   "not_a_mapping")
        doc = {}
    nodes = doc.get("nodes")
    if isinstance(nodes, dict):  # the texts first, to name nodes in every problem
        report.texts.update({k: b["text"] for k, b in nodes.items() if isinstance(k, str)
                             and isinstance(b, dict) and isinstance(b.get("text"), str)})
    get = _Fields(doc, "", report)
    get.unknown(_TOP_FIELDS)
    if type(doc.get("version")) is not int or doc["version"] != FORMAT_VERSION:
        report.add(report.field("version"), _("must be %(version)s", version=FORMAT_VERSION),
                   "field")
    if doc.get("nodes") == {}:
        report.add(report.field("nodes"), _("must not be empty"), "field")
    department = get.text("department", required=False) or None  # None: as a .twee file
    if departments is not None and department and department not in departments:
        report.add(report.field("department"), _(
            "unknown department %(name)s; the departments are %(known)s",
            name=named(department), known=listing(sorted(departments))), "unknown_department")
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
            report.add(report.field("nodes"), _("the node key %(key)s must be text (put it in "
                                                "quotes)", key=repr(key)), "field")
        elif not isinstance(body, dict):
            report.add(report.node(key), _("must be a mapping, not %(kind)s", kind=_kind(body)),
                       "field")
            nodes[key] = Node(key, "", (), "")  # unread: gotos to it still resolve
        else:
            nodes[key] = _read_node(key, body, report)
    return nodes


def _read_node(key: str, body: dict[str, Any], report: Report) -> Node:
    get = _Fields(body, report.node(key), report)
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
    label = body.get("label") if isinstance(body, dict) else None
    named_key = isinstance(key, str) and key.strip()
    where = (report.choice(node_key, key, label if isinstance(label, str) else "", number - 1)
             if named_key else report.numbered_choice(node_key, number))
    if not isinstance(body, dict):
        report.add(where, _("must be a mapping with key, label and goto, not %(kind)s",
                            kind=_kind(body)), "field")
        return _UNREAD
    get = _Fields(body, where, report)
    get.unknown(_CHOICE_FIELDS)
    feedback = get.text("feedback", required=False, blank_ok=True)
    return Choice(get.text("key"), get.text("label"), get.text("goto"), get.effects(), feedback)


@dataclass
class _Fields:
    """Typed reads of one mapping's fields; each misfit is reported at `where`, field `name`."""

    data: dict[Any, Any]
    where: str
    report: Report

    def _at(self, name: str) -> str:
        return self.report.field(name, self.where)

    def complain(self, name: str, problem: str, code: str = "field") -> None:
        self.report.add(self._at(name), problem, code)

    def unknown(self, allowed: tuple[str, ...]) -> None:
        for name in self.data:
            if name not in allowed:
                self.complain(name, _("unknown field (check its spelling); the fields are "
                                      "%(known)s", known=listing(allowed)), "unknown_field")

    def typed(self, name: str, kind: type, *, required: bool = False) -> Any:
        """The value when it has this type; else reported, and an empty one of the type."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.complain(name, _("missing"))
            return kind()
        if not isinstance(value, kind):
            self.complain(name, _("must be %(expected)s, not %(kind)s", expected=_kind(kind()),
                                  kind=_kind(value)))
            return kind()
        return value

    def text(self, name: str, *, required: bool = True, blank_ok: bool = False) -> str:
        value = self.typed(name, str, required=required)
        if not blank_ok and isinstance(self.data.get(name), str) and not value.strip():
            self.complain(name, _("must not be blank"))
        return value

    def names(self, name: str) -> list[str]:
        value = self.typed(name, list)
        if not all(isinstance(v, str) for v in value):
            self.complain(name, _("must be a list of competency names"))
            return []
        return value

    def effects(self) -> dict[str, int]:
        value = self.typed("effects", dict)
        for name, amount in value.items():
            if not isinstance(name, str):
                self.complain("effects", _("the effect name %(name)s must be text",
                                           name=repr(name)))
            elif type(amount) is not int:
                self.complain("effects", _("effect %(name)s must be a whole number, not "
                                           "%(kind)s", name=named(name), kind=_kind(amount)))
        return {k: v for k, v in value.items() if isinstance(k, str) and type(v) is int}


def _kind(value: Any) -> str:
    kinds = {bool: _("true/false"), int: _("a number"), float: _("a number"), str: _("text"),
             list: _("a list"), dict: _("a mapping"), type(None): _("nothing")}
    return kinds.get(type(value), type(value).__name__)
