"""A worker's training record for a year, assembled from the sections the domains
register (``trainer.records.sections``), and the annual export of every worker's record
in a scope. Keys no domain fills answer an empty list.
"""

from types import SimpleNamespace

from trainer.records.assessment import RATING_NAMES, rule_for, suggest
from trainer.records.figures import COMPETENCIES, assignment_figures, summarise
from trainer.records.rollup import rollup
from trainer.records.sections import sections
from trainer.spreadsheets import csv_bytes, workbook_bytes

# Display order; a registered key not listed here follows these.
KEYS = ("sessions", "courses", "attempts", "runs", "competitions", "honours")


def _gather(user, year: int) -> dict[str, list[dict]]:
    return {key: fn(user, year) for key, fn in sections.items()}


def build_record(user, year: int) -> dict:
    """The record of ``user`` for ``year``: each section, hours per section and in total,
    and ``summary``: the figures the assessment reads (quiz average of the best score per
    quiz, competency profile from runs and practice, practice days, assignments) with
    the rating the district's rule suggests."""
    found = _gather(user, year)
    record: dict = {"year": year, "username": user.username, "name": user.name}
    hours: dict[str, float] = {}
    for key in [*KEYS, *(k for k in found if k not in KEYS)]:
        record[key] = found.get(key, [])
        credited = sum(float(item.get("hours") or 0) for item in record[key])
        if credited:
            hours[key] = round(credited, 2)
    record["hours"] = hours
    record["total_hours"] = round(sum(hours.values()), 2)
    figures = summarise(found, assignment_figures([user.id], year).get(user.id))
    district = user.unit.district_id if user.unit is not None else None
    rule = rule_for(district, year)
    figures["target_hours"] = rule.target_hours
    figures["suggested_rating"] = RATING_NAMES[suggest(
        rule, figures["hours"], figures["assignment_percent"], figures["quiz_average"])]
    record["summary"] = figures
    return record


# --- the annual export ------------------------------------------------------------------

def export_header() -> list[str]:
    return ["街道", "社区", "网格", "姓名", "用户名", "年度", "半年", "学时合计", "学时目标",
            "培训场次", "培训学时", "完成课程", "课程学时", "测验作答", "测验数", "测验通过数",
            "最佳成绩均分", "情景演练", "演练成功",
            *[f"{COMPETENCY_NAMES[c]}（%）" for c in COMPETENCIES],
            "竞赛", "最佳名次", "荣誉数", "荣誉", "练习天数", "任务完成", "任务总数",
            "任务完成率（%）", "建议评定", "最终评定", "评定状态", "调整理由"]


# The export's headers are Chinese whatever the reader's language (the CLI has none).
COMPETENCY_NAMES = {"communication": "语言沟通", "coordination": "协调处理",
                    "mediation": "化解纠纷", "information": "信息采集分析",
                    "public_opinion": "舆情应对"}
STATUS_NAMES = {"pending": "待确认", "confirmed": "已确认", "overridden": "已调整"}

EVERYONE = SimpleNamespace(role="admin", unit=None)  # the CLI's viewer: every district


def export_rows(year: int, half: int | None, street=None, viewer=None,
                check=None) -> list[list]:
    """One row per active worker in the viewer's scope (everyone for the CLI), under
    ``street`` (a Unit or a unit's id) when given: the record's figures of the year or half,
    the rating suggested from the whole year and the final one (the decided rating, or
    the suggestion while none is decided: 评定状态 says which)."""
    data = rollup(viewer or EVERYONE, year, within=street, half=half, with_ratings=True)
    if check is not None:
        check(data.population.units)  # the unit in view must be in the viewer's scope
    rows = []
    for r in data.rows:
        f, w = r.figures, r.worker
        rows.append([
            w.street.name if w.street else "", w.community.name if w.community else "",
            w.grid.name if w.grid else "", w.name, w.username, year, half or "全年",
            f["hours"], r.rule.target_hours / (2 if half else 1), f["sessions"],
            f["session_hours"], f["courses"], f["course_hours"], f["attempts"],
            f["quizzes"], f["quizzes_passed"], f["quiz_average"], f["runs"],
            f["runs_success"], *[f["competencies"].get(c) for c in COMPETENCIES],
            f["competitions"], f["best_rank"], f["honours"], f["honour_titles"],
            f["practice_days"], f["assignments_done"], f["assignments_total"],
            f["assignment_percent"], RATING_NAMES[r.suggested], RATING_NAMES[r.final],
            STATUS_NAMES[r.status], r.rating.reason if r.rating is not None else ""])
    return rows


def export_file(fmt: str, year: int, rows: list[list]) -> bytes:
    """Export rows as .xlsx or .csv (every cell through trainer.spreadsheets)."""
    if fmt == "csv":
        return csv_bytes([export_header(), *rows])
    return workbook_bytes([(f"{year}年培训档案", export_header(), rows)])
