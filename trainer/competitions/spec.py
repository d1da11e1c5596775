"""The competition body (DESIGN.md "Competition body"): parsed and checked field by field.

No database here: references (street code, quiz id, scenario slug, course slug, judges'
usernames) are only checked for shape; services.py resolves them. Every problem raises
``Invalid`` naming the field, e.g. ``rounds[1].weight``.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from trainer.competitions.fields import bad, choice, integer, moment, text
from trainer.competitions.kinds.registry import KINDS
from trainer.competitions.models import KINDS as CONTEST_KINDS
from trainer.competitions.models import TEAM_BY, VISIBILITY

RULES = ("course", "quiz_passed", "practice")
MAX_ROUNDS = 20


@dataclass
class RoundSpec:
    title: str
    kind: str
    weight: int
    opens_at: datetime
    closes_at: datetime
    time_limit: int | None = None
    quiz: int | None = None
    scenario: str | None = None
    criteria: list[dict] = field(default_factory=list)
    judges: list[str] = field(default_factory=list)
    # username -> code of the community the judge belongs to (a conflict of interest)
    judge_communities: dict[str, str] = field(default_factory=dict)


@dataclass
class CompetitionSpec:
    title: str
    kind: str
    street: str | None
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    entry_closes_at: datetime | None = None
    freeze_at: datetime | None = None
    team_by: str | None = None
    team_size: int = 3
    visibility: str = "full"
    visible_top: int | None = None
    appeal_hours: float = 2.0
    eligibility: list[dict] = field(default_factory=list)
    honours: list[dict] = field(default_factory=list)
    rounds: list[RoundSpec] = field(default_factory=list)


def parse_competition(data: dict) -> CompetitionSpec:
    """The body as a CompetitionSpec, or Invalid naming the first bad field."""
    if not isinstance(data, dict):
        raise bad("body")
    spec = CompetitionSpec(
        title=text(data, "title"), kind=choice(data, "kind", CONTEST_KINDS, "knowledge"),
        street=text(data, "street", required=False, limit=40),
        starts_at=moment(data, "starts_at"), ends_at=moment(data, "ends_at"),
        description=text(data, "description", required=False, limit=4000) or "",
        entry_closes_at=moment(data, "entry_closes_at", required=False),
        freeze_at=moment(data, "freeze_at", required=False),
        team_by=choice(data, "team_by", TEAM_BY),
        team_size=integer(data, "team_size", low=1, high=100) or 3,
        visibility=choice(data, "visibility", VISIBILITY, "full"),
        visible_top=integer(data, "visible_top", low=1, high=10000),
        appeal_hours=_hours(data),
    )
    _check_times(spec)
    spec.eligibility = parse_eligibility(data.get("eligibility"))
    spec.honours = parse_honours(data.get("honours"))
    spec.rounds = parse_rounds(data.get("rounds"), spec)
    return spec


def _hours(data: dict) -> float:
    value = data.get("appeal_hours", 2)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 720:
        raise bad("appeal_hours")
    return float(value)


def _check_times(spec: CompetitionSpec) -> None:
    if spec.ends_at <= spec.starts_at:
        raise bad("ends_at", _("The end must come after the start."))
    if spec.freeze_at is not None and not spec.starts_at <= spec.freeze_at < spec.ends_at:
        raise bad("freeze_at", _("The standings must freeze between the start and the end."))
    if spec.entry_closes_at is not None and spec.entry_closes_at > spec.ends_at:
        raise bad("entry_closes_at", _("Entries must close before the end."))
    if spec.visibility == "top" and not spec.visible_top:
        raise bad("visible_top", _("Say how many places entrants see."))


def parse_eligibility(rules) -> list[dict]:
    if rules is None:
        return []
    if not isinstance(rules, list) or len(rules) > 20:
        raise bad("eligibility")
    parsed = []
    for i, rule in enumerate(rules):
        prefix = f"eligibility[{i}]."
        if not isinstance(rule, dict) or rule.get("rule") not in RULES:
            raise bad(prefix + "rule")
        if rule["rule"] == "course":
            parsed.append({"rule": "course", "course": text(rule, "course", limit=80,
                                                            prefix=prefix)})
        elif rule["rule"] == "quiz_passed":
            parsed.append({"rule": "quiz_passed",
                           "quiz": integer(rule, "quiz", required=True, low=1, high=2**31,
                                           prefix=prefix)})
        else:
            parsed.append({"rule": "practice",
                           "questions": integer(rule, "questions", required=True, low=1,
                                                high=100000, prefix=prefix),
                           "days": integer(rule, "days", required=True, low=1, high=3660,
                                           prefix=prefix)})
    return parsed


def parse_honours(honours) -> list[dict]:
    if honours is None:
        return []
    if not isinstance(honours, list) or len(honours) > 10:
        raise bad("honours")
    parsed = []
    for i, item in enumerate(honours):
        prefix = f"honours[{i}]."
        if not isinstance(item, dict):
            raise bad(f"honours[{i}]")
        top = integer(item, "top", low=1, high=100000, prefix=prefix)
        percent = item.get("top_percent")
        if percent is not None and (isinstance(percent, bool) or
                                    not isinstance(percent, int | float) or
                                    not 0 < percent <= 100):
            raise bad(prefix + "top_percent")
        if top is None and percent is None:
            raise bad(prefix + "top", _("Give the number of places (top) or a percent."))
        team = item.get("team", False)
        if not isinstance(team, bool):
            raise bad(prefix + "team")
        least = item.get("min_score")
        if least is not None and (isinstance(least, bool) or
                                  not isinstance(least, int | float) or
                                  not 0 <= least <= 100):
            raise bad(prefix + "min_score")
        honour = {"title": text(item, "title", limit=40, prefix=prefix), "top": top,
                  "top_percent": percent, "team": team}
        if least:
            honour["min_score"] = least
        parsed.append(honour)
    return parsed


def parse_rounds(rounds, comp: CompetitionSpec) -> list[RoundSpec]:
    if rounds is None:
        return []
    if not isinstance(rounds, list) or len(rounds) > MAX_ROUNDS:
        raise bad("rounds")
    return [parse_round(item, comp, f"rounds[{i}].") for i, item in enumerate(rounds)]


def parse_round(item, comp: CompetitionSpec, prefix: str = "") -> RoundSpec:
    """One round; its window defaults to the competition's and must lie within it."""
    if not isinstance(item, dict):
        raise bad(prefix.rstrip("."))
    kind = choice(item, "kind", tuple(KINDS), prefix=prefix)
    if kind is None:
        raise bad(prefix + "kind", _("Field “%(name)s” is required.", name=prefix + "kind"))
    spec = RoundSpec(
        title=text(item, "title", prefix=prefix), kind=kind,
        weight=integer(item, "weight", required=True, low=1, high=1000, prefix=prefix),
        opens_at=moment(item, "opens_at", required=False, prefix=prefix) or comp.starts_at,
        closes_at=moment(item, "closes_at", required=False, prefix=prefix) or comp.ends_at,
        time_limit=integer(item, "time_limit", low=1, high=24 * 60, prefix=prefix))
    if spec.closes_at <= spec.opens_at:
        raise bad(prefix + "closes_at", _("The round must close after it opens."))
    if spec.opens_at < comp.starts_at or spec.closes_at > comp.ends_at:
        raise bad(prefix + "opens_at", _("The round must lie within the competition's times."))
    KINDS[kind].parse_settings(spec, item, prefix)
    return spec
