"""Course images: checked by their bytes, measured, and referred to from lesson Markdown.

Pure (no Flask, no database). A course image is PNG, JPEG or WebP, known by its magic
bytes (the file name's ending must agree), at most MAX_IMAGE_BYTES so that a lesson page
with its pictures stays inside the page budget of DESIGN.md. SVG is refused: it can
carry script."""

import hashlib
import re
import struct
from html import escape, unescape
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from trainer.quizzes.parse_messages import message as _

MAX_IMAGE_BYTES = 30_000
IMAGE_SUFFIXES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                  ".webp": "image/webp"}
REFUSED_SUFFIXES = {".svg", ".svgz", ".gif", ".bmp", ".tif", ".tiff", ".ico", ".avif"}
NAME = re.compile(r"^(?:[A-Za-z0-9_-]+/)?[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# ![alt](src "title") in Markdown; <img ...> written as HTML is found in the rendered page.
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_TAG = re.compile(r"<img\b([^>]*)>")
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ATTR = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def sniff(data: bytes) -> str | None:
    """The image type the bytes say, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def dimensions(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from the image header, or None when it cannot be read."""
    try:
        kind = sniff(data)
        if kind == "image/png" and data[12:16] == b"IHDR":
            return struct.unpack(">II", data[16:24])
        if kind == "image/jpeg":
            return _jpeg_size(data)
        if kind == "image/webp":
            return _webp_size(data)
    except (struct.error, IndexError):
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        index += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return (int.from_bytes(data[24:27], "little") + 1,
                int.from_bytes(data[27:30], "little") + 1)
    return None


def image_problem(name: str, data: bytes, size: int | None = None) -> str | None:
    """Why ``data`` cannot be a course image called ``name`` (in Chinese, for the
    load report and the editor), or None when it can."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        return _("images are PNG, JPEG or WebP files (no SVG or GIF)")
    if not NAME.match(name) or len(name) > 120:
        return _("an image name uses letters, digits, '-', '_' and '.', in the course "
                       "folder or one folder below it")
    size = len(data) if size is None else size
    if size > MAX_IMAGE_BYTES:
        return _("image of %(size)s KB is larger than %(limit)s KB (make it smaller so "
                       "that the lesson page stays light)", size=f"{size / 1000:.0f}",
                       limit=MAX_IMAGE_BYTES // 1000)
    kind = sniff(data)
    if kind is None:
        return _("not a PNG, JPEG or WebP image (its bytes say otherwise)")
    if kind != IMAGE_SUFFIXES[suffix]:
        return _("the file is %(kind)s but named %(suffix)s",
                       kind=kind.split("/")[1].upper(), suffix=suffix)
    if dimensions(data) is None:
        return _("the image size cannot be read (a damaged file?)")
    return None


def version(data: bytes) -> str:
    """A short content hash: the cache key of an image URL and its ETag."""
    return hashlib.sha256(data).hexdigest()[:16]


def _is_external(src: str) -> bool:
    parts = urlsplit(src)
    return bool(parts.scheme or parts.netloc or src.startswith("//"))


def asset_name(src: str) -> str:
    """The course-folder name a lesson's relative image source means."""
    return src[2:] if src.startswith("./") else src


def image_faults(body_md: str, names: set[str]) -> list[tuple[int, str, str]]:
    """Each Markdown image of a lesson that will not show as meant, as (line, source,
    fault): "no_alt", "external" (another site: never requested) or "missing"."""
    faults, fence = [], None
    for number, line in enumerate(body_md.splitlines(), start=1):
        opened = _FENCE.match(line)
        if opened and (fence is None or opened.group(1).startswith(fence)):
            fence = None if fence else opened.group(1)[:3]
            continue
        if fence:
            continue
        for alt, src in _html_images(line):  # HTML: the sanitiser handles the rest
            if asset_name(src) in names and not alt.strip():
                faults.append((number, src, "no_alt"))
        for alt, src in MARKDOWN_IMAGE.findall(line):
            if not alt.strip():
                faults.append((number, src, "no_alt"))
            if _is_external(src):
                faults.append((number, src, "external"))
            elif asset_name(src) not in names:
                faults.append((number, src, "missing"))
    return faults


def _html_images(line: str) -> list[tuple[str, str]]:
    """(alt, src) of each <img> an author wrote as HTML on the line."""
    found = []
    for tag in _HTML_IMAGE.findall(line):
        attrs = {m[0].lower(): m[1] or m[2] or m[3] for m in _HTML_ATTR.findall(tag)}
        found.append((unescape(attrs.get("alt", "")), unescape(attrs.get("src", ""))))
    return found


def N_(msgid: str) -> str:  # noqa: N802 - the gettext marker pybabel extracts
    """Mark a message for extraction; it is translated where it is shown."""
    return msgid


FAULTS = {"no_alt": N_("line %(line)s: image '%(src)s' has no alt text (write what it shows "
                       "between the brackets: ![...](...))"),
          "external": N_("line %(line)s: image '%(src)s' is not in the course folder (images "
                         "from other sites are not shown)"),
          "missing": N_("line %(line)s: image '%(src)s' not found in the course folder")}


def lesson_image_problems(body_md: str, names: set[str]) -> list[str]:
    """The faults of ``image_faults`` as lines of the load report."""
    return [_(FAULTS[fault], line=line, src=src)
            for line, src, fault in image_faults(body_md, names)]


def link_images(html: str, slug: str, assets: dict[str, bytes]) -> str:
    """Point the sanitised lesson HTML's relative images at the course's assets, with a
    content-hash version, their width and height, and lazy loading after the first."""
    count = 0

    def rewrite(match: re.Match) -> str:
        nonlocal count
        attrs = dict(_ATTR.findall(match.group(1)))
        name = asset_name(unescape(attrs.get("src", "")))
        data = assets.get(name)
        if data is not None:
            attrs["src"] = f"/courses/{slug}/assets/{quote(name)}?v={version(data)}"
            size = dimensions(data)
            if size:
                attrs["width"], attrs["height"] = str(size[0]), str(size[1])
        if count:
            attrs["loading"] = "lazy"
        count += 1
        order = ["src", "alt", "width", "height", "loading"]
        text = " ".join(f'{key}="{escape(unescape(attrs[key]))}"' for key in order
                        if key in attrs)
        return f"<img {text}>"

    return _TAG.sub(rewrite, html)
