"""Read a people sheet (.xlsx or .csv): 姓名, 用户名, 手机, 角色, 所属单位编码 [, 部门编码].

No database: returns rows with their sheet row numbers (the header row is found within
the first rows, read within trainer/sheet_reading.py's limits); database checks
(unit exists, username free) happen in the import service. Messages are lazy gettext
strings, shown in the reader's language.
"""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from trainer import sheet_reading
from trainer.sheet_reading import Sheet

HEADERS = {"姓名": "name", "用户名": "username", "手机": "phone", "角色": "role",
           "所属单位编码": "unit_code", "部门编码": "department_code"}
REQUIRED = ("name", "username", "role", "unit_code")
ROLE_NAMES = {"网格员": "worker", "培训师": "trainer", "讲师": "trainer", "组织者": "organiser",
              "管理员": "admin", "worker": "worker", "trainer": "trainer",
              "organiser": "organiser", "admin": "admin"}
PHONE = re.compile(r"^1\d{10}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.]{2,40}$")
MAX_NAME = 60  # users.name
MAX_CODE = 40  # units.code, departments.code


@dataclass
class PersonRow:
    row: int
    name: str
    username: str
    phone: str
    role: str
    unit_code: str
    department_code: str = ""


@dataclass
class RowProblem:
    row: int
    message: str

    def __str__(self) -> str:
        return str(_l("Row %(row)s: %(message)s", row=self.row, message=self.message))


def read_table(data: bytes, filename: str) -> Sheet:
    """The sheet's rows as text (header found within the first rows of any sheet), read
    within the limits of trainer/sheet_reading.py; raises ValueError for an unreadable or
    oversized file."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return sheet_reading.xlsx_table(data, _is_header)
    if name.endswith(".csv"):
        return sheet_reading.csv_table(data, _is_header)
    raise ValueError(str(_l("Only .xlsx or .csv files can be imported.")))


def _is_header(cells: list[str]) -> bool:
    found = {HEADERS.get(c.strip()) for c in cells}
    return all(key in found for key in REQUIRED)


def parse_people(table: Sheet | list[list[str]]) -> tuple[list[PersonRow], list[RowProblem]]:
    """Rows of people and every problem found, each with its row number."""
    if not isinstance(table, Sheet):
        if not table:
            return [], [RowProblem(1, _l("The file is empty."))]
        table = Sheet(table[0], 1, list(enumerate(table[1:], start=2)))
    if not table.header and not table.rows:
        return [], [RowProblem(1, _l("The file is empty."))]
    header = [HEADERS.get(h.strip()) for h in table.header]
    missing = [k for k, v in HEADERS.items() if v in REQUIRED and v not in header]
    if missing:
        return [], [RowProblem(table.header_row, _l("Missing columns: %(names)s",
                                                    names="、".join(missing)))]
    rows, seen = [], {}
    problems = [RowProblem(row, message) for row, _column, message in table.problems]
    unread = {row for row, _column, _message in table.problems}
    for number, cells in table.rows:
        if not any(cells) or number in unread:
            continue
        record = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(header) if key}
        row, row_problems = _check_row(number, record, seen)
        problems += row_problems
        if row:
            rows.append(row)
    if not rows and not problems:
        problems.append(RowProblem(table.header_row + 1, _l("There is nobody to import.")))
    problems.sort(key=lambda p: p.row)
    return rows, problems


def _check_row(number: int, rec: dict, seen: dict) -> tuple[PersonRow | None, list[RowProblem]]:
    out = [RowProblem(number, _l("%(column)s is missing", column=label))
           for label, key in HEADERS.items() if key in REQUIRED and not rec.get(key)]
    role = ROLE_NAMES.get(rec.get("role", ""))
    if rec.get("role") and role is None:
        out.append(RowProblem(number, _l("Unknown role “%(role)s”", role=rec["role"][:20])))
    username = rec.get("username", "")
    if username and not USERNAME.match(username):
        out.append(RowProblem(number, _l(
            "Username “%(name)s” may only hold letters, digits, dots and underscores "
            "(2–40 characters)", name=username[:40])))
    elif username and username.lower() in seen:
        out.append(RowProblem(number, _l("Username “%(name)s” repeats row %(row)s",
                                         name=username, row=seen[username.lower()])))
    seen.setdefault(username.lower(), number)
    if len(rec.get("name", "")) > MAX_NAME:
        out.append(RowProblem(number, _l("The name is longer than %(n)s characters", n=MAX_NAME)))
    for key in ("unit_code", "department_code"):
        if len(rec.get(key, "")) > MAX_CODE:
            out.append(RowProblem(number, _l("The code “%(code)s…” is too long",
                                             code=rec[key][:20])))
    phone = rec.get("phone", "")
    if phone and not PHONE.match(phone):
        out.append(RowProblem(number, _l("Phone number “%(phone)s” is not a mobile number",
                                         phone=phone[:20])))
    if out:
        return None, out
    return PersonRow(number, rec["name"], username, phone, role, rec["unit_code"],
                     rec.get("department_code", "")), []
