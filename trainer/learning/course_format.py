"""Read a course folder (`courses/<slug>/`) into a CourseSpec. Pure: no Flask, no database.

Every problem is one line naming the file and the field or line at fault; a folder with
any problem yields no spec, so nothing of it is ever half-loaded.

Beyond DESIGN.md's keys, course.yml takes two optional ones, written by `flask content
export` so a round trip is lossless: `status: draft` (absent: published, as loading
publishes) and `street: CODE` (a street's private course; absent: district-wide).
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from trainer.learning.images import (
    IMAGE_SUFFIXES,
    MAX_IMAGE_BYTES,
    REFUSED_SUFFIXES,
    image_problem,
    lesson_image_problems,
)
from trainer.learning.strict_yaml import strict_safe_load
from trainer.quizzes.gift import parse_gift
from trainer.quizzes.items import QuestionData
from trainer.quizzes.parse_messages import message as _
from trainer.quizzes.sheets import parse_csv, parse_xlsx

COMPETENCIES = ("communication", "coordination", "mediation", "information", "public_opinion")
FIELDS = {"version", "title", "department", "lecturer", "summary", "competencies", "hours",
          "lessons", "quiz", "status", "street"}
# Longest texts the database columns hold (and the authoring form allows).
MAX_CHARS = {"title": 120, "lecturer": 120, "summary": 2000}
MAX_NAME = 120
QUIZ_FIELDS = {"questions", "pick", "time_limit", "pass_percent", "attempts"}
MAX_FILE_BYTES = 1_000_000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")
HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass
class LessonSpec:
    filename: str
    title: str
    body_md: str


@dataclass
class CourseSpec:
    slug: str
    title: str
    department: str
    lecturer: str
    summary: str
    competencies: list[str]
    hours: float
    lessons: list[LessonSpec]
    assets: dict[str, bytes] = field(default_factory=dict)
    quiz: dict | None = None
    questions: list[QuestionData] = field(default_factory=list)
    question_file: bytes = b""
    content_hash: str = ""
    status: str = "published"
    street: str | None = None


def spec_digest(spec: CourseSpec) -> str:
    """SHA-256 of what a course means, not how its files are written: a course exported
    and loaded back has the digest of the course it came from."""
    meta = {name: getattr(spec, name) for name in (
        "title", "department", "lecturer", "summary", "competencies", "status", "street")}
    meta.update(hours=float(spec.hours), quiz=spec.quiz,
                lessons=[[item.filename, item.body_md] for item in spec.lessons])
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True, ensure_ascii=False).encode())
    for name in sorted(spec.assets):
        digest.update(name.encode() + b"\0" + hashlib.sha256(spec.assets[name]).digest())
    digest.update(b"questions\0" + hashlib.sha256(spec.question_file).digest())
    return digest.hexdigest()


def folder_hash(folder: Path) -> str:
    """SHA-256 over every file's relative name and bytes: equal hash, equal content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def lesson_title(markdown_text: str, fallback: str) -> str:
    match = HEADING.search(markdown_text)
    return match.group(1).strip()[:120] if match else fallback


def _read_text(path: Path, where: str, problems: list[str]) -> str | None:
    if not path.is_file():
        problems.append(_("%(where)s: file not found", where=where))
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.append(_("%(where)s: file larger than %(limit)s KB", where=where,
                                limit=MAX_FILE_BYTES // 1000))
        return None
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        problems.append(_("%(where)s: not UTF-8 text", where=where))
        return None


def _load_yaml(path: Path, name: str, problems: list[str]) -> dict | None:
    text = _read_text(path, name, problems)
    if text is None:
        return None
    try:
        data = strict_safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", exc)
        problems.append(_("%(where)s: line %(line)s: invalid YAML (%(detail)s)",
                                where=name, line=mark.line + 1, detail=detail) if mark
                        else _("%(where)s: invalid YAML (%(detail)s)", where=name,
                                     detail=detail))
        return None
    if not isinstance(data, dict):
        problems.append(_("%(where)s: must be a mapping of fields", where=name))
        return None
    return data


def _check_fields(data: dict, name: str, departments: set[str] | None,
                  streets: set[str] | None, out: list[str]) -> None:
    for key in sorted(set(data) - FIELDS, key=str):
        out.append(_("%(where)s: field '%(field)s': unknown field", where=name, field=key))
    if data.get("version") != 1:
        out.append(_("%(where)s: field 'version': must be 1", where=name))
    _check_texts(data, name, out)
    dept = data.get("department")
    if isinstance(dept, str) and departments is not None and dept not in departments:
        out.append(_("%(where)s: field 'department': unknown department '%(value)s'",
                           where=name, value=dept))
    comps = data.get("competencies", [])
    if not isinstance(comps, list):
        out.append(_("%(where)s: field 'competencies': must be a list", where=name))
    else:
        out += [_("%(where)s: field 'competencies': unknown competency '%(value)s'",
                        where=name, value=c)
                for c in comps if not isinstance(c, str) or c not in COMPETENCIES]
    hours = data.get("hours", 0)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 <= hours <= 100:
        out.append(_("%(where)s: field 'hours': must be a number from 0 to 100",
                           where=name))
    if data.get("status", "published") not in ("draft", "published"):
        out.append(_("%(where)s: field 'status': must be draft or published", where=name))
    street = data.get("street")
    if street is not None and (not isinstance(street, str) or (
            streets is not None and street not in streets)):
        out.append(_("%(where)s: field 'street': unknown street '%(value)s'", where=name,
                           value=street))
    _check_lesson_list(data.get("lessons"), name, out)


def _check_texts(data: dict, name: str, out: list[str]) -> None:
    for key in ("title", "department"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            out.append(_("%(where)s: field '%(field)s': required text", where=name,
                               field=key))
    for key in ("lecturer", "summary"):
        if data.get(key) is not None and not isinstance(data[key], str):
            out.append(_("%(where)s: field '%(field)s': must be text", where=name,
                               field=key))
    for key, limit in MAX_CHARS.items():
        value = data.get(key)
        if isinstance(value, str) and len(value.strip()) > limit:
            out.append(_("%(where)s: field '%(field)s': longer than %(limit)s characters",
                               where=name, field=key, limit=limit))


def _check_lesson_list(lessons, name: str, out: list[str]) -> None:
    if not isinstance(lessons, list) or not lessons or not all(
            isinstance(x, str) for x in lessons):
        out.append(_("%(where)s: field 'lessons': must be a non-empty list of file names",
                           where=name))
    elif len(set(lessons)) != len(lessons):
        out.append(_("%(where)s: field 'lessons': a file is listed twice", where=name))
    else:
        out += [_("%(where)s: field 'lessons': '%(value)s...' is a name longer than "
                        "%(limit)s characters", where=name, value=x[:40], limit=MAX_NAME)
                for x in lessons if len(x) > MAX_NAME]


def _check_quiz(quiz, name: str, out: list[str]) -> None:
    if not isinstance(quiz, dict):
        out.append(_("%(where)s: field 'quiz': must be a mapping", where=name))
        return
    for key in sorted(set(quiz) - QUIZ_FIELDS):
        out.append(_("%(where)s: field '%(field)s': unknown field", where=name,
                           field=f"quiz.{key}"))
    if not isinstance(quiz.get("questions"), str):
        out.append(_("%(where)s: field 'quiz.questions': required file name", where=name))
    elif len(quiz["questions"]) > MAX_NAME:
        out.append(_("%(where)s: field 'quiz.questions': a name longer than %(limit)s "
                           "characters", where=name, limit=MAX_NAME))
    limits = {"pick": (1, 500), "time_limit": (1, 600), "pass_percent": (0, 100),
              "attempts": (1, 100)}
    for key, (low, high) in limits.items():
        value = quiz.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not low <= value <= high):
            out.append(_("%(where)s: field '%(field)s': must be a whole number from %(low)s "
                               "to %(high)s", where=name, field=f"quiz.{key}", low=low,
                               high=high))


def _safe_name(folder: Path, name: str) -> Path | None:
    path = (folder / name).resolve()
    return path if path.parent == folder.resolve() else None


def _read_questions(folder: Path, slug: str, quiz: dict, out: list[str]):
    name = quiz["questions"]
    where = f"{slug}/{name}"
    path = _safe_name(folder, name)
    if path is None or not path.is_file():
        out.append(_("%(where)s: file not found", where=where))
        return []
    if path.stat().st_size > MAX_FILE_BYTES:
        out.append(_("%(where)s: file larger than %(limit)s KB", where=where,
                           limit=MAX_FILE_BYTES // 1000))
        return []
    suffix = path.suffix.lower()
    if suffix == ".gift":
        text = _read_text(path, where, out)
        questions, problems = parse_gift(text) if text is not None else ([], [])
    elif suffix in (".csv", ".xlsx"):
        parse = parse_csv if suffix == ".csv" else parse_xlsx
        questions, problems = parse(path.read_bytes())
    else:
        out.append(_("%(where)s: question files are .gift, .xlsx or .csv", where=where))
        return []
    unit = (_("%(where)s: row %(line)s: %(problem)s (%(start)s)") if suffix != ".gift"
            else _("%(where)s: line %(line)s: %(problem)s (%(start)s)"))
    out += [unit % {"where": where, "line": p.line, "problem": p.message, "start": p.start}
            for p in problems]
    if not questions and not problems:
        out.append(_("%(where)s: no questions", where=where))
    pick = quiz.get("pick")
    if isinstance(pick, int) and questions and pick > len(questions):
        out.append(_("%(where)s: field 'quiz.pick': %(pick)s is more than the %(count)s "
                           "questions", where=f"{slug}/course.yml", pick=pick,
                           count=len(questions)))
    return questions


def _read_lessons(folder: Path, slug: str, names: list[str], out: list[str]):
    lessons = []
    for name in names:
        path = _safe_name(folder, name)
        if path is None or path.suffix.lower() != ".md":
            out.append(_("%(where)s: field 'lessons': '%(value)s' must be a .md file in "
                               "the course folder", where=f"{slug}/course.yml", value=name))
            continue
        text = _read_text(path, f"{slug}/{name}", out)
        if text is not None:
            lessons.append(LessonSpec(name, lesson_title(text, Path(name).stem), text))
    return lessons


def _read_assets(folder: Path, slug: str, out: list[str]) -> dict[str, bytes]:
    """The images of the course folder and of its sub-folders (``images/...``), by their
    path relative to the folder; each one checked by its bytes and size."""
    assets = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        suffix = path.suffix.lower()
        if not path.is_file() or name.startswith(".") or "/." in name or (
                suffix not in IMAGE_SUFFIXES and suffix not in REFUSED_SUFFIXES):
            continue
        size = path.stat().st_size
        with path.open("rb") as handle:  # a huge file is refused without reading it all
            data = handle.read(MAX_IMAGE_BYTES + 1)
        problem = image_problem(name, data, size)
        if problem:
            out.append(_("%(where)s: %(problem)s", where=f"{slug}/{name}", problem=problem))
        else:
            assets[name] = data
    return assets


def _check_images(slug: str, lessons: list[LessonSpec], names: set[str],
                  out: list[str]) -> None:
    for lesson in lessons:
        out += [_("%(where)s: %(problem)s", where=f"{slug}/{lesson.filename}", problem=p)
                for p in lesson_image_problems(lesson.body_md, names)]


def read_course_folder(folder: Path, departments: set[str] | None = None,
                       streets: set[str] | None = None):
    """(CourseSpec, []) for a valid folder, else (None, problems): every problem found,
    the lesson and question files checked even when course.yml has field errors."""
    slug = folder.name
    problems: list[str] = []
    if not SLUG.match(slug):
        problems.append(_("%(where)s: folder name must be a slug (a-z, 0-9, hyphens)",
                                where=slug))
    data = _load_yaml(folder / "course.yml", f"{slug}/course.yml", problems)
    if data is None:
        return None, problems
    _check_fields(data, f"{slug}/course.yml", departments, streets, problems)
    quiz = data.get("quiz")
    if quiz is not None:
        _check_quiz(quiz, f"{slug}/course.yml", problems)
    names, lessons = data.get("lessons"), []
    if isinstance(names, list) and all(isinstance(x, str) for x in names):
        lessons = _read_lessons(folder, slug, list(dict.fromkeys(names)), problems)
    quiz_ok = isinstance(quiz, dict) and isinstance(quiz.get("questions"), str)
    questions = _read_questions(folder, slug, quiz, problems) if quiz_ok else []
    assets = _read_assets(folder, slug, problems)
    _check_images(slug, lessons, set(assets), problems)
    if problems:
        return None, problems
    spec = CourseSpec(
        slug=slug, title=data["title"].strip(), department=data["department"],
        lecturer=(data.get("lecturer") or "").strip(),
        summary=(data.get("summary") or "").strip(),
        competencies=list(data.get("competencies") or []), hours=float(data.get("hours", 0)),
        lessons=lessons, assets=assets, quiz=quiz, questions=questions,
        question_file=(folder / quiz["questions"]).read_bytes() if quiz else b"",
        content_hash=folder_hash(folder), status=data.get("status", "published"),
        street=data.get("street"),
    )
    return spec, []
