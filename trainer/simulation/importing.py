"""Scenario files uploaded in the browser: YAML, Twee 3 or Twine 2 HTML, read into a draft.

The draft's node keys are renumbered n1, n2, … (the editor's own keys; a Twine passage
name becomes the node's text heading only if it was its text), and the short name is
suggested from the title: a Chinese Twine story title gets its pinyin. The trainer sees
the problems (in Chinese, naming the file, the line and the node or passage as the file
has it) and may change the short name before the draft is created.

A file whose graph breaks the rules (a dangling link, an unreachable node, a cycle, a
dead end, a duplicate key, a field of the wrong type) still becomes a draft, kept to be
fixed in the visual editor and not publishable until then. Only a file that cannot be
read at all (not YAML, no Twine passage, not UTF-8) is refused, its problems naming the
line.
"""

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _

from trainer.simulation import editor
from trainer.simulation.graph import Problem
from trainer.simulation.graph import Scenario as Graph
from trainer.simulation.twee import read_twee, read_twine_html
from trainer.simulation.validate import read_draft
from trainer.simulation.versions import graph_data

MAX_BYTES = 1_000_000
EDITOR_ONLY = {"macro"}  # told by the editor's check, never by a file reader
KINDS = {".yml": "yaml", ".yaml": "yaml", ".twee": "twee", ".html": "html", ".htm": "html"}


@dataclass
class Upload:
    text: str
    slug: str
    draft: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)


def read_upload(raw: bytes, filename: str) -> Upload:
    name = PurePath(filename).name or "upload.yml"
    kind = KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        return Upload("", "", None, [_("文件「%(file)s」：只能导入 .yml、.yaml、.twee 或 "
                                       "Twine 的 .html 文件。", file=name)])
    if len(raw) > MAX_BYTES:
        return Upload("", "", None, [_("文件「%(file)s」：文件太大（最多 1 MB）。", file=name)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Upload("", "", None, [_("文件「%(file)s」：不是 UTF-8 编码的文本。", file=name)])
    stem = "upload"
    if kind == "yaml":
        graph, found = read_draft(text.replace("\r\n", "\n"), name, stem)
        if graph is not None and not graph.nodes:
            graph = None
    elif kind == "twee":
        graph, found = read_twee(text, name, stem)
    else:
        graph, found = read_twine_html(text, name, stem)
    if graph is None:
        # The file could not be read as a graph: its reader's problems, each with its
        # file and line or passage, under a Chinese heading.
        return Upload(text, "", None, [_("文件「%(file)s」无法读取：%(detail)s", file=name,
                                         detail=_detail(p)) for p in found])
    draft = renumbered(graph)
    # The file's problems as its reader tells them (its line, its node or passage names),
    # then what only the editor checks (story-format macros).
    problems = [str(p) for p in found]
    problems += [str(p) for p in editor.problems(draft) if p.code in EDITOR_ONLY]
    return Upload(text, editor.slug_for(graph.title), draft, problems)


def _detail(p: Problem) -> str:
    """A reader's problem without its file name (the heading names the file)."""
    return "：".join(part for part in (p.where, p.message) if part)


def renumbered(graph: Graph) -> dict[str, Any]:
    """The graph as a draft whose node keys are n1, n2, … in file order."""
    data = graph_data(graph)
    keys = {n["key"]: f"n{i}" for i, n in enumerate(data["nodes"], 1)}
    for node in data["nodes"]:
        node["key"] = keys[node["key"]]
        for c in node["choices"]:
            c["goto"] = keys.get(c["goto"], c["goto"])
    data["start"] = keys.get(data["start"], data["start"])
    return data
