"""Read a people sheet (.xlsx or .csv): 姓名, 用户名, 手机, 角色, 所属单位编码 [, 部门编码].

Pure: no Flask, no database. Returns rows with their sheet row numbers (header = row 1);
database checks (unit exists, username free) happen in the import service.
"""

import csv
import io
import re
from dataclasses import dataclass

import openpyxl

HEADERS = {"姓名": "name", "用户名": "username", "手机": "phone", "角色": "role",
           "所属单位编码": "unit_code", "部门编码": "department_code"}
REQUIRED = ("name", "username", "role", "unit_code")
ROLE_NAMES = {"网格员": "worker", "培训师": "trainer", "讲师": "trainer", "组织者": "organiser",
              "管理员": "admin", "worker": "worker", "trainer": "trainer",
              "organiser": "organiser", "admin": "admin"}
PHONE = re.compile(r"^1\d{10}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.]{2,40}$")


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
        return f"第{self.row}行：{self.message}"


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """The sheet's cells as text rows; raises ValueError for an unreadable file."""
    if filename.lower().endswith(".xlsx"):
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a bad file
            raise ValueError("无法读取该 Excel 文件") from exc
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    if filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError("CSV 文件必须是 UTF-8 编码") from exc
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise ValueError("只支持 .xlsx 或 .csv 文件")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_people(table: list[list[str]]) -> tuple[list[PersonRow], list[RowProblem]]:
    """Rows of people and every problem found, each with its row number."""
    if not table:
        return [], [RowProblem(1, "文件是空的")]
    header = [HEADERS.get(h.strip()) for h in table[0]]
    missing = [k for k, v in HEADERS.items() if v in REQUIRED and v not in header]
    if missing:
        return [], [RowProblem(1, "缺少列：" + "、".join(missing))]
    rows, problems, seen = [], [], {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        record = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(header) if key}
        row, row_problems = _check_row(number, record, seen)
        problems += row_problems
        if row:
            rows.append(row)
    if not rows and not problems:
        problems.append(RowProblem(2, "没有可导入的人员"))
    return rows, problems


def _check_row(number: int, rec: dict, seen: dict) -> tuple[PersonRow | None, list[RowProblem]]:
    out = [RowProblem(number, f"缺少{label}") for label, key in HEADERS.items()
           if key in REQUIRED and not rec.get(key)]
    role = ROLE_NAMES.get(rec.get("role", ""))
    if rec.get("role") and role is None:
        out.append(RowProblem(number, f"未知角色“{rec['role']}”"))
    username = rec.get("username", "")
    if username and not USERNAME.match(username):
        out.append(RowProblem(number, f"用户名“{username}”只能包含字母、数字、点和下划线"))
    if username and username.lower() in seen:
        out.append(RowProblem(number, f"用户名“{username}”与第{seen[username.lower()]}行重复"))
    seen.setdefault(username.lower(), number)
    phone = rec.get("phone", "")
    if phone and not PHONE.match(phone):
        out.append(RowProblem(number, f"手机号“{phone}”格式不正确"))
    if out:
        return None, out
    return PersonRow(number, rec["name"], username, phone, role, rec["unit_code"],
                     rec.get("department_code", "")), []
