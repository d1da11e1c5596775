"""A judged round: an on-site practical scored by judges on a rubric (criteria, each with
a maximum). Nothing to start or play; the result is the judges' sheets (scoring.sync_judged,
extremes dropped with five or more judges)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.competitions.fields import bad, integer, text
from trainer.competitions.kinds.base import RoundKind
from trainer.errors import Conflict


class JudgedKind(RoundKind):
    name, label = "judged", _l("Judged round")
    form_fields = ("criteria", "judges", "judge_communities")

    def check_startable(self) -> None:
        raise Conflict(_("Judges score this round on site; there is nothing to start."),
                       code="judged_round")

    def parse_settings(self, spec, item: dict, prefix: str) -> None:
        spec.criteria = parse_criteria(item.get("criteria"), prefix)
        spec.judges, spec.judge_communities = parse_judges(item.get("judges"), prefix)


def parse_criteria(criteria, prefix: str = "") -> list[dict]:
    if not isinstance(criteria, list) or not criteria or len(criteria) > 20:
        raise bad(prefix + "criteria", _("A judged round needs its criteria, each with a "
                                         "maximum."))
    parsed, names = [], set()
    for i, item in enumerate(criteria):
        inner = f"{prefix}criteria[{i}]."
        if not isinstance(item, dict):
            raise bad(inner.rstrip("."))
        name = text(item, "name", limit=60, prefix=inner)
        if name in names:
            raise bad(inner + "name", _("Criterion names must differ."))
        names.add(name)
        parsed.append({"name": name, "max": integer(item, "max", required=True, low=1,
                                                    high=1000, prefix=inner)})
    return parsed


def parse_judges(judges, prefix: str = "") -> tuple[list[str], dict[str, str]]:
    """Judges as usernames, or objects ``{"username", "community"}`` declaring the
    community a judge belongs to (its entrants are then a conflict of interest)."""
    if judges is None:
        return [], {}
    if not isinstance(judges, list) or len(judges) > 50:
        raise bad(prefix + "judges")
    names, communities = [], {}
    for i, item in enumerate(judges):
        if isinstance(item, dict):
            name = text(item, "username", limit=40, prefix=f"{prefix}judges[{i}].")
            community = text(item, "community", required=False, limit=40,
                             prefix=f"{prefix}judges[{i}].")
            if community:
                communities[name] = community
        elif isinstance(item, str) and 0 < len(item.strip()) <= 40:
            name = item.strip()
        else:
            raise bad(f"{prefix}judges[{i}]")
        if name not in names:
            names.append(name)
    return names, communities
