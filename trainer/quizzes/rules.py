"""Draw rules: which questions each rule may draw, a draw that fills every rule whenever
the bank allows it, and the reason when it does not.

Rules draw distinct questions, and one question may match several rules, so "each rule
matches enough" is not enough: 5 公安 questions plus 5 公安 questions of difficulty 3 or
more need 10 公安 questions of which 5 are hard. Drawing is a matching of rule slots to
questions; it fills every slot exactly when, for every set of rules, the questions they
match together are at least as many as they draw together (Hall's condition). Saving a
quiz refuses rules that cannot be filled, naming the rules and what matches them.
"""

from collections import deque
from collections.abc import Sequence
from itertools import combinations

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.extensions import db
from trainer.org.models import Department
from trainer.org.scope import competency_label
from trainer.quizzes.models import Question
from trainer.quizzes.queries import json_list_has


def rule_filter(stmt: sa.Select, rule) -> sa.Select:
    """Active questions matching a rule's filters (a QuizRule or an authoring.RuleSpec)."""
    stmt = stmt.where(Question.status == "active",
                      Question.difficulty.between(rule.min_difficulty, rule.max_difficulty))
    if rule.department_id is not None:
        stmt = stmt.where(Question.department_id == rule.department_id)
    if rule.competency:
        stmt = stmt.where(json_list_has(Question.competencies, rule.competency))
    if rule.category:
        stmt = stmt.where(Question.category == rule.category)
    if rule.tag:
        stmt = stmt.where(json_list_has(Question.tags, rule.tag))
    return stmt


def in_scope(street_id: int | None, district_id: int | None) -> sa.Select:
    """Ids of the questions a quiz of this street (None: the whole district) in this
    district (None: the shipped library's, for every district) may use: the library's,
    the district's own and the street's."""
    stmt = sa.select(Question.id).where(sa.or_(Question.district_id.is_(None),
                                               Question.district_id == district_id))
    if street_id is None:
        return stmt.where(Question.street_id.is_(None))
    return stmt.where(sa.or_(Question.street_id.is_(None), Question.street_id == street_id))


def matches(street_id: int | None, district_id: int | None,
            rules: Sequence) -> list[list[int]]:
    """For each rule, the ids of the questions it may draw (in id order)."""
    return [list(db.session.scalars(rule_filter(in_scope(street_id, district_id), rule)
                                    .order_by(Question.id))) for rule in rules]


def assign(candidates: list[list[int]], counts: list[int]) -> list[list[int]]:
    """Questions for each rule, distinct across rules: as many as any draw can give.
    Each rule takes its candidates in the order given (shuffle them for a random draw);
    when a rule finds none left, questions move between rules along an augmenting path."""
    slots = [at for at, count in enumerate(counts) for _n in range(count)]
    taken: dict[int, int] = {}  # question -> slot
    given: dict[int, int] = {}  # slot -> question
    cursor = [0] * len(counts)
    for slot, rule in enumerate(slots):
        while cursor[rule] < len(candidates[rule]) and candidates[rule][cursor[rule]] in taken:
            cursor[rule] += 1
        if cursor[rule] < len(candidates[rule]):
            taken[candidates[rule][cursor[rule]]] = slot
            given[slot] = candidates[rule][cursor[rule]]
        else:
            _augment(slot, rule, candidates, slots, taken, given)
    drawn: list[list[int]] = [[] for _count in counts]
    for slot, question in sorted(given.items()):
        drawn[slots[slot]].append(question)
    return drawn


def _augment(slot: int, rule: int, candidates, slots, taken, given) -> None:
    """Give ``slot`` a question by moving others along a path to a free one (BFS)."""
    parent = {question: None for question in candidates[rule]}
    queue = deque(parent)
    while queue:
        held = queue.popleft()
        for question in candidates[slots[taken[held]]]:
            if question in parent:
                continue
            parent[question] = held
            if question not in taken:
                _shift(question, parent, slot, taken, given)
                return
            queue.append(question)


def _shift(free: int, parent: dict, slot: int, taken: dict, given: dict) -> None:
    current = free
    while (previous := parent[current]) is not None:
        owner = taken[previous]
        taken[current], given[owner] = owner, current
        current = previous
    taken[current], given[slot] = slot, current


def shortfall(street_id: int | None, district_id: int | None,
              rules: Sequence) -> str | None:
    """Why these rules cannot all be drawn in full from the bank now, or None."""
    candidates = matches(street_id, district_id, rules)
    counts = [rule.count for rule in rules]
    if sum(map(len, assign(candidates, counts))) == sum(counts):
        return None
    for size in range(1, len(rules) + 1):
        for group in combinations(range(len(rules)), size):
            have = len(set().union(*(candidates[at] for at in group)))
            want = sum(counts[at] for at in group)
            if have < want:
                return _explain(rules, group, have, want)
    return None  # not reached: Hall's condition fails for some group


def _explain(rules: Sequence, group: tuple[int, ...], have: int, want: int) -> str:
    if len(group) == 1:
        return _("Rule %(n)s (%(what)s) draws %(want)s questions, but only %(have)s active "
                 "questions match it.", n=group[0] + 1, what=describe(rules[group[0]]),
                 want=want, have=have)
    return _("Rules %(rules)s draw %(want)s different questions together, but only "
             "%(have)s active questions match them.",
             rules="、".join(str(at + 1) for at in group), want=want, have=have)


def describe(rule) -> str:
    """A rule's filters in words, e.g. "公安, difficulty 3 to 5"."""
    parts = []
    if rule.department_id is not None:
        department = db.session.get(Department, rule.department_id)
        parts.append(department.name if department else str(rule.department_id))
    if rule.competency:
        parts.append(competency_label(rule.competency))
    parts += [text for text in (rule.category, rule.tag) if text]
    parts.append(_("difficulty %(low)s to %(high)s", low=rule.min_difficulty,
                   high=rule.max_difficulty))
    return ", ".join(parts)
