"""The guide's content format: `guide/<department-code>.yml`, a list of entries.

Reading is pure apart from gettext (problems are shown to Chinese-speaking authors, so they
are translated; call it inside an app context). Every problem names the file, the entry
(its key, or its number when the key is unreadable) and the field. The web editor checks a
submitted entry with the same ``entry_problems``.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml
from flask_babel import gettext as _

from trainer.guide.catalogue import CONTACT_KINDS, HOTLINES
from trainer.learning.strict_yaml import strict_safe_load

TOP_FIELDS = {"version", "entries"}
FIELDS = {"key", "situation", "keywords", "hotlines", "laws", "contacts", "steps", "lessons",
          "scenarios"}
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
RESERVED_KEYS = {"contacts"}  # /guide/contacts is a page
LESSON_REF = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}/[^/\s]{1,120}$")
LIMITS = {"situation": 120, "steps": 4000, "keyword": 20, "law": 80}
MAX_ITEMS = 20
MAX_FILE_BYTES = 1_000_000


@dataclass
class EntrySpec:
    key: str
    department: str
    situation: str
    steps: str
    keywords: list[str] = field(default_factory=list)
    hotlines: list[str] = field(default_factory=list)
    laws: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    position: int = 0

    @property
    def content_hash(self) -> str:
        """SHA-256 of what the entry says (its place in the file included)."""
        text = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class References:
    """What related lessons ("course/file") and scenarios (slugs) may name; None: unchecked."""

    lessons: set[str] | None = None
    scenarios: set[str] | None = None


def _texts(value) -> list[str] | None:
    """A list of texts (numbers allowed: YAML reads 110 as one), or None if not a list."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(
            isinstance(x, str | int) and not isinstance(x, bool) for x in value):
        return None
    return [str(x).strip() for x in value]


def entry_problems(data: dict, refs: References) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with one entry's fields."""
    out = [(name, _("unknown field")) for name in sorted(set(data) - FIELDS, key=str)]
    for name in ("situation", "steps"):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            out.append((name, _("required text")))
        elif len(value.strip()) > LIMITS[name]:
            out.append((name, _("longer than %(n)s characters", n=LIMITS[name])))
    for name, check in _LIST_CHECKS.items():
        items = _texts(data.get(name))
        if items is None:
            out.append((name, _("must be a list")))
        elif len(items) > MAX_ITEMS:
            out.append((name, _("more than %(n)s items", n=MAX_ITEMS)))
        elif len(set(items)) != len(items):
            out.append((name, _("an item is listed twice")))
        else:
            out += [(name, message) for item in items if (message := check(item, refs))]
    return out


def _keyword(item: str, refs: References) -> str | None:
    if not item or len(item) > LIMITS["keyword"]:
        return _("“%(item)s”: a keyword is 1 to %(n)s characters", item=item[:30],
                 n=LIMITS["keyword"])
    return None


def _hotline(item: str, refs: References) -> str | None:
    if item not in HOTLINES():
        return _("“%(item)s” is not one of the national hotlines: %(known)s", item=item,
                 known="、".join(HOTLINES()))
    return None


def _law(item: str, refs: References) -> str | None:
    if not item or len(item) > LIMITS["law"] or "《" in item or "》" in item:
        return _("“%(item)s”: write the law's name without 《》, up to %(n)s characters",
                 item=item[:30], n=LIMITS["law"])
    return None


def _contact(item: str, refs: References) -> str | None:
    if item not in CONTACT_KINDS():
        return _("“%(item)s” is not a kind of local contact: %(known)s", item=item,
                 known="、".join(CONTACT_KINDS()))
    return None


def _lesson(item: str, refs: References) -> str | None:
    if not LESSON_REF.match(item):
        return _("“%(item)s”: write a lesson as course-slug/lesson-file", item=item[:60])
    if refs.lessons is not None and item not in refs.lessons:
        return _("unknown lesson “%(item)s”", item=item)
    return None


def _scenario(item: str, refs: References) -> str | None:
    if refs.scenarios is not None and item not in refs.scenarios:
        return _("unknown scenario “%(item)s”", item=item[:80])
    return None


_LIST_CHECKS = {"keywords": _keyword, "hotlines": _hotline, "laws": _law,
                "contacts": _contact, "lessons": _lesson, "scenarios": _scenario}


def to_spec(data: dict, department: str, position: int) -> EntrySpec:
    """An EntrySpec from fields that ``entry_problems`` found nothing wrong with."""
    lists = {name: _texts(data.get(name)) for name in _LIST_CHECKS}
    return EntrySpec(key=data["key"], department=department, position=position,
                     situation=data["situation"].strip(), steps=data["steps"].strip(),
                     **lists)


def where(file: str, entry: str | None, name: str | None = None) -> str:
    """The "file: entry: field" prefix of a problem line (without entry: a file's field)."""
    parts = [file, _("entry %(key)s", key=entry)] if entry else [file]
    if name:
        parts.append(_("field “%(name)s”", name=name))
    return ": ".join(parts)


def read_guide_file(path: Path, departments: set[str],
                    refs: References) -> tuple[list[EntrySpec], list[str]]:
    """Read one department's file: (its entries, []) when valid, else ([], problems)."""
    name = path.name
    problems: list[str] = []
    if path.stem not in departments:
        problems.append(f"{name}: " + _("the file name must be a department code: %(known)s",
                                         known="、".join(sorted(departments))))
    data = _load(path, problems)
    if data is None:
        return [], problems
    problems += [f"{where(name, None, str(key))}: " + _("unknown field")
                 for key in sorted(set(data) - TOP_FIELDS, key=str)]
    if data.get("version") != 1:
        problems.append(f"{where(name, None, 'version')}: " + _("must be 1"))
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{where(name, None, 'entries')}: " + _("must be a non-empty list"))
        return [], problems
    specs = [_read_entry(item, n, path, refs, problems) for n, item in enumerate(entries, 1)]
    return ([] if problems else [s for s in specs if s is not None]), problems


def _read_entry(item, n: int, path: Path, refs: References,
                problems: list[str]) -> EntrySpec | None:
    if not isinstance(item, dict):
        problems.append(where(path.name, f"#{n}") + ": " + _("must be a mapping of fields"))
        return None
    key = item.get("key")
    label = key if isinstance(key, str) and key else f"#{n}"
    found = entry_problems(item, refs)
    if not isinstance(key, str) or not KEY.match(key) or key in RESERVED_KEYS:
        found.insert(0, ("key", _("required: lowercase letters, digits and hyphens, 2 to 80 "
                                  "characters, not “contacts”")))
    problems += [f"{where(path.name, label, field_name)}: {message}"
                 for field_name, message in found]
    return None if found else to_spec(item, path.stem, n)


def _load(path: Path, problems: list[str]) -> dict | None:
    name = path.name
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.append(f"{name}: " + _("file larger than %(n)s KB", n=MAX_FILE_BYTES // 1000))
        return None
    try:
        data = strict_safe_load(path.read_text("utf-8-sig"))
    except UnicodeDecodeError:
        problems.append(f"{name}: " + _("not UTF-8 text"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = _("line %(n)s: ", n=mark.line + 1) if mark else ""
        problems.append(f"{name}: {line}" + _("invalid YAML (%(why)s)",
                                              why=getattr(exc, "problem", exc)))
        return None
    if not isinstance(data, dict):
        problems.append(f"{name}: " + _("must be a mapping of fields"))
        return None
    return data


def read_guide_folder(folder: Path, departments: set[str],
                      refs: References) -> tuple[list[EntrySpec], list[str]]:
    """Every `.yml`/`.yaml` file of ``folder``: the entries of the valid files, and one line
    per problem. A key used again (in the same file or a later one) is a problem of the file
    that uses it again, which then loads nothing."""
    specs: list[EntrySpec] = []
    problems: list[str] = []
    files = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() in (".yml", ".yaml"))
    by_file = {path.name: read_guide_file(path, departments, refs) for path in files}
    seen: dict[str, str] = {}
    for name, (file_specs, file_problems) in by_file.items():
        for spec in file_specs:
            if spec.key in seen:
                file_problems.append(f"{where(name, spec.key, 'key')}: " + _(
                    "the key is already used in %(file)s", file=seen[spec.key]))
            seen.setdefault(spec.key, name)
        problems += file_problems
        if not file_problems:
            specs += file_specs
    return specs, problems
