"""Pickers instead of typed codes: the audience tree (street › community › grid checkboxes)
and the people finder, shared by every form that chooses an audience (plans' sessions,
assignments). Rendered by templates/org/_pickers.html; works without JS (the finder is a
submit button of the same form, so nothing typed is lost), trainer/static/js/pickers.js
adds tri-state parents and a filter box.

The form posts ``streets``, ``communities``, ``grids`` (unit codes) and ``users``
(usernames), repeated: ``chosen_from`` reads them, each domain turns them into the audience
structure its services take (the API keeps taking codes)."""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from trainer.auth.models import User
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.scope import units_query, users_query

KEYS = {"street": "streets", "community": "communities", "grid": "grids"}
FIELDS = ("streets", "communities", "grids", "users")
FIND = "find"  # the finder's submit button: re-render the form, save nothing


@dataclass
class Node:
    unit: Unit
    key: str
    children: list = field(default_factory=list)

    def any_chosen(self, chosen: dict) -> bool:
        """This unit or one below it is ticked (its <details> opens)."""
        return self.unit.code in chosen.get(self.key, ()) or any(
            c.any_chosen(chosen) for c in self.children)


def unit_tree(user, street: Unit | None = None) -> list[Node]:
    """The user's streets › communities › grids (only ``street``'s when given), nested."""
    stmt = units_query(user).where(Unit.active,
                                   Unit.level.in_(("street", "community", "grid")))
    if street is not None:
        stmt = stmt.where(Unit.street_id == street.id)
    nodes, roots = {}, []
    for unit in db.session.scalars(stmt):  # ordered by path: parents first
        node = nodes[unit.id] = Node(unit, KEYS[unit.level])
        parent = nodes.get(unit.parent_id)
        (parent.children if parent else roots).append(node)
    for node in [*roots, *nodes.values()]:  # siblings by code (ids follow creation order)
        node.children.sort(key=lambda n: n.unit.code)
    return sorted(roots, key=lambda n: n.unit.code)


def chosen_from(form) -> dict[str, list[str]]:
    """The ticked codes and usernames of a posted picker (empty lists on a GET)."""
    return {key: [v.strip() for v in form.getlist(key) if v.strip()][:500] for key in FIELDS}


def finding(form) -> bool:
    """True when the organiser pressed 「查找」: show the people found, save nothing."""
    return FIND in form


def people_found(user, q: str, chosen: list[str], street: Unit | None = None) -> list[User]:
    """The people already chosen and those found by name (or username), in scope (and in
    ``street`` when given)."""
    q = (q or "").strip()[:40]
    scoped = users_query(user).where(User.active)
    if street is not None:
        scoped = scoped.where(User.unit_id.in_(
            sa.select(Unit.id).where(Unit.street_id == street.id)))
    found: list[User] = []
    if chosen:
        found += db.session.scalars(scoped.where(User.username.in_(chosen[:500])))
    if q:
        hits = db.session.scalars(scoped.where(
            User.role == "worker",
            sa.or_(User.name.contains(q, autoescape=True),
                   User.username.contains(q, autoescape=True))).limit(30))
        found += [u for u in hits if u.username not in chosen]
    return found


def masked(username: str) -> str:
    """w0**12: enough to tell two people apart, not a login name to copy."""
    return username if len(username) <= 4 else f"{username[:2]}**{username[-2:]}"


def people_labels(people) -> dict[int, str]:
    """What tells each person apart on a list (docs/wording.md): the unit in brackets, and
    a masked username where two of the same name share a unit too."""
    same = Counter((u.name, u.unit_id) for u in people)
    return {u.id: "（" + (u.unit.name if u.unit else "") + (
        f"，{masked(u.username)}" if same[(u.name, u.unit_id)] > 1 else "") + "）"
        for u in people}


@dataclass
class Picker:
    """Everything the audience macro needs."""

    tree: list[Node]
    chosen: dict[str, list[str]]
    people: list[User]
    labels: dict[int, str]
    q: str
    searched: bool


def picker(user, form, street: Unit | None = None, chosen: dict | None = None) -> Picker:
    """The picker for this request: ``chosen`` (e.g. a saved audience) on a GET, the
    posted boxes otherwise."""
    chosen = chosen_from(form) if form else {k: list((chosen or {}).get(k, []))
                                             for k in FIELDS}
    q = (form.get("q") or "").strip()[:40]
    people = people_found(user, q, chosen["users"], street)
    return Picker(unit_tree(user, street), chosen, people, people_labels(people), q,
                  finding(form))


def material_choices(user, street_id: int) -> dict[str, list[tuple[str, str]]]:
    """Courses and scenarios (by slug) and quizzes (by number) a session of this street may
    list, by their Chinese titles: the user's visible ones, district-wide or the street's."""
    from trainer.learning.models import Course
    from trainer.learning.queries import visible_courses
    from trainer.quizzes.models import Quiz
    from trainer.quizzes.queries import visible_quizzes
    from trainer.simulation.models import Scenario
    from trainer.simulation.queries import playable_scenarios

    def mine(model):
        return sa.or_(model.street_id.is_(None), model.street_id == street_id)

    courses = db.session.scalars(visible_courses(user).where(mine(Course))
                                 .order_by(Course.title).limit(500))
    scenarios = db.session.scalars(playable_scenarios(user).where(mine(Scenario)).limit(500))
    quizzes = db.session.scalars(visible_quizzes(user).where(mine(Quiz))
                                 .order_by(Quiz.title, Quiz.id).limit(500))
    return {"courses": by_department(courses, lambda c: c.slug),
            "scenarios": by_department(scenarios, lambda s: s.slug),
            "quizzes": by_department(quizzes, lambda q: str(q.id))}


def department_name(item) -> str:
    """The Chinese name of an item's department (never its code); 「各部门通用」 for none."""
    dept = getattr(item, "department", None)
    return dept.name if dept is not None else _("Every department (general)")


def by_department(items, value, label=lambda item: item.title, group=department_name,
                  first: tuple[str, str] | None = None) -> list[SelectChoice]:
    """Choices grouped by department for ``grouped_choices`` (templates/org/_pickers.html):
    groups by their Chinese names, items by label within a group; ``first`` (e.g. a
    「—」 for nothing chosen) stands alone before the groups."""
    rows = sorted(((group(i), label(i), value(i)) for i in items),
                  key=lambda r: (r[0], r[1], r[2]))
    choices = [SelectChoice(value=v, label=lbl, optgroup=g) for g, lbl, v in rows]
    if first is not None:
        choices.insert(0, SelectChoice(value=first[0], label=first[1]))
    return choices


PARENT_LEVELS = ("city", "district", "street", "community")  # offered to a new unit


def parent_choices(user, levels=PARENT_LEVELS, also: Unit | None = None,
                   outside: Unit | None = None, first: tuple[str, str] | None = None
                   ) -> list[SelectChoice]:
    """Units a unit may sit under, shown by their Chinese path (「测试区 › S1街道 › S1社区」)
    and grouped by level; ``also`` joins them (the unit being browsed), ``outside``'s
    subtree is left out (a unit never moves under itself). The value is the unit's code."""
    from trainer.org.scope import LEVEL_LABELS

    stmt = units_query(user).where(Unit.active, Unit.level.in_(levels)).limit(3000)
    units = list(db.session.scalars(stmt))
    if also is not None and also.id not in {u.id for u in units}:
        units.append(also)
    if outside is not None:
        units = [u for u in units if not u.path.startswith(outside.path)]
    ids = {int(i) for u in units for i in u.path.strip("/").split("/") if i}
    names = dict(db.session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
    labels = LEVEL_LABELS()

    def path(unit: Unit) -> str:
        return " › ".join(names.get(int(i), "") for i in unit.path.strip("/").split("/") if i)

    order = {level: n for n, level in enumerate(("city", "district", "street", "community",
                                                 "grid", "small_grid", "micro_grid"))}
    rows = sorted(((order.get(u.level, 9), path(u), u) for u in units),
                  key=lambda r: (r[0], r[1]))
    choices = [SelectChoice(value=u.code, label=label, optgroup=str(labels.get(u.level, "")))
               for _n, label, u in rows]
    if first is not None:
        choices.insert(0, SelectChoice(value=first[0], label=first[1]))
    return choices
