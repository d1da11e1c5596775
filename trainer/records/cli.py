"""`flask records export`: training records per worker for annual assessment."""

from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from trainer.auth.models import User
from trainer.extensions import db
from trainer.records.services import build_record
from trainer.spreadsheets import csv_bytes, workbook_bytes

cli = AppGroup("records", help="Training records.")

HEADER = ["街道", "社区", "网格", "姓名", "用户名", "年度", "半年", "学时合计", "培训场次",
          "完成课程", "测验作答", "情景演练", "竞赛", "荣誉"]


def _in_half(item: dict, year: int, half: int | None) -> bool:
    if half is None or not item.get("date"):
        return True
    month = date.fromisoformat(str(item["date"])[:10]).month
    return (month <= 6) == (half == 1)


def _units(user) -> list[str]:
    names, unit = [], user.unit
    while unit is not None and unit.level != "district":
        names.append(unit.name)
        unit = unit.parent
    names.reverse()
    return (names + ["", "", ""])[:3]


def record_row(user, year: int, half: int | None) -> list:
    """One worker's row: units, name, hours and counts of each kind of record."""
    record = build_record(user, year)
    kept = {key: [i for i in record.get(key, []) if _in_half(i, year, half)]
            for key in ("sessions", "courses", "attempts", "runs", "competitions", "honours")}
    hours = sum(float(i.get("hours") or 0) for items in kept.values() for i in items)
    honours = "、".join(str(i.get("title", "")) for i in kept["honours"])
    return [*_units(user), user.name, user.username, year, half or "全年", round(hours, 2),
            len(kept["sessions"]), len(kept["courses"]), len(kept["attempts"]),
            len(kept["runs"]), len(kept["competitions"]), honours]


def export_rows(year: int, half: int | None, street: str | None) -> list[list]:
    stmt = sa.select(User).where(User.role == "worker", User.active.is_(True))
    rows = []
    for user in db.session.scalars(stmt.order_by(User.unit_id, User.username)):
        if street and (user.unit is None or user.unit.street is None
                       or user.unit.street.code != street):
            continue
        rows.append(record_row(user, year, half))
    return rows


@cli.command("export")
@click.option("--year", type=int, required=True)
@click.option("--half", type=click.Choice(["1", "2"]))
@click.option("--street", help="Only this street's workers (a street code).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
def export_command(year, half, street, fmt, output):
    """Write every worker's training record of YEAR (or one half) for annual assessment.
    Texts never run as formulas (spreadsheets.py: typed text cells, or a ' in CSV)."""
    rows = export_rows(year, int(half) if half else None, street)
    if fmt == "csv":
        output.write_bytes(csv_bytes([HEADER, *rows]))
    else:
        output.write_bytes(workbook_bytes([(f"{year}年培训档案", HEADER, rows)]))
    click.echo(f"records export: {len(rows)} workers written to {output}")


@cli.command("xapi-send")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=100, show_default=True)
def xapi_send_command(batch_size):
    """Send the xAPI statements the learning record store (XAPI_LRS_URL) has not accepted
    yet; each accepted batch is committed at once, so a run stopped half-way resumes where
    it stopped, and nothing is ever sent twice. Exits non-zero when the LRS refuses or
    stays away after retries."""
    from trainer.records import xapi

    try:
        sent = xapi.send_pending(batch_size=batch_size, commit=db.session.commit)
    except xapi.LrsError as exc:
        db.session.commit()  # keep the outbox rows of the batches that went through
        raise click.ClickException(f"records xapi-send: {exc}") from exc
    db.session.commit()
    click.echo(f"records xapi-send: {sent} statements sent")
