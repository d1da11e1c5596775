"""Importing Twine stories: Twee 3 source and Twine 2 published HTML.

A passage is a node and its `[[links]]` are its choices. Passage tags carry the rest:
`ending:success|partial|failure` makes an ending, `communication+2` or `mediation-1` are the
effects of arriving there (so of every choice leading there). Story-format macros such as
Harlowe `(set: ...)` or SugarCube `<<...>>` stay in the text as plain text: nothing is ever
run, and only `[[...]]` links become choices.

Problems are told in Chinese (gettext), naming the file, the line of the passage or link
and the passage by its name and shortened text. `read_twee`/`read_twine_html` return the
story as far as it reads beside its problems (the web import keeps it as a draft to fix);
`parse_twee`/`parse_twine_html` return it only when it has none (the loader).
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from trainer.quizzes.parse_messages import message as _

from .graph import COMPETENCIES, EFFECT_MAX, EFFECT_MIN, Choice, Node, Problem, Scenario
from .rules import Report, known_competencies, named, validate

Parsed = tuple[Scenario | None, list[Problem]]

# Passages that are not story text: compiler/format specials, code, style.
_SPECIAL_NAMES = frozenset(
    "StoryTitle StoryData StoryInit StoryCaption StoryMenu StoryBanner StorySubtitle StoryAuthor"
    " StoryShare StoryInterface PassageReady PassageDone PassageHeader PassageFooter".split()
)
_SYSTEM_TAGS = frozenset(
    "script stylesheet widget header footer startup debug-header debug-footer debug-startup"
    " Twine.private Twine.image Twine.audio Twine.video Twine.vtt".split()
)
_LAYOUT_TAGS = {"nobr"}  # SugarCube formatting: harmless on a story passage
_LINK = re.compile(r"\[\[(.*?)\]\]")
_EXTERNAL = re.compile(r"^\w+:\/\/\/?\w", re.IGNORECASE)
_ENDING_TAG = re.compile(r"ending:(.*)")
_EFFECT_TAG = re.compile(r"(\w+)([+-]\d+)")


@dataclass(frozen=True)
class _Passage:
    name: str
    tags: tuple[str, ...]
    text: str
    line: int
    body_line: int  # the line its text starts on


# --- Twee 3 ----------------------------------------------------------------------------


def _strict(parsed: Parsed) -> Parsed:
    scenario, problems = parsed
    return (None if problems else scenario), problems


def parse_twee(text: str, file: str, slug: str) -> Parsed:
    """Import a Twee 3 story: (scenario, []) when valid, else (None, problems by passage)."""
    return _strict(read_twee(text, file, slug))


def read_twee(text: str, file: str, slug: str) -> Parsed:
    """A Twee 3 story as far as it reads, and its problems; None when it has no passage."""
    report = Report(file, twine=True)
    passages = _split_twee(text.removeprefix("\ufeff"), report)
    data = _story_data(passages, report)
    start = data.get("start") if isinstance(data.get("start"), str) else "Start"
    start = start or "Start"
    title = next((p.text.strip() for p in passages if p.name == "StoryTitle"), "") or slug
    return _convert(passages, title, start, slug, report)


def _split_twee(text: str, report: Report) -> list[_Passage]:
    """Passages in file order; text before the first header is ignored (Twee 3)."""
    passages: list[_Passage] = []
    header: tuple[str, tuple[str, ...], int] | None = None
    body: list[str] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if line.startswith("::"):
            _flush(passages, header, body)
            header, body = (*_read_header(line[2:], number, report), number), []
        else:
            body.append(line)
    _flush(passages, header, body)
    return passages


def _flush(
    passages: list[_Passage], header: tuple[str, tuple[str, ...], int] | None, body: list[str]
) -> None:
    """Close the passage being read (trailing blank lines are not content)."""
    if header is not None:
        name, tags, line = header
        passages.append(_Passage(name, tags, "\n".join(body).rstrip(), line, line + 1))


def _read_header(rest: str, number: int, report: Report) -> tuple[str, tuple[str, ...]]:
    """Name and tags from what follows `::`; the metadata block is editor layout only."""
    name, i = _unescape_until(rest, 0, "[{")
    tags: list[str] = []
    if i < len(rest) and rest[i] == "[":
        tag_text, i = _unescape_until(rest, i + 1, "]")
        if i >= len(rest):
            report.add(report.line(number), _("the tag block has no closing ']'"), "syntax")
        tags = tag_text.split()
    if not name.strip():
        report.add(report.line(number), _("the passage header has no name"), "syntax")
    return name.strip(), tuple(tags)


def _unescape_until(text: str, i: int, stops: str) -> tuple[str, int]:
    """Decode `\\x` escapes up to the first unescaped stop character; (decoded, its index)."""
    out = []
    while i < len(text) and text[i] not in stops:
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out), i


def _story_data(passages: list[_Passage], report: Report) -> dict[str, object]:
    found = next((p for p in passages if p.name == "StoryData"), None)
    if found is None:
        return {}
    try:
        data = json.loads(found.text)
    except json.JSONDecodeError as exc:
        line = found.line + exc.lineno  # the header is line found.line
        report.add(report.node("StoryData", line), _("invalid JSON: %(detail)s",
                                                     detail=exc.msg), "syntax")
        return {}
    if not isinstance(data, dict):
        report.add(report.node("StoryData", found.line), _("must be a JSON object"), "syntax")
        return {}
    return data


# --- Twine 2 HTML ----------------------------------------------------------------------


class _StoryParser(HTMLParser):
    """Collects the first <tw-storydata> and its <tw-passagedata> (text unescaped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.story: dict[str, str] | None = None
        self.passages: list[tuple[dict[str, str], str, int]] = []
        self._open: tuple[dict[str, str], list[str], int] | None = None
        self._closed = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if self._open is not None:  # stray markup inside a passage is its text
            self._open[1].append(self.get_starttag_text() or "")
        elif tag == "tw-storydata" and self.story is None:
            self.story = values
        elif tag == "tw-passagedata" and self.story is not None and not self._closed:
            self._open = (values, [], self.getpos()[0])

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == "tw-passagedata":
            self.passages.append((self._open[0], "".join(self._open[1]), self._open[2]))
            self._open = None
        elif self._open is not None:
            self._open[1].append("</" + tag + ">")  # markup, not a message
        elif tag == "tw-storydata" and self.story is not None:
            self._closed = True

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1].append(data)


def parse_twine_html(text: str, file: str, slug: str) -> Parsed:
    """Import a Twine 2 published story (or archive: its first story) like a Twee file."""
    return _strict(read_twine_html(text, file, slug))


def read_twine_html(text: str, file: str, slug: str) -> Parsed:
    """A Twine 2 story as far as it reads, and its problems; None when the file holds
    no story."""
    report = Report(file, twine=True)
    parser = _StoryParser()
    parser.feed(text)
    parser.close()
    if parser.story is None:
        report.add("", _("no <tw-storydata> element: this is not a story published by "
                         "Twine 2"), "not_twine")
        return None, report.problems
    passages = [
        _Passage(a.get("name", "").strip(), tuple(a.get("tags", "").split()), body.rstrip(),
                 line, line)
        for a, body, line in parser.passages
    ]
    for p in passages:
        if not p.name:
            report.add(report.line(p.line), _("the passage has no name"), "syntax")
    title = parser.story.get("name", "").strip() or slug
    return _convert(passages, title, _start_name(parser), slug, report)


def _start_name(parser: _StoryParser) -> str:
    """The passage named by `startnode`, else `Start`; an unknown pid stays visible."""
    pid = (parser.story or {}).get("startnode", "")
    if not pid:
        return "Start"
    names = {a.get("pid"): a.get("name", "").strip() for a, _, _ in parser.passages}
    return names.get(pid, f"startnode {pid}")


# --- shared conversion -----------------------------------------------------------------


def _convert(passages: list[_Passage], title: str, start: str, slug: str,
             report: Report) -> Parsed:
    """Passages to a scenario, then DESIGN.md's rules, all problems named by passage.
    The scenario is None only when no passage is story text (nothing to draw or edit)."""
    story = _story_passages(passages, report)
    for p in story:
        report.lines[p.name] = p.line
        report.texts[p.name] = _tidy(_LINK.sub("", p.text))
    tagged = {p.name: _read_tags(p, report) for p in story}
    arrivals = {name: effects for name, (_ending, effects) in tagged.items()}
    if arrivals.get(start):
        report.add(report.node(start), _("effect tags on the start passage never apply (an "
                                         "effect counts on arriving at a passage)"),
                   "start_effects")
    nodes = {p.name: _node(p, tagged[p.name][0], arrivals, report) for p in story}
    used = {name for node in nodes.values() for c in node.choices for name in c.effects}
    scenario = Scenario(
        slug=slug,
        title=title,
        department=None,
        summary="",
        competencies=tuple(c for c in COMPETENCIES if c in used),
        start=start,
        nodes=nodes,
    )
    dead_end = _("Dead end: this passage has no links and no ending. If the story ends "
                 "here, tag the passage ending:success, ending:partial or ending:failure.")
    if not nodes:  # not a story at all: nothing to check, draw or edit
        report.add("", _("no passage of story text was found"), "empty")
        return None, report.problems
    report.problems.extend(validate(scenario, report.file, twine=True, dead_end=dead_end,
                                    report=report))
    return scenario, report.problems


def _story_passages(passages: list[_Passage], report: Report) -> list[_Passage]:
    """The passages that are story text, each name once."""
    story: dict[str, _Passage] = {}
    for p in passages:
        if not p.name or p.name in _SPECIAL_NAMES or _SYSTEM_TAGS.intersection(p.tags):
            continue
        if p.name in story:
            report.add(report.at_line(p.line, _("passage %(name)s", name=named(p.name))),
                       _("another passage of this name comes first (line %(line)s); this "
                         "one is left out", line=story[p.name].line), "duplicate_passage")
        story.setdefault(p.name, p)
    return list(story.values())


def _read_tags(p: _Passage, report: Report) -> tuple[str | None, dict[str, int]]:
    """A passage's ending and its arrival effects, reporting tags that are neither."""
    endings, effects = [], {}
    for tag in p.tags:
        ending, effect = _ENDING_TAG.fullmatch(tag), _EFFECT_TAG.fullmatch(tag)
        if ending:
            endings.append(ending.group(1))
        elif effect and effect.group(1) in COMPETENCIES and not _in_range(effect.group(2)):
            # told here, at the passage whose tag it is, not at every link arriving there
            shown = tag if len(tag) <= 40 else tag[:40] + "…"
            report.add(report.node(p.name), _(
                "Tag %(tag)s: an effect must lie between %(low)s and %(high)s.",
                tag=named(shown), low=EFFECT_MIN, high=EFFECT_MAX), "effect_range")
        elif effect and effect.group(1) in COMPETENCIES:
            name = effect.group(1)
            effects[name] = effects.get(name, 0) + int(effect.group(2))
        elif effect:
            report.add(report.node(p.name), _(
                "tag %(tag)s: %(name)s is not a competency; the competencies are %(known)s",
                tag=named(tag), name=named(effect.group(1)), known=known_competencies()),
                "unknown_competency")
        elif tag not in _LAYOUT_TAGS:
            report.add(report.node(p.name), _(
                "unknown tag %(tag)s (a tag is an ending such as ending:success, or an effect "
                "such as communication+2)", tag=named(tag)), "unknown_tag")
    if len(endings) > 1:
        report.add(report.node(p.name), _("more than one ending tag"), "ending_tags")
    return (endings[0] if endings else None), effects


def _in_range(amount: str) -> bool:
    """A signed amount as written in a tag (any length) within EFFECT_MIN..EFFECT_MAX."""
    return len(amount) <= 4 and EFFECT_MIN <= int(amount) <= EFFECT_MAX


def _node(p: _Passage, ending: str | None, arrivals: dict[str, dict[str, int]],
          report: Report) -> Node:
    links = _links(p.text)
    keys = _choice_keys([target for _label, target, _at in links])
    for position, (_label, _target, at) in enumerate(links):
        report.choice_lines[(p.name, position)] = p.body_line + p.text.count("\n", 0, at)
    choices = tuple(
        Choice(key, label, target, dict(arrivals.get(target, {})), "")
        for key, (label, target, _at) in zip(keys, links, strict=True)
    )
    return Node(p.name, _tidy(_LINK.sub("", p.text)), choices, ending)


def _links(text: str) -> list[tuple[str, str, int]]:
    """(label, target, offset) of each internal link, with Twine 2's rules for every link
    form."""
    links = []
    for match in _LINK.finditer(text):
        label, target = _split_link(match.group(1).split("][", 1)[0])  # drop a setter
        if target and not _EXTERNAL.match(target):
            links.append((label, target, match.start()))
    return links


def _split_link(inner: str) -> tuple[str, str]:
    """[[text->target]] (rightmost ->), [[target<-text]] (leftmost <-), [[text|target]]."""
    if "->" in inner:
        label, _, target = inner.rpartition("->")
    elif "<-" in inner:
        target, _, label = inner.partition("<-")
    elif "|" in inner:
        label, _, target = inner.rpartition("|")
    else:
        label = target = inner
    return label.strip() or target.strip(), target.strip()


def _choice_keys(targets: list[str]) -> list[str]:
    """An ASCII slug of each target, `c<n>` when none, made unique within the passage."""
    keys: list[str] = []
    for number, target in enumerate(targets, 1):
        base = _slugify(target) or f"c{number}"
        key, n = base, 2
        while key in keys:
            key, n = f"{base}-{n}", n + 1
        keys.append(key)
    return keys


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _tidy(text: str) -> str:
    """Passage text once links are gone: no trailing spaces, at most one blank line."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
