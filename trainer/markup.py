"""The one place where author Markdown becomes sanitised HTML (run once, when saved).

Python-Markdown with pymdown-extensions, plus a small normaliser for what authors write
and expect from other editors: nested lists indented by 2 or 3 spaces (Python-Markdown
wants 4), and a list or table right under a line of text (it wants a blank line). A
Weibo-style hashtag (``#网格员风采#``) or ``#标题`` without a space stays text
(``pymdownx.saneheaders``); a fenced code block inside a list item keeps the list
(``pymdownx.superfences``)."""

import re
from urllib.parse import urlsplit

import markdown
import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "code": {"class"},
    "span": {"class"},
    "div": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTENSIONS = ["tables", "sane_lists", "nl2br", "pymdownx.saneheaders", "pymdownx.highlight",
              "pymdownx.superfences"]
EXTENSION_CONFIGS = {"pymdownx.highlight": {"use_pygments": False}}

_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)(.*)$")
_FENCE = re.compile(r"^( *)(`{3,}|~{3,})")
_TABLE_RULE = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$"
                         r"|^ {0,3}\|\s*:?-+:?\s*\|\s*$")
_IMG = re.compile(r"<img\b[^>]*>")


def render_markdown(text: str) -> str:
    """Markdown (tables, fenced code, lists, images) to HTML cleaned by an allow-list."""
    html = markdown.markdown(normalise(text or ""), extensions=EXTENSIONS,
                             extension_configs=EXTENSION_CONFIGS, output_format="html")
    return sanitize_html(html)


def _local_url(value: str) -> bool:
    """A URL on this site: a path, absolute or relative, never another host or a scheme."""
    parts = urlsplit(value.strip())
    return not parts.scheme and not parts.netloc and not value.strip().startswith("//")


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _local_url(value):
        return None  # an external image is a request to another host: dropped
    if tag == "img" and attribute in ("width", "height") and not value.isdigit():
        return None
    if tag == "img" and attribute == "loading" and value not in ("lazy", "eager"):
        return None
    if tag == "ol" and attribute == "start" and not value.isdigit():
        return None
    return value


def sanitize_html(html: str) -> str:
    """Allow-list sanitising: no scripts, handlers, styles, javascript: or data: URLs, and
    images only from this site (an image whose source is elsewhere is removed)."""
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return _IMG.sub(lambda m: m.group(0) if ' src="' in m.group(0) else "", clean)


def render_inline(text: str) -> str:
    """Short Markdown (a question stem, a choice) without the wrapping paragraph."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def normalise(text: str) -> str:
    """Markdown as authors write it, rewritten to what Python-Markdown reads the same way:
    list nesting by 2 or 3 spaces becomes 4 per level (with the item's continuation lines
    and fenced blocks), and a blank line goes before a list or table that follows text."""
    lines = text.replace("\r\n", "\n").replace("\t", "    ").split("\n")
    out: list[str] = []
    stack: list[tuple[int, int, int]] = []  # (marker indent, content indent, depth)
    fence: tuple[str, int, int] | None = None  # (marker, source indent, output indent)
    previous = ""  # the last source line that was not blank
    for index, line in enumerate(lines):
        if fence is not None:
            out.append(_shift(line, fence[1], fence[2]))
            if line.strip().startswith(fence[0]) and not line.strip().strip(fence[0][0]):
                fence = None
            continue
        if not line.strip():
            out.append("")
            previous = ""
            continue
        indent = len(line) - len(line.lstrip(" "))
        item = _ITEM.match(line)
        if item and (stack or indent < 4) and not _is_rule(line):
            in_list = bool(stack)
            while stack and indent < stack[-1][0] + 2:
                stack.pop()
            depth = stack[-1][2] + 1 if stack else 0
            if not in_list and previous and not _ITEM.match(previous):
                out.append("")  # a list right under a line of text
            marker = item.group(2)
            out.append(" " * (4 * depth) + marker + " " + item.group(4))
            content = indent + len(marker) + len(item.group(3) or " ")
            stack.append((indent, content, depth))
            new_fence = _FENCE.match(line[content:]) if len(line) > content else None
            if new_fence:
                fence = (new_fence.group(2), content, 4 * depth + len(marker) + 1)
        else:
            if not previous and indent == 0:
                stack.clear()  # text after a blank line ends the list
            while stack and indent < stack[-1][0] + 2 and previous == "":
                stack.pop()
            opened = _FENCE.match(line)
            if stack and indent >= stack[-1][0] + 2 and (previous == "" or opened):
                # a new block inside the item (after a blank line, or a fence): moved
                # under it; a line right under text continues that text where it is
                target = 4 * (stack[-1][2] + 1) + max(0, indent - stack[-1][1])
                out.append(" " * target + line.lstrip(" "))
                if opened:
                    fence = (opened.group(2), indent, target)
            else:
                if not stack and previous and _is_table_start(lines, index) \
                        and "|" not in previous:
                    out.append("")  # a table right under a line of text
                out.append(line)
                if opened and not stack:
                    fence = (opened.group(2), indent, indent)
        previous = line
    return "\n".join(out)


def _shift(line: str, source: int, target: int) -> str:
    """A fenced block's line moved from one indent to another (its own indent kept)."""
    if not line.strip():
        return ""
    own = len(line) - len(line.lstrip(" "))
    return " " * (target + max(0, own - source)) + line.lstrip(" ")


def _is_rule(line: str) -> bool:
    """A thematic break (``- - -``, ``* * *``), which looks like a list item."""
    compact = line.replace(" ", "")
    return len(compact) >= 3 and len(set(compact)) == 1 and compact[0] in "-*_"


def _is_table_start(lines: list[str], index: int) -> bool:
    return ("|" in lines[index] and index + 1 < len(lines)
            and bool(_TABLE_RULE.match(lines[index + 1])))
