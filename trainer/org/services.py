"""Organisation use cases: create, rename, move, deactivate units. Flush, never commit."""

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.errors import Conflict, Invalid
from trainer.extensions import db
from trainer.org.models import LEVELS, PARENT_LEVEL, Department, Unit
from trainer.slugs import first_free

DEPARTMENTS = (
    ("organisation", "组织"),
    ("public-security", "公安"),
    ("civil-affairs", "民政"),
    ("law-enforcement", "综合行政执法"),
    ("emergency", "应急"),
    ("health", "卫健"),
    ("environment", "生态环境"),
    ("market-regulation", "市场监管"),
    ("human-resources", "人社"),
    ("fire", "消防"),
)


def ensure_departments() -> list[Department]:
    """Create the ten departments of DOMAIN.md that are missing (idempotent)."""
    existing = {d.code: d for d in db.session.scalars(sa.select(Department))}
    for code, name in DEPARTMENTS:
        if code not in existing:
            existing[code] = Department(code=code, name=name)
            db.session.add(existing[code])
    db.session.flush()
    return [existing[code] for code, _name in DEPARTMENTS]


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code.strip()))


def department_by_code(code: str) -> Department | None:
    return db.session.scalar(sa.select(Department).where(Department.code == code.strip()))


def _check_parent(level: str, parent: Unit | None) -> None:
    if level not in LEVELS:
        raise Invalid(_("Unknown level."), field="level")
    expected = PARENT_LEVEL.get(level)
    if expected is None and parent is not None:
        raise Invalid(_("A city has no parent unit."), field="parent")
    if level == "district" and parent is None:
        return  # a district without a city
    if expected is not None and (parent is None or parent.level != expected):
        raise Invalid(_("This level must sit under a unit of the level above it."),
                      field="parent")


def _place(unit: Unit, parent: Unit | None) -> None:
    unit.parent = parent
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    if unit.level == "street":
        unit.street_id = unit.id
    else:
        unit.street_id = parent.street_id if parent else None
    if unit.level == "district":
        unit.district_id = unit.id
    else:
        unit.district_id = parent.district_id if parent else None


def generated_code(name: str, parent: Unit | None) -> str:
    """A code for a unit the admin left without one: the parent's code and the initials of
    the name's pinyin (「新民社区」 under ``S1`` → ``S1-XMSQ``), numbered when taken."""
    from pypinyin import Style, lazy_pinyin

    letters = "".join(p[:1] for p in lazy_pinyin(name.strip(), style=Style.FIRST_LETTER,
                                                 errors="default"))
    initials = "".join(ch for ch in letters.upper() if ch.isascii() and ch.isalnum())[:12]
    base = "-".join(p for p in ((parent.code if parent else ""), initials or "U") if p)[:34]
    return first_free(base, unit_by_code)


def create_unit(code: str, name: str, level: str, parent: Unit | None) -> Unit:
    """Add a unit under ``parent`` (which must be of the level directly above); an empty
    ``code`` is generated (``generated_code``)."""
    code, name = (code or "").strip() or generated_code(name or "", parent), name.strip()
    if not code or not name:
        raise Invalid(_("Code and name are required."), field="code")
    if unit_by_code(code):
        raise Invalid(_("This code is already used."), field="code")
    _check_parent(level, parent)
    unit = Unit(code=code, name=name, level=level)
    db.session.add(unit)
    db.session.flush()
    _place(unit, parent)
    db.session.flush()
    return unit


def rename_unit(unit: Unit, name: str) -> None:
    if not name.strip():
        raise Invalid(_("Code and name are required."), field="name")
    unit.name = name.strip()
    db.session.flush()


def move_unit(unit: Unit, new_parent: Unit) -> None:
    """Move a unit (and its subtree) under another parent of the right level."""
    _check_parent(unit.level, new_parent)
    if new_parent.path.startswith(unit.path):
        raise Invalid(_("A unit cannot move under itself."), field="parent")
    old_path = unit.path
    descendants = db.session.scalars(
        sa.select(Unit).where(Unit.path.startswith(old_path), Unit.id != unit.id)
    ).all()
    _place(unit, new_parent)
    for child in sorted(descendants, key=lambda u: len(u.path)):
        child.path = unit.path + child.path[len(old_path):]
        if child.level != "street":
            child.street_id = unit.street_id
        if child.level != "district":
            child.district_id = unit.district_id
    db.session.flush()


def set_unit_active(unit: Unit, active: bool) -> None:
    """Deactivate a unit and its subtree (or reactivate the unit alone)."""
    if active:
        unit.active = True
    else:
        db.session.execute(
            sa.update(Unit).where(Unit.path.startswith(unit.path)).values(active=False)
        )
    db.session.flush()
    db.session.refresh(unit)


def import_people(rows, actor, problems=()) -> tuple[list[tuple[object, str]], list]:
    """Create every person in ``rows`` or none: ``(created, problems)``, where ``problems``
    lists each bad row (``problems`` already found in the file included, so that one
    upload reports everything); when there is any, nothing was written and ``created`` is
    empty. Each new account gets a generated initial password, returned once for hand-over.
    The problems are returned, not raised, so that the page lists them without a try block.
    """
    plan, problems = prepare_people(rows, actor, problems)
    return ([], problems) if problems else (create_people(plan), [])


def check_people(rows, actor, problems=()) -> tuple[list, list]:
    """Check ``rows`` against the database, writing nothing: ``(checked, problems)``, where
    ``checked`` holds ``(row, unit_id, department_id)`` for create_people (empty when any
    row has a problem: an import is all rows or none)."""
    from trainer.auth.models import User
    from trainer.org.people import RowProblem
    from trainer.org.scope import in_scope

    wanted = sorted({r.username.lower() for r in rows})
    taken = set()
    for at in range(0, len(wanted), 500):  # stay below the bound-parameter limits
        taken |= set(db.session.scalars(
            sa.select(sa.func.lower(User.username))
            .where(sa.func.lower(User.username).in_(wanted[at:at + 500]))))
    codes = sorted({r.unit_code.strip() for r in rows})
    units = {}
    for at in range(0, len(codes), 500):
        units |= {u.code: u for u in db.session.scalars(
            sa.select(Unit).where(Unit.code.in_(codes[at:at + 500])))}
    depts = {d.code: d for d in db.session.scalars(sa.select(Department))}
    problems, checked = list(problems), []
    for row in rows:
        unit = units.get(row.unit_code.strip())
        dept = depts.get(row.department_code.strip()) if row.department_code else None
        msg = _row_problem(row, unit, dept, taken, actor, in_scope)
        if msg:
            problems.append(RowProblem(row.row, msg))
        else:
            checked.append((row, unit.id if unit else None, dept.id if dept else None))
    if problems:
        return [], sorted(problems, key=lambda p: p.row)
    return checked, []


def initial_passwords(checked) -> list:
    """The plan for create_people: each checked row with a generated password and its hash
    (trainer.auth.services.hash_initial_password: cheap, the password being random)."""
    import secrets

    from trainer.auth import services as accounts

    plan = []
    for row, unit_id, dept_id in checked:
        password = secrets.token_urlsafe(9)
        plan.append((row, unit_id, dept_id, password,
                     accounts.hash_initial_password(password)))
    return plan


def prepare_people(rows, actor, problems=()) -> tuple[list, list]:
    """check_people, then initial_passwords: ``(plan, problems)`` for create_people."""
    checked, problems = check_people(rows, actor, problems)
    return (initial_passwords(checked) if not problems else []), problems


def new_person(row, unit_id: int | None, dept_id: int | None, digest: str):
    """One imported account, not yet added (its password is the generated initial one)."""
    from trainer.auth.models import User

    return User(username=row.username.strip(), name=row.name.strip() or row.username,
                role=row.role, unit_id=unit_id, department_id=dept_id,
                phone=row.phone or None, password_hash=digest, password_change_required=True)


def create_people(plan) -> list[tuple[object, str]]:
    """Add the users prepare_people planned, in one flush: (user, initial password)."""
    users = [new_person(row, unit_id, dept_id, digest)
             for row, unit_id, dept_id, _password, digest in plan]
    try:
        with db.session.begin_nested():
            db.session.add_all(users)
    except sa.exc.IntegrityError as exc:  # a username taken since prepare_people checked
        raise Conflict(_("Some usernames were taken while the file was being checked; "
                         "nothing was imported. Please upload it again.")) from exc
    return [(user, entry[3]) for user, entry in zip(users, plan, strict=True)]


def _row_problem(row, unit, dept, taken, actor, in_scope) -> str | None:
    from trainer.auth.services import validate_scope

    if row.username.lower() in taken:
        return _("Username “%(name)s” already exists.", name=row.username)
    if unit is None:
        return _("Unknown unit code “%(code)s”.", code=row.unit_code)
    if row.department_code and dept is None:
        return _("Unknown department code “%(code)s”.", code=row.department_code)
    if not in_scope(actor, unit):
        return _("Unit “%(code)s” is outside your scope.", code=row.unit_code)
    try:
        validate_scope(row.role, unit, dept)
    except Invalid as exc:
        return exc.message
    return None

