"""Question bank use cases: save, edit, retire, import and export. Flush, never commit."""

import hashlib
import json
import math
from dataclasses import replace
from pathlib import PurePath

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import escape

from trainer import signals
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.markup import render_inline, render_markdown
from trainer.org.scope import district_id_of, street_id_of
from trainer.quizzes.gift import dump_gift, parse_gift
from trainer.quizzes.items import (
    COMPETENCIES,
    KEYS,
    LATER_DEFAULTS,
    ImportProblem,
    QuestionData,
    from_dict,
    merge_details,
    to_dict,
)
from trainer.quizzes.models import Question, QuestionBank
from trainer.quizzes.parse_messages import message as gettext
from trainer.quizzes.sheets import (
    TYPE_NAMES,
    answer_text,
    dump_xlsx,
    parse_csv,
    parse_xlsx,
    read_row,
)
from trainer.sheet_reading import nul_problem

BODY_FIELDS = ("options", "truth", "accepted", "numeric", "partial", "feedback_true",
               "feedback_false", "accepted_feedback", "feedback_other", "markup",
               "accepted_credit", "idnumber")
FORMATS = {".gift": "gift", ".txt": "gift", ".xlsx": "xlsx", ".csv": "csv"}


def question_data(question: Question) -> QuestionData:
    """The stored question as QuestionData (what grading and the exporters use)."""
    return from_dict({**question.body, "type": question.type, "stem": question.stem,
                      "explanation": question.explanation, "title": question.title,
                      "category": question.category, "difficulty": question.difficulty,
                      "competencies": question.competencies, "tags": question.tags,
                      "points": question.points})


def content_hash(data: QuestionData) -> str:
    fields = {name: value for name, value in to_dict(data).items()
              if LATER_DEFAULTS.get(name, object()) != value}
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def plain_html(text: str, *, inline: bool = False) -> str:
    """Plain text as HTML: escaped, paragraphs at blank lines, line breaks kept."""
    paragraphs = [str(escape(part.strip("\n"))).replace("\n", "<br>")
                  for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    if inline and len(paragraphs) == 1:
        return paragraphs[0]
    return "".join(f"<p>{part}</p>" for part in paragraphs)


def _render(data: QuestionData) -> tuple[str, list[str], str]:
    """The HTML of the stem, the options and the explanation, as the markup says."""
    if data.markup == "plain":
        return (plain_html(data.stem), [plain_html(o.text, inline=True) for o in data.options],
                plain_html(data.explanation))
    return (render_markdown(data.stem), [render_inline(o.text) for o in data.options],
            render_markdown(data.explanation))


def apply_data(question: Question, data: QuestionData) -> bool:
    """Write ``data`` into ``question`` (HTML rendered once, here); False when unchanged."""
    digest = content_hash(data)
    if question.content_hash == digest:
        return False
    fields = to_dict(data)
    question.type, question.stem, question.title = data.type, data.stem, data.title[:120]
    question.body = {name: fields[name] for name in BODY_FIELDS}
    question.explanation, question.category = data.explanation, data.category[:120]
    question.difficulty, question.points = data.difficulty, data.points
    question.competencies, question.tags = list(data.competencies), list(data.tags)
    question.stem_html, question.options_html, question.explanation_html = _render(data)
    if question.content_hash:
        question.version = (question.version or 1) + 1
    question.content_hash = digest
    return True


def question_label(question: Question) -> str:
    """How the audit log names a question: its title, else the start of its stem."""
    text = question.title or question.stem or ""
    return text if len(text) <= 60 else text[:59] + "…"


def ensure_bank(name: str) -> QuestionBank:
    """The bank called ``name``, created when missing."""
    name = " ".join(name.split())[:120] or _("Default bank")
    bank = db.session.scalar(sa.select(QuestionBank).where(QuestionBank.name == name))
    if bank is None:
        bank = QuestionBank(name=name)
        db.session.add(bank)
        db.session.flush()
    return bank


def announce_questions(*ids: int) -> None:
    """Tell search that these questions changed (their explanations are searchable)."""
    signals.content_changed.send("questions", ids=list(ids))


def create_question(data: QuestionData, bank: QuestionBank, *, department_id: int | None,
                    author=None, source: str = "web", source_key: str = "") -> Question:
    """Store a new active question in ``bank``."""
    question = Question(bank=bank, department_id=department_id, source=source,
                        source_key=source_key[:120], content_hash="",
                        street_id=street_id_of(author) if author is not None else None,
                        district_id=district_id_of(author) if author is not None else None,
                        created_by_id=author.id if author is not None else None)
    apply_data(question, data)
    db.session.add(question)
    db.session.flush()
    announce_questions(question.id)
    return question


def update_question(question: Question, data: QuestionData) -> bool:
    """Edit in place (attempts keep their own snapshot); True when something changed."""
    changed = apply_data(question, data)
    db.session.flush()
    announce_questions(question.id)
    return changed


def set_question_status(question: Question, active: bool) -> None:
    """Retire a question (no new attempt draws it) or bring it back."""
    question.status = "active" if active else "retired"
    db.session.flush()
    announce_questions(question.id)


def parse_upload(filename: str, data: bytes) -> tuple[list[QuestionData], list[ImportProblem]]:
    """Questions and problems of an uploaded GIFT, .xlsx or .csv file."""
    kind = FORMATS.get(PurePath(filename or "").suffix.lower())
    if kind is None:
        return [], [ImportProblem(1, "", gettext(
            "Only .gift, .txt, .xlsx or .csv files can be imported."))]
    if kind == "xlsx":
        return parse_xlsx(data)
    if kind == "csv":
        return parse_csv(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [], [ImportProblem(line, "", gettext(
            "The file is not UTF-8 encoded: save it as UTF-8 and import it again."))]
    if (problem := nul_problem(text)) is not None:  # found here, not when storing it
        return [], [ImportProblem(problem.row, "", str(problem))]
    return parse_gift(text)


def import_questions(questions: list[QuestionData], bank_name: str, *,
                     department_id: int | None, author=None,
                     created: list[int] | None = None) -> tuple[int, int]:
    """Store parsed questions in a bank: (added, skipped as already in that bank); the ids
    of the new questions are appended to ``created`` when given."""
    bank = ensure_bank(bank_name)
    known = set(db.session.scalars(sa.select(Question.content_hash)
                                   .where(Question.bank_id == bank.id)))
    added = 0
    for data in questions:
        digest = content_hash(data)
        if digest in known:
            continue
        question = create_question(data, bank, department_id=department_id, author=author,
                                   source="import")
        if created is not None:
            created.append(question.id)
        known.add(digest)
        added += 1
    return added, len(questions) - added


def export_questions(questions: list[Question], fmt: str) -> tuple[bytes, str, str]:
    """The questions as (bytes, mimetype, file extension): "xlsx", or GIFT as "txt" (Moodle's
    import picker expects a .txt file for GIFT)."""
    items = [question_data(question) for question in questions]
    if fmt == "xlsx":
        return (dump_xlsx(items),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    if fmt == "gift":
        try:
            text = dump_gift(items)
        except ValueError as exc:
            raise Invalid(_("This selection cannot be written as GIFT: %(why)s",
                            why=str(exc))) from exc
        return text.encode("utf-8"), "text/plain; charset=utf-8", "txt"
    raise Invalid(_("Unknown export format."), field="format")


def question_from_fields(fields: dict, old: QuestionData | None = None) -> QuestionData:
    """A question from the web form's fields (the spreadsheet template's columns plus
    partial, points, tags; a missing field counts as empty); on an edit, details the form
    lacks are kept from ``old``."""
    def text(name: str) -> str:
        return str(fields.get(name) or "")

    competencies = [c for c in fields.get("competencies") or [] if c in COMPETENCIES]
    cells = {"题型": TYPE_NAMES.get(text("type"), text("type")), "题干": text("stem"),
             "答案": text("answer"), "解析": text("explanation"),
             "难度": text("difficulty") or "3", "分类": text("category"),
             "能力": ",".join(dict.fromkeys(competencies)),
             "格式": "Markdown"}  # the form's texts are Markdown (its labels say so)
    cells |= {f"选项{key}": option or "" for key, option in zip(
        KEYS, fields.get("options") or [], strict=False)}
    try:
        data = read_row(cells)
    except ValueError as exc:
        raise Invalid(str(exc), field="answer") from exc
    tags = [t.strip() for t in text("tags").replace("，", ",").split(",") if t.strip()]
    try:
        points = float(fields.get("points") or 1)
    except (TypeError, ValueError):  # e.g. Decimal("sNaN")
        points = math.nan
    if not math.isfinite(points) or points <= 0:
        raise Invalid(_("Points must be a positive number."), field="points")
    stem = text("stem").replace("\r\n", "\n").replace("\r", "\n").strip()
    data = replace(data, stem=stem, tags=list(dict.fromkeys(tags)), points=points,
                   partial=data.type == "multiple" and bool(fields.get("partial")))
    return merge_details(old, data) if old is not None else data


def form_fields(data: QuestionData) -> dict:
    """The web form's initial values for a stored question."""
    return {"type": data.type, "stem": data.stem, "answer": answer_text(data),
            "explanation": data.explanation, "difficulty": str(data.difficulty),
            "category": data.category, "competencies": list(data.competencies),
            "tags": ", ".join(data.tags), "points": data.points, "partial": data.partial,
            **{f"option_{o.key.lower()}": o.text for o in data.options}}
